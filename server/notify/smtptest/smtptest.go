// Package smtptest starts a real receiving SMTP server for tests: Debian's
// python3-aiosmtpd (installed by scripts/deps.sh) with STARTTLS, implicit
// TLS or none, AUTH PLAIN/LOGIN, and a certificate from a CA made per
// server, delivering every message to a Maildir that tests read back and
// parse (headers, text and HTML parts). It can be stopped and started again
// on the same port, to test a mail server that is down. Shared gives each
// test a mailbox of its own on one server per test binary, for the tests
// that only send and read back (starting an aiosmtpd takes about half a
// second of CPU).
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

//go:embed smtpd.py
var script []byte

// Python is Debian's interpreter, which has python3-aiosmtpd.
const Python = "/usr/bin/python3"

// Mode is the server's encryption.
type Mode string

// Modes.
const (
	StartTLS Mode = "starttls"
	Implicit Mode = "implicit"
	Plain    Mode = "plain"
)

// Options configure a server.
type Options struct {
	Mode           Mode   // default StartTLS
	User, Password string // empty User: no AUTH required
	// RejectDomain: every recipient at this domain is refused as an
	// unknown mailbox (550 5.1.1 at RCPT TO); empty: none.
	RejectDomain string
	// DataReplyDelay: each message is delivered at the end of DATA and
	// its 250 reply sent this much later (a slow mail server); 0: at once.
	DataReplyDelay time.Duration
	// SlowAfterData: NOOP, RSET and QUIT are answered this much late once
	// a message was taken on the connection; 0: at once.
	SlowAfterData time.Duration
}

// Server is one running (or stopped) aiosmtpd.
type Server struct {
	Opts    Options
	Port    int
	Maildir string
	CA      *x509.CertPool
	CAFile  string // the CA certificate, PEM

	dir, cert, key, py string
	mu                 sync.Mutex
	cmd                *exec.Cmd

	// shared: a mailbox on a shared server (see Shared), which Down and
	// Up refuse.
	shared bool
	// perLogin starts the server with --mailbox-per-login and
	// --exit-on-eof; eof is the write end of its standard input, held
	// open while it runs.
	perLogin bool
	eof      *os.File
}

// Start starts a server on a free loopback port; it is stopped when t ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s := New(t, o)
	s.Up(t)
	return s
}

// New prepares a server (certificates, Maildir, a free port) without
// starting it: Up starts it. It is stopped when t ends.
func New(t testing.TB, o Options) *Server {
	t.Helper()
	if _, err := os.Stat(Python); err != nil {
		t.Fatalf("smtptest: %s missing: run scripts/deps.sh (python3-aiosmtpd)", Python)
	}
	if o.Mode == "" {
		o.Mode = StartTLS
	}
	dir := t.TempDir()
	s := &Server{Opts: o, dir: dir, Maildir: filepath.Join(dir, "Maildir"), py: filepath.Join(dir, "smtpd.py")}
	if err := os.WriteFile(s.py, script, 0o600); err != nil {
		t.Fatal(err)
	}
	s.makeCerts(t)
	s.Port = FreePort(t)
	t.Cleanup(s.Down)
	return s
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// URL is the server as a Styrke SMTP URL (smtp://, smtps:// or
// smtp+plain://), with the credentials. The host is "localhost", the name
// in the certificate.
func (s *Server) URL() string {
	scheme := map[Mode]string{StartTLS: "smtp", Implicit: "smtps", Plain: "smtp+plain"}[s.Opts.Mode]
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort("localhost", strconv.Itoa(s.Port))}
	if s.Opts.User != "" {
		u.User = url.UserPassword(s.Opts.User, s.Opts.Password)
	}
	return u.String()
}

// Up starts the server and waits until it accepts connections.
func (s *Server) Up(t testing.TB) {
	t.Helper()
	if s.shared {
		t.Fatal("smtptest: Up on a shared server: use Start for a server the test stops")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	args := []string{s.py, "--port", strconv.Itoa(s.Port), "--maildir", s.Maildir, "--mode", string(s.Opts.Mode),
		"--cert", s.cert, "--key", s.key}
	if s.Opts.User != "" {
		args = append(args, "--user", s.Opts.User)
	}
	if s.Opts.RejectDomain != "" {
		args = append(args, "--reject-domain", s.Opts.RejectDomain)
	}
	if s.Opts.DataReplyDelay > 0 {
		args = append(args, "--data-reply-delay", strconv.FormatFloat(s.Opts.DataReplyDelay.Seconds(), 'f', -1, 64))
	}
	if s.Opts.SlowAfterData > 0 {
		args = append(args, "--slow-after-data", strconv.FormatFloat(s.Opts.SlowAfterData.Seconds(), 'f', -1, 64))
	}
	var eof *os.File
	if s.perLogin {
		args = append(args, "--mailbox-per-login", "--exit-on-eof")
	}
	cmd := exec.Command(Python, args...)
	if s.perLogin {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		cmd.Stdin, eof = r, w
	}
	cmd.Env = append(os.Environ(), "SMTPTEST_PASSWORD="+s.Opts.Password, "PYTHONUNBUFFERED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		closeFile(eof)
		t.Fatalf("smtptest: start aiosmtpd: %v", err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "READY" {
				ready <- true
				io.Copy(io.Discard, out)
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Wait()
			closeFile(eof)
			t.Fatalf("smtptest: aiosmtpd exited: %s", stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		closeFile(eof)
		t.Fatalf("smtptest: aiosmtpd not ready after 20 s: %s", stderr.String())
	}
	s.cmd, s.eof = cmd, eof
}

func closeFile(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// Down stops the server (connections are then refused); Up starts it again
// on the same port with the same Maildir. It panics on a mailbox of a
// shared server (Shared), which other tests use: a test that stops its
// mail server starts its own (Start).
func (s *Server) Down() {
	if s.shared {
		panic("smtptest: Down on a shared server: use Start for a server the test stops")
	}
	s.down()
}

func (s *Server) down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	closeFile(s.eof)
	s.cmd, s.eof = nil, nil
}

var shared struct {
	mu      sync.Mutex
	servers map[Options]*Server
	logins  int
}

// Shared returns a mailbox of its own on the test binary's one server with
// options o, started by the first call with those options and stopped by
// StopShared (call it from TestMain after m.Run) or else when the test
// binary exits (the server ends when its standard input does). The
// server's logins are o.User and o.User+"+N", all with o.Password; the
// mailbox's User is a login no other call gets, and the server delivers
// what is sent with it to a Maildir of its own, which Messages reads. o
// must name a User. Down and Up are for a server of the test's own: they
// panic and fail here.
func Shared(t testing.TB, o Options) *Server {
	t.Helper()
	if o.User == "" {
		t.Fatal("smtptest: Shared needs Options.User: the mailbox is the login's")
	}
	if o.Mode == "" {
		o.Mode = StartTLS
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	s := shared.servers[o]
	if s == nil {
		if _, err := os.Stat(Python); err != nil {
			t.Fatalf("smtptest: %s missing: run scripts/deps.sh (python3-aiosmtpd)", Python)
		}
		dir, err := os.MkdirTemp("", "styrke-smtptest-")
		if err != nil {
			t.Fatal(err)
		}
		s = &Server{Opts: o, dir: dir, Maildir: filepath.Join(dir, "Maildir"), py: filepath.Join(dir, "smtpd.py"), perLogin: true}
		if err := os.WriteFile(s.py, script, 0o600); err != nil {
			os.RemoveAll(dir)
			t.Fatal(err)
		}
		s.makeCerts(t)
		s.Port = FreePort(t)
		started := false
		defer func() {
			if !started {
				os.RemoveAll(dir)
			}
		}()
		s.Up(t)
		started = true
		if shared.servers == nil {
			shared.servers = map[Options]*Server{}
		}
		shared.servers[o] = s
	}
	shared.logins++
	login := o.User + "+" + strconv.Itoa(shared.logins)
	box := &Server{Opts: s.Opts, Port: s.Port, Maildir: filepath.Join(s.Maildir, login), CA: s.CA, CAFile: s.CAFile, shared: true}
	box.Opts.User = login
	return box
}

// StopShared stops the servers Shared started and removes their files.
func StopShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for o, s := range shared.servers {
		s.down()
		os.RemoveAll(s.dir)
		delete(shared.servers, o)
	}
}

// Received is one message read back from the Maildir.
type Received struct {
	Header mail.Header
	Text   string // the text/plain part, decoded
	HTML   string // the text/html part, decoded
	Raw    []byte
	// ContentType is the top-level media type (multipart/alternative).
	ContentType string
}

// Messages returns every message delivered so far, oldest first (by the
// delivery time in the Maildir file name).
func (s *Server) Messages(t testing.TB) []Received {
	t.Helper()
	var files []string
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(s.Maildir, sub))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, e := range ents {
			files = append(files, filepath.Join(s.Maildir, sub, e.Name()))
		}
	}
	// Maildir names start "SECONDS.MMICROS" with the microseconds not
	// zero-padded: order by that, not by the name's text.
	key := func(f string) (int64, int64) {
		var sec, usec int64
		fmt.Sscanf(filepath.Base(f), "%d.M%d", &sec, &usec)
		return sec, usec
	}
	sort.SliceStable(files, func(i, j int) bool {
		si, ui := key(files[i])
		sj, uj := key(files[j])
		return si < sj || si == sj && ui < uj
	})
	var out []Received
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Parse(raw)
		if err != nil {
			t.Fatalf("smtptest: %s: %v", f, err)
		}
		out = append(out, r)
	}
	return out
}

// Parse reads a message and its text and HTML parts.
func Parse(raw []byte) (Received, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	r := Received{Header: m.Header, Raw: raw}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return r, fmt.Errorf("content type: %w", err)
	}
	r.ContentType = mt
	if !strings.HasPrefix(mt, "multipart/") {
		body, err := decode(m.Header.Get("Content-Transfer-Encoding"), m.Body)
		if err != nil {
			return r, err
		}
		if mt == "text/html" {
			r.HTML = body
		} else {
			r.Text = body
		}
		return r, nil
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r, err
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		body, err := decode(p.Header.Get("Content-Transfer-Encoding"), p)
		if err != nil {
			return r, err
		}
		switch pt {
		case "text/plain":
			r.Text = body
		case "text/html":
			r.HTML = body
		}
	}
	return r, nil
}

func decode(cte string, r io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		b, err := io.ReadAll(r)
		if err != nil {
			return "", err
		}
		dec := make([]byte, len(b))
		n, err := base64Decode(dec, b)
		return string(dec[:n]), err
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

func (s *Server) makeCerts(t testing.TB) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	s.cert, s.key, s.CAFile = filepath.Join(s.dir, "cert.pem"), filepath.Join(s.dir, "key.pem"), filepath.Join(s.dir, "ca.pem")
	write := func(path, typ string, b []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(s.cert, "CERTIFICATE", der)
	write(s.key, "EC PRIVATE KEY", keyDER)
	write(s.CAFile, "CERTIFICATE", caDER)
	s.CA = x509.NewCertPool()
	s.CA.AddCert(caCert)
}
