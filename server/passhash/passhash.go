// Package passhash hashes passwords with Argon2id (RFC 9106) and verifies
// them. Hashes are encoded in the PHC string format with their parameters,
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// (salt and key in unpadded standard base64), so the parameters can be raised
// later without invalidating stored hashes: Verify reads them from the
// encoding, and NeedsRehash says when a stored hash is weaker than Default.
//
// Parameters read from storage are capped (see Limits) so that a corrupt or
// hostile row cannot make Verify allocate gigabytes or spin for minutes.
package passhash

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id cost parameters.
type Params struct {
	Memory  uint32 // memory in KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes (parallelism)
	SaltLen uint32 // salt length in bytes
	KeyLen  uint32 // derived key length in bytes
}

// Default are the parameters Hash uses: the OWASP / RFC 9106 "second
// recommended option" for Argon2id, m=19 MiB, t=2, p=1, a 16-byte salt and a
// 32-byte key.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits are the largest parameters Verify accepts from an encoded hash;
// anything above fails with ErrTooCostly before any work is done. They leave
// room to raise Default roughly tenfold.
var Limits = Params{Memory: 256 * 1024, Time: 16, Threads: 16, SaltLen: 64, KeyLen: 64}

// Minimum salt and key lengths Verify accepts from an encoded hash.
const (
	minSaltLen = 8
	minKeyLen  = 16
)

// Errors Verify and MatchAny return for encodings they refuse, for errors.Is;
// both arrive wrapped in a *DecodeError.
var (
	// ErrMalformed: the encoding is not an Argon2id PHC string this package
	// can read.
	ErrMalformed = errors.New("passhash: malformed encoded hash")
	// ErrTooCostly: the encoding's parameters exceed Limits.
	ErrTooCostly = errors.New("passhash: encoded parameters exceed limits")
)

// DecodeError describes why an encoded hash was refused. Err is ErrMalformed
// or ErrTooCostly. It never contains the encoding itself.
type DecodeError struct {
	Reason string // what is wrong, e.g. "bad salt encoding"
	Err    error
}

// Error implements error.
func (e *DecodeError) Error() string { return e.Err.Error() + ": " + e.Reason }

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

var b64 = base64.RawStdEncoding

// Hash hashes password with Default parameters and a fresh random salt and
// returns the encoded hash. It waits for its memory within the process's
// WorkLimits and fails with a *BusyError (errors.Is ErrBusy) when it cannot
// get it in time; otherwise it fails only if the system's random source does.
func Hash(password string) (string, error) {
	return HashContext(context.Background(), password)
}

// HashContext is Hash that also stops waiting for memory when ctx ends
// (returning ctx's error); a hash already running is not interrupted.
func HashContext(ctx context.Context, password string) (string, error) {
	return hashWith(ctx, password, Default)
}

// HashWith is Hash with explicit parameters. It panics if p has zero Memory,
// Time, Threads or KeyLen, or a SaltLen under 8: those are programming errors.
func HashWith(password string, p Params) (string, error) {
	return hashWith(context.Background(), password, p)
}

func hashWith(ctx context.Context, password string, p Params) (string, error) {
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.KeyLen == 0 || p.SaltLen < minSaltLen {
		panic("passhash: invalid parameters")
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passhash: read salt: %w", err)
	}
	release, err := work.acquire(ctx, uint64(p.Memory), true)
	if err != nil {
		return "", err
	}
	defer release()
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

func encode(p Params, salt, key []byte) string {
	var b strings.Builder
	b.Grow(64 + b64.EncodedLen(len(salt)) + b64.EncodedLen(len(key)))
	b.WriteString("$argon2id$v=")
	b.WriteString(strconv.Itoa(argon2.Version))
	b.WriteString("$m=")
	b.WriteString(strconv.FormatUint(uint64(p.Memory), 10))
	b.WriteString(",t=")
	b.WriteString(strconv.FormatUint(uint64(p.Time), 10))
	b.WriteString(",p=")
	b.WriteString(strconv.FormatUint(uint64(p.Threads), 10))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(salt))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(key))
	return b.String()
}

// decoded is a parsed encoding.
type decoded struct {
	p         Params
	salt, key []byte
}

func malformed(reason string) error { return &DecodeError{Reason: reason, Err: ErrMalformed} }

// decode parses an encoded hash and checks its parameters against Limits.
func decode(encoded string) (decoded, error) {
	var d decoded
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return d, malformed("not a PHC string with 5 fields")
	}
	if parts[1] != "argon2id" {
		return d, malformed("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return d, malformed("unsupported version")
	}
	seen := 0
	for kv := range strings.SplitSeq(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return d, malformed("bad parameter list")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || (len(v) > 1 && v[0] == '0') {
			return d, malformed("bad parameter value")
		}
		var bit int
		switch k {
		case "m":
			bit, d.p.Memory = 1, uint32(n)
		case "t":
			bit, d.p.Time = 2, uint32(n)
		case "p":
			if n > 255 {
				return d, &DecodeError{Reason: "parallelism above limit", Err: ErrTooCostly}
			}
			bit, d.p.Threads = 4, uint8(n)
		default:
			return d, malformed("unknown parameter")
		}
		if seen&bit != 0 {
			return d, malformed("repeated parameter")
		}
		seen |= bit
	}
	if seen != 7 {
		return d, malformed("missing parameter")
	}
	if d.p.Time == 0 || d.p.Threads == 0 || d.p.Memory < 8*uint32(d.p.Threads) {
		return d, malformed("parameter below argon2 minimum")
	}
	if d.p.Memory > Limits.Memory || d.p.Time > Limits.Time || d.p.Threads > Limits.Threads {
		return d, &DecodeError{Reason: "cost parameters above limit", Err: ErrTooCostly}
	}
	if b64.DecodedLen(len(parts[4])) > int(Limits.SaltLen) || b64.DecodedLen(len(parts[5])) > int(Limits.KeyLen) {
		return d, &DecodeError{Reason: "salt or key longer than limit", Err: ErrTooCostly}
	}
	var err error
	if d.salt, err = b64.Strict().DecodeString(parts[4]); err != nil {
		return d, malformed("bad salt encoding")
	}
	if d.key, err = b64.Strict().DecodeString(parts[5]); err != nil {
		return d, malformed("bad key encoding")
	}
	if len(d.salt) < minSaltLen {
		return d, malformed("salt too short")
	}
	if len(d.key) < minKeyLen {
		return d, malformed("key too short")
	}
	d.p.SaltLen, d.p.KeyLen = uint32(len(d.salt)), uint32(len(d.key))
	return d, nil
}

// Verify reports whether password matches encoded. The key comparison takes
// constant time. It returns a *DecodeError (ErrMalformed or ErrTooCostly)
// and false for an encoding it refuses, without hashing anything, and a
// *BusyError as Hash does.
func Verify(password, encoded string) (bool, error) {
	d, err := decode(encoded)
	if err != nil {
		return false, err
	}
	release, err := work.acquire(context.Background(), uint64(d.p.Memory), false)
	if err != nil {
		return false, err
	}
	defer release()
	return verifyDecoded(password, d), nil
}

// verifyDecoded hashes password with d's parameters and salt and compares.
func verifyDecoded(password string, d decoded) bool {
	key := argon2.IDKey([]byte(password), d.salt, d.p.Time, d.p.Memory, d.p.Threads, d.p.KeyLen)
	return subtle.ConstantTimeCompare(key, d.key) == 1
}

// NeedsRehash reports whether encoded was made with parameters weaker than
// Default (or cannot be read), so the caller should hash the password again
// the next time it has it in clear.
func NeedsRehash(encoded string) bool {
	d, err := decode(encoded)
	if err != nil {
		return true
	}
	return d.p.Memory < Default.Memory || d.p.Time < Default.Time ||
		d.p.SaltLen < Default.SaltLen || d.p.KeyLen < Default.KeyLen
}

// MatchAny reports whether password matches any of the encoded hashes (a
// password history). It verifies them in parallel, at most
// runtime.GOMAXPROCS(0) at once since each verification is CPU-bound, and
// stops starting new ones once one matches or ctx is done (a verification
// already running is not interrupted). It first takes, once for the whole
// call, the memory of its parallel verifications within the process's
// WorkLimits (waiting in the queue, see WorkLimits).
//
// It returns (true, nil) if any entry matches, even when others are
// malformed. Otherwise it returns false and: if ctx ended first, ctx.Err();
// if it could not get its memory in time, a *BusyError (errors.Is ErrBusy:
// the answer is unknown, the caller must not take it as "no match"); or
// else the *DecodeError of every refused entry joined with errors.Join
// (each wrapped with its index), or nil if all entries were readable.
func MatchAny(ctx context.Context, password string, encoded []string) (bool, error) {
	if len(encoded) == 0 {
		return false, ctx.Err()
	}
	errs := make([]error, len(encoded))
	entries := make([]decoded, 0, len(encoded))
	var most uint64
	for i, enc := range encoded {
		d, err := decode(enc)
		if err != nil {
			errs[i] = fmt.Errorf("history entry %d: %w", i, err)
			continue
		}
		entries = append(entries, d)
		most = max(most, uint64(d.p.Memory))
	}
	if len(entries) == 0 {
		return false, errors.Join(errs...)
	}
	workers := min(runtime.GOMAXPROCS(0), len(entries))
	release, err := work.acquire(ctx, uint64(workers)*most, false)
	if err != nil {
		return false, err
	}
	defer release()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		mu      sync.Mutex
		next    int
		matched bool
		wg      sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if matched || next == len(entries) || ctx.Err() != nil {
			return 0, false
		}
		i := next
		next++
		return i, true
	}
	for range workers {
		wg.Go(func() {
			for {
				i, ok := take()
				if !ok {
					return
				}
				if verifyDecoded(password, entries[i]) {
					mu.Lock()
					matched = true
					mu.Unlock()
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	if matched {
		return true, nil
	}
	if err := ctx.Err(); err != nil && next < len(entries) {
		// Cancelled before every entry was checked: the answer is unknown.
		return false, err
	}
	return false, errors.Join(errs...)
}
