package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Describe returns err, an error of this package's Store, with the
// database's outage said in words an operator acts on, after the
// operation that met it ("postgres: activation: the database is
// unreachable: 10.0.0.5:5432 refused the connection (nothing listens
// there: is PostgreSQL running, on that port?); user styrke, database
// styrke"), where pgconn's own text said "failed to connect to
// `user=styrke database=styrke`: 10.0.0.5:5432 (db): dial error: dial tcp
// 10.0.0.5:5432: connect: connection refused". It says a connection that
// could not be made (refused, no route, no answer in time, a name not
// resolved, the login or the database refused), one the server ended (it
// shut down), one lost, and a server out of room or read-only; any other
// error is returned as it is, ok false. The result wraps err (errors.Is and As, and
// Unavailable, see what they saw) and never holds the connection's
// password.
//
// The Store's methods wrap pgx's errors with their operation at some 100
// places; serve's log says each through Describe, in one place, instead.
func Describe(err error) (described error, ok bool) {
	if err == nil {
		return nil, false
	}
	if ce := (*connectError)(nil); errors.As(err, &ce) {
		return err, false // Open's, said already (connectFailure)
	}
	cause, said := outage(err)
	if said == "" {
		return err, false
	}
	msg := err.Error()
	prefix := "postgres: "
	if c := cause.Error(); strings.HasSuffix(msg, c) && len(msg) > len(c) {
		prefix = msg[:len(msg)-len(c)]
	}
	out := prefix + said
	if ce := (*pgconn.ConnectError)(nil); errors.As(err, &ce) && ce.Config != nil && len(ce.Config.Password) >= 4 {
		out = strings.ReplaceAll(out, ce.Config.Password, "(password)")
	}
	return &describedError{msg: strings.ReplaceAll(out, "\n", " "), err: err}, true
}

// describedError is an error said by Describe; Unwrap gives the original.
type describedError struct {
	msg string
	err error
}

func (e *describedError) Error() string { return e.msg }
func (e *describedError) Unwrap() error { return e.err }

// outage finds the database's outage in err: the error in its chain that
// pgx made of it (whose text Describe replaces) and the words for it;
// said is empty when err is no outage.
func outage(err error) (cause error, said string) {
	if ce := (*pgconn.ConnectError)(nil); errors.As(err, &ce) {
		return ce, "the database is unreachable: " + connectWords(ce)
	}
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) {
		return pe, serverWords(pe)
	}
	cause = pgxCause(err)
	if cause == nil || errors.Is(err, context.Canceled) { // the request's, gone
		return nil, ""
	}
	var oe *net.OpError
	switch {
	case pgconn.Timeout(err):
		return cause, "the database server did not answer in time (the query's time limit ran out)"
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.As(err, &oe):
		return cause, "the connection to the database server was lost (the server stopped, or the network between dropped it)"
	}
	return nil, ""
}

// pgxCause is the outermost error in err's chain that pgx made, or nil:
// a network error that pgx did not wrap (a directory's, a mail server's,
// logged by the same serve) is none of the database's.
func pgxCause(err error) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		t := reflect.TypeOf(e)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if strings.HasPrefix(t.PkgPath(), "github.com/jackc/pgx/") {
			return e
		}
	}
	return nil
}

// serverWords says an error the server sent that is an outage (pgx's
// Store.Unavailable counts the same codes), or "".
func serverWords(pe *pgconn.PgError) string {
	code := " (SQLSTATE " + pe.Code + ")"
	switch {
	case pe.Code == "57P01":
		return "the database server ended the connection: it is shutting down (an administrator or the system stopped it; SQLSTATE 57P01)"
	case pe.Code == "57P02":
		return "the database server ended the connection: it is restarting after one of its processes crashed (SQLSTATE 57P02)"
	case pe.Code == "57P03":
		return "the database server takes no connections now: it is starting up, shutting down or recovering (SQLSTATE 57P03)"
	case pe.Code == "25006":
		return "the database is read-only (a standby, or a server in recovery): nothing was written (SQLSTATE 25006)"
	case pe.Code == "53100":
		return "the database server's disk is full: nothing was written (SQLSTATE 53100)"
	case pe.Code == "53200":
		return "the database server is out of memory" + code
	case pe.Code == "53300":
		return "the database server has no connection free (max_connections reached; SQLSTATE 53300)"
	case strings.HasPrefix(pe.Code, "53"):
		return "the database server lacks room: " + pe.Message + code
	case strings.HasPrefix(pe.Code, "08"):
		return "the connection to the database server failed: " + pe.Message + code
	}
	return ""
}

// connectWords says why a connection could not be made, at which address,
// as whom: the attempt the server answered (a login or database refused),
// else the last one (pgx tries each address, and TLS then plain).
func connectWords(ce *pgconn.ConnectError) string {
	attempts := []error{ce.Unwrap()}
	if j, ok := attempts[0].(interface{ Unwrap() []error }); ok {
		attempts = j.Unwrap()
	}
	lead := attempts[len(attempts)-1]
	for _, a := range attempts {
		if pe := (*pgconn.PgError)(nil); errors.As(a, &pe) {
			lead = a
			break
		}
	}
	cfg := ce.Config
	if cfg == nil {
		cfg = &pgconn.Config{}
	}
	where, why := attempt(lead, cfg)
	var (
		pe  *pgconn.PgError
		dns *net.DNSError
	)
	switch {
	case errors.As(lead, &pe):
		switch pe.Code {
		case "28P01":
			why = where + " refused the login: wrong password for the user (SQLSTATE 28P01)"
		case "3D000":
			why = where + " has no such database (SQLSTATE 3D000)"
		case "57P01":
			// The server stopped as the connection was set up (serve's
			// sweeps meet it), or pg_terminate_backend ended it.
			why = where + " ended the connection as it was made: it is shutting down, or an administrator ended the connection (SQLSTATE 57P01)"
		case "57P03":
			why = where + " takes no connections now: it is starting up, shutting down or recovering (SQLSTATE 57P03)"
		case "53300":
			why = where + " has no connection free (max_connections reached; SQLSTATE 53300)"
		default:
			why = fmt.Sprintf("%s refused the connection: %s (SQLSTATE %s)", where, pe.Message, pe.Code)
		}
	case errors.As(lead, &dns):
		why = "the host name " + dns.Name + " could not be resolved (" + dns.Err + ")"
	default:
		if what, hint, ok := networkWhy(lead); ok {
			why = where + " " + what + " (" + hint + ")"
		} else {
			why = where + ": " + why
		}
	}
	return fmt.Sprintf("%s; user %s, database %s", why, cfg.User, cfg.Database)
}

// networkWhy says a connection's failure on the network, lead (a
// connection attempt's error), in words: what the server did and a hint of
// why; ok false for another failure (a refusal by PostgreSQL itself, a name
// that does not resolve).
func networkWhy(lead error) (what, hint string, ok bool) {
	var (
		dns *net.DNSError
		ne  net.Error
	)
	switch {
	case errors.As(lead, &dns):
		return "", "", false
	case errors.Is(lead, syscall.ECONNREFUSED):
		return "refused the connection", "nothing listens there: is PostgreSQL running, on that port?", true
	case errors.Is(lead, syscall.EHOSTUNREACH), errors.Is(lead, syscall.ENETUNREACH):
		return "cannot be reached", "no route to it over the network", true
	case pgconn.Timeout(lead), errors.As(lead, &ne) && ne.Timeout():
		return "did not answer within the connect timeout", "a firewall that drops the packets, or a server that hangs", true
	case errors.Is(lead, io.EOF), errors.Is(lead, io.ErrUnexpectedEOF), errors.Is(lead, syscall.ECONNRESET):
		return "closed the connection before it was set up", "a server shutting down, or a pooler or proxy that refused it", true
	}
	return "", "", false
}
