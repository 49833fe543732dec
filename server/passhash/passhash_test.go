package passhash_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/passhash"
)

// cheap parameters keep the tests fast; the encoding and the code paths are
// the same as with Default.
var cheap = passhash.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func mustHash(t testing.TB, password string, p passhash.Params) string {
	t.Helper()
	enc, err := passhash.HashWith(password, p)
	require.NoError(t, err)
	return enc
}

func TestHashDefaultEncoding(t *testing.T) {
	enc, err := passhash.Hash("correct horse battery staple")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$"), "prefix of %q", enc)
	parts := strings.Split(enc, "$")
	require.Len(t, parts, 6)
	assert.Len(t, parts[4], 22, "16-byte salt in unpadded base64")
	assert.Len(t, parts[5], 43, "32-byte key in unpadded base64")
	assert.NotContains(t, enc, "correct horse")

	ok, err := passhash.Verify("correct horse battery staple", enc)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.False(t, passhash.NeedsRehash(enc))

	again, err := passhash.Hash("correct horse battery staple")
	require.NoError(t, err)
	assert.NotEqual(t, enc, again, "two hashes of one password must differ by salt")
}

func TestVerify(t *testing.T) {
	enc := mustHash(t, "Sommer2025!", cheap)
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"same password", "Sommer2025!", true},
		{"different case", "sommer2025!", false},
		{"prefix", "Sommer2025", false},
		{"longer", "Sommer2025!!", false},
		{"empty", "", false},
		{"unicode", "Sømmer2025!", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := passhash.Verify(tt.password, enc)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "vector %d", i)
		})
	}
}

// TestVerifyRaisedParams checks that hashes made with other parameters still
// verify: the parameters travel in the encoding.
func TestVerifyRaisedParams(t *testing.T) {
	for _, p := range []passhash.Params{
		{Memory: 128, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 64},
	} {
		t.Run(encodedPrefix(p), func(t *testing.T) {
			enc := mustHash(t, "pw-vector", p)
			ok, err := passhash.Verify("pw-vector", enc)
			require.NoError(t, err)
			assert.True(t, ok)
			assert.True(t, passhash.NeedsRehash(enc), "weaker than Default")
		})
	}
}

func encodedPrefix(p passhash.Params) string {
	enc, _ := passhash.HashWith("", p)
	return strings.Join(strings.Split(enc, "$")[:4], "$")
}

func TestVerifyRefused(t *testing.T) {
	good := mustHash(t, "x", cheap)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	join := func(s ...string) string { return strings.Join(s, "$") }
	tests := []struct {
		name    string
		encoded string
		want    error
	}{
		{"empty", "", passhash.ErrMalformed},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuu5v5v5v5v5v5v5v5v5v5v5v5v5v5v5v5", passhash.ErrMalformed},
		{"argon2i", join("", "argon2i", "v=19", "m=64,t=1,p=1", salt, key), passhash.ErrMalformed},
		{"old version", join("", "argon2id", "v=16", "m=64,t=1,p=1", salt, key), passhash.ErrMalformed},
		{"too few fields", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt), passhash.ErrMalformed},
		{"too many fields", good + "$x", passhash.ErrMalformed},
		{"missing param", join("", "argon2id", "v=19", "m=64,t=1", salt, key), passhash.ErrMalformed},
		{"repeated param", join("", "argon2id", "v=19", "m=64,t=1,t=1", salt, key), passhash.ErrMalformed},
		{"unknown param", join("", "argon2id", "v=19", "m=64,t=1,p=1,x=1", salt, key), passhash.ErrMalformed},
		{"non-numeric param", join("", "argon2id", "v=19", "m=sixty,t=1,p=1", salt, key), passhash.ErrMalformed},
		{"negative param", join("", "argon2id", "v=19", "m=-64,t=1,p=1", salt, key), passhash.ErrMalformed},
		{"leading zero", join("", "argon2id", "v=19", "m=064,t=1,p=1", salt, key), passhash.ErrMalformed},
		{"zero time", join("", "argon2id", "v=19", "m=64,t=0,p=1", salt, key), passhash.ErrMalformed},
		{"zero threads", join("", "argon2id", "v=19", "m=64,t=1,p=0", salt, key), passhash.ErrMalformed},
		{"memory below 8p", join("", "argon2id", "v=19", "m=7,t=1,p=1", salt, key), passhash.ErrMalformed},
		{"padded salt", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt+"==", key), passhash.ErrMalformed},
		{"bad salt chars", join("", "argon2id", "v=19", "m=64,t=1,p=1", "!!!!!!!!!!!!", key), passhash.ErrMalformed},
		{"short salt", join("", "argon2id", "v=19", "m=64,t=1,p=1", "AAAA", key), passhash.ErrMalformed},
		{"short key", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt, "AAAAAAAA"), passhash.ErrMalformed},
		{"huge memory", join("", "argon2id", "v=19", "m=4194304,t=1,p=1", salt, key), passhash.ErrTooCostly},
		{"huge time", join("", "argon2id", "v=19", "m=64,t=1000,p=1", salt, key), passhash.ErrTooCostly},
		{"huge threads", join("", "argon2id", "v=19", "m=65536,t=1,p=200", salt, key), passhash.ErrTooCostly},
		{"threads over 255", join("", "argon2id", "v=19", "m=65536,t=1,p=256", salt, key), passhash.ErrTooCostly},
		{"memory over uint32", join("", "argon2id", "v=19", "m=4294967296,t=1,p=1", salt, key), passhash.ErrMalformed},
		{"huge key", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt, strings.Repeat("A", 200)), passhash.ErrTooCostly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := passhash.Verify("x", tt.encoded)
			assert.False(t, ok)
			require.ErrorIs(t, err, tt.want)
			var de *passhash.DecodeError
			require.ErrorAs(t, err, &de)
			assert.NotEmpty(t, de.Reason)
			assert.True(t, passhash.NeedsRehash(tt.encoded))
		})
	}
}

func TestHashWithPanicsOnInvalidParams(t *testing.T) {
	for name, p := range map[string]passhash.Params{
		"zero memory": {Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		"short salt":  {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Panics(t, func() { _, _ = passhash.HashWith("x", p) })
		})
	}
}

func history(t testing.TB, n int) []string {
	t.Helper()
	h := make([]string, n)
	for i := range h {
		h[i] = mustHash(t, "old-password-"+string(rune('a'+i)), cheap)
	}
	return h
}

func TestMatchAny(t *testing.T) {
	h := history(t, 5)
	malformed := "$argon2id$v=19$m=64,t=1,p=1$bad$bad"
	tests := []struct {
		name     string
		password string
		encoded  []string
		want     bool
	}{
		{"empty history", "old-password-a", nil, false},
		{"newest", "old-password-a", h, true},
		{"oldest", "old-password-e", h, true},
		{"middle", "old-password-c", h, true},
		{"none", "brand-new-password", h, false},
		{"match beside malformed", "old-password-b", append([]string{malformed}, h...), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := passhash.MatchAny(context.Background(), tt.password, tt.encoded)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMatchAnyErrors(t *testing.T) {
	h := history(t, 3)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		encoded []string
		want    []error
	}{
		{"malformed entry", context.Background(), append(h, "$argon2id$nope"), []error{passhash.ErrMalformed}},
		{"too costly entry", context.Background(), append(h, "$argon2id$v=19$m=99999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), []error{passhash.ErrTooCostly}},
		{"two bad entries", context.Background(), []string{"x", "$argon2id$v=19$m=64,t=999,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"}, []error{passhash.ErrMalformed, passhash.ErrTooCostly}},
		{"cancelled", cancelled, h, []error{context.Canceled}},
		{"cancelled empty", cancelled, nil, []error{context.Canceled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := passhash.MatchAny(tt.ctx, "not-in-history", tt.encoded)
			assert.False(t, got)
			for _, want := range tt.want {
				assert.ErrorIs(t, err, want)
			}
		})
	}
}

func TestDecodeErrorIsTyped(t *testing.T) {
	_, err := passhash.Verify("x", "garbage")
	var de *passhash.DecodeError
	require.True(t, errors.As(err, &de))
	assert.ErrorIs(t, de, passhash.ErrMalformed)
	assert.NotContains(t, de.Error(), "garbage", "the error must not echo stored data")
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := passhash.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	enc := mustHash(b, "correct horse battery staple", passhash.Default)
	for b.Loop() {
		if _, err := passhash.Verify("correct horse battery staple", enc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatchAny5 checks a password that is not in a 5-entry history with
// Default parameters: the worst case of the history check on submit.
func BenchmarkMatchAny5(b *testing.B) {
	h := make([]string, 5)
	for i := range h {
		h[i] = mustHash(b, "old-password-"+string(rune('a'+i)), passhash.Default)
	}
	ctx := context.Background()
	for b.Loop() {
		ok, err := passhash.MatchAny(ctx, "brand-new-password", h)
		if err != nil || ok {
			b.Fatalf("MatchAny = %v, %v; want false, nil", ok, err)
		}
	}
}

// FuzzVerify checks Verify never panics and refuses, rather than hashes with,
// anything over Limits. Seeds run in every `go test`; `go test -fuzz
// FuzzVerify ./server/passhash` explores further.
func FuzzVerify(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$,,,$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=64,t=1,p=1,m=64$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$$$$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, encoded string) {
		ok, err := passhash.Verify("fuzz", encoded)
		if err != nil {
			var de *passhash.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Verify error %T is not a *DecodeError", err)
			}
			if ok {
				t.Fatal("Verify returned true with an error")
			}
		}
	})
}
