// Command wasm is the policy package compiled to WebAssembly (GOOS=js
// GOARCH=wasm) for the browser: the same rules as the server and the CLI, no
// second implementation in JavaScript.
//
// Build (the site build, the e2e tests and the bench all use
// wasm/wasmbuild.Build: these flags, then its data section packed into one
// segment, wasmbuild.Pack, 44 KB less with brotli, and the file and line
// tables of Go's function table zeroed, wasmbuild.StripLines, 29 KB less;
// by hand, neither):
//
//	GOOS=js GOARCH=wasm GOEXPERIMENT=nogreenteagc go build -trimpath -ldflags=-s\ -w -gcflags=all=-l -o styrke.wasm ./wasm
//
// and serve it beside styrke-meter.js and $(go env GOROOT)/lib/wasm/wasm_exec.js
// (never committed; copied at build time).
//
// # JavaScript API
//
// Importing styrke-meter.js (an ES module) defines the <styrke-meter>
// element and starts the module. The module's export ready (a Promise)
// resolves to globalThis.styrke once the module has started, which has:
//
//	styrke.evaluate(input) -> Result | {error: {code, message}}
//
// input is {password: string, username?: string, name?: string,
// birthDate?: "YYYY-MM-DD", phone?: string,
// policy?: string | object, breachCount?: number | null, lang?: "nb"|"nn"|"en"}.
// policy is an institution id ("uit", "uio", "default", ...) or a policy
// object in the shape of policy/institutions/*.json; absent means "default".
// The result has exactly the fields of the CLI's Result JSON
// (policy.Result.AppendJSON): score, bonus, threshold, ok, chars
// [{points, category, note}], violations [{rule, params, message}],
// feedback. Bad input never throws and never stops the runtime: it returns
// {error: {code, message}} with code "bad_input" (a missing password, a
// field of the wrong type or a birthDate that is no date), "unknown_policy" (no such institution id) or
// "invalid_policy" (a policy object that does not parse or breaks a limit;
// message lists the problems).
//
//	styrke.verdict(input) -> Result without chars | {error: {code, message}}
//
// is evaluate without the per-character results (the same input, the same
// errors): building and parsing one object per character is most of what a
// call costs, and a batch of passwords (the designer's) does not show them.
//
//	styrke.policyProblems(policy) -> [{field, message}]
//
// returns the problems that `styrke policy validate` prints for policy (an
// object or JSON text): Policy.Problems, or one entry with field "" for a
// document that does not parse. An empty array means the policy is valid.
// A non-object, non-string argument gives {error: {code: "bad_input", ...}}.
//
// # Wire between JavaScript and Go
//
// There is no syscall/js: the module exports three functions with
// //go:wasmexport over one shared linear-memory buffer, which keeps the
// module small and a call under a microsecond:
//
//	inbuf(n) -> ptr      grow the input buffer to n bytes and return its address
//	evaluate(n) -> m     read a request of n bytes from the input buffer; write
//	                     the answer (JSON text, m bytes) to the output buffer
//	evaluatecells(n) -> m  evaluate for the element's own rendering: the
//	                     per-character points and notes as arrays, the rest
//	                     as JSON (see evaluateCells); not part of the public API
//	problems(n) -> m     the same for policyProblems
//	prepare()            build the common-password set now (policy.Prepare),
//	                     called when the page is idle after the first score
//	outbuf() -> ptr      the address of the output buffer
//
// A request is a sequence of fields, each a little-endian uint32 length
// followed by that many bytes of UTF-8: password, username, name, policy,
// lang, birthDate, phone; then one byte: 0 no policy, 1 policy id, 2 policy JSON; then an
// int32 breach count (-1 when unknown). The JSON answer is parsed by
// JSON.parse in the glue.
//
// The module imports one function besides wasm_exec.js's, which the loader
// in styrke-meter.js provides (numImports): styrke.number(ptr, len) -> f64,
// JavaScript's Number of a number of a policy's JSON, so that strconv's
// float parser and its tables stay out of the module
// (policy/internal/floatconv). Load the module through styrke-meter.js;
// its tests run under Node with wasm/nodeexec, which gives the same import.
package main

import (
	"errors"
	"math"
	"unsafe"

	"github.com/styrke-iam/styrke/policy"
)

var (
	in  []byte
	out []byte
)

func main() {
	select {} // keep the runtime alive for the exported functions
}

//go:wasmexport inbuf
func inbuf(n int32) uint32 {
	if n < 1 {
		n = 1
	}
	if cap(in) < int(n) {
		in = make([]byte, n)
	}
	in = in[:n]
	return uint32(uintptr(unsafe.Pointer(&in[0])))
}

//go:wasmexport outbuf
func outbuf() uint32 {
	if cap(out) == 0 {
		out = make([]byte, 0, 4096)
	}
	return uint32(uintptr(unsafe.Pointer(&out[:1][0])))
}

// request is one decoded evaluate or problems call.
type request struct {
	password, username, name, policy, lang, birthDate, phone string
	policyKind                                               byte
	breach                                                   int32
}

var errShort = errors.New("truncated request")

// le32 reads a little-endian uint32 (encoding/binary would bring reflect into
// the module).
func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// decode reads a request. Its strings point into the input buffer, with no
// copy: they are valid only during the call, until JavaScript writes the
// next request. Nothing keeps them: the Result is written out before the
// call returns, and the policy cache copies its key.
func decode(b []byte) (request, error) {
	var r request
	fields := [...]*string{&r.password, &r.username, &r.name, &r.policy, &r.lang, &r.birthDate, &r.phone}
	for _, f := range fields {
		if len(b) < 4 {
			return r, errShort
		}
		n := le32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return r, errShort
		}
		if n > 0 {
			*f = unsafe.String(&b[0], n)
		}
		b = b[n:]
	}
	if len(b) != 5 {
		return r, errShort
	}
	r.policyKind = b[0]
	r.breach = int32(le32(b[1:]))
	return r, nil
}

// setOut stores the answer and returns its length.
func setOut(b []byte) int32 {
	out = b
	return int32(len(b))
}

func appendError(b []byte, code, msg string) []byte {
	b = append(b, `{"error":{"code":`...)
	b = policy.AppendJSONString(b, code)
	b = append(b, `,"message":`...)
	b = policy.AppendJSONString(b, msg)
	return append(b, "}}"...)
}

// policies caches parsed policies by kind and text: parsing is far slower
// than evaluating, and a meter asks about the same policy on every keystroke
// (last answers that without building a key). The oldest of the 16 goes
// first. (Not a map: the module would carry the runtime's map clearing for
// this alone.)
var (
	policies [16]struct {
		key string // kind digit + policy text
		p   policy.Policy
	}
	nextPolicy int // the slot the next parsed policy takes
	last       struct {
		key string // as in policies
		p   policy.Policy
	}
)

// loadPolicy resolves the request's policy; code is "" on success.
func loadPolicy(r request) (p policy.Policy, code string, err error) {
	if len(last.key) == 1+len(r.policy) && last.key[0] == '0'+r.policyKind && last.key[1:] == r.policy {
		return last.p, "", nil
	}
	key := string(rune('0'+r.policyKind)) + r.policy // a copy: r.policy is in the input buffer
	found := false
	for i := range policies {
		if policies[i].key == key {
			p, found = policies[i].p, true
			break
		}
	}
	if !found {
		p, code, err = parsePolicy(r)
		if err != nil {
			return p, code, err
		}
		policies[nextPolicy].key, policies[nextPolicy].p = key, p
		nextPolicy = (nextPolicy + 1) % len(policies)
	}
	last.key, last.p = key, p
	return p, "", nil
}

func parsePolicy(r request) (p policy.Policy, code string, err error) {
	switch r.policyKind {
	case 0:
		p, err = policy.Lookup("default")
	case 1:
		p, err = policy.Lookup(r.policy)
		if err != nil {
			return p, "unknown_policy", err
		}
	case 2:
		p, err = policy.Parse([]byte(r.policy))
		if err != nil {
			return p, "invalid_policy", err
		}
	default:
		return p, "bad_input", errors.New("policy kind out of range")
	}
	if err != nil {
		return p, "invalid_policy", err
	}
	return p, "", nil
}

// evaluateRequest decodes the request of n bytes and evaluates it; on bad
// input it returns the error's code and message instead.
func evaluateRequest(n int32) (res policy.Result, code, msg string) {
	r, err := decode(in[:n])
	if err != nil {
		return res, "bad_input", err.Error()
	}
	if r.birthDate != "" && !policy.ValidBirthDate(r.birthDate) {
		return res, "bad_input", "birthDate must be a date written YYYY-MM-DD"
	}
	p, code, err := loadPolicy(r)
	if err != nil {
		return res, code, err.Error()
	}
	input := policy.Input{Password: r.password, Username: r.username, Name: r.name, BirthDate: r.birthDate, Phone: r.phone, Lang: r.lang}
	if r.breach >= 0 {
		c := int(r.breach)
		input.BreachCount = &c
	}
	res = policy.EvaluateIn(chars, p, input)
	if cap(res.Chars) > cap(chars) {
		chars = res.Chars
	}
	return res, "", ""
}

// chars is the storage of the last Result's Chars, reused by the next call
// (policy.EvaluateIn): a keystroke then leaves almost nothing for Go's
// collector, whose every cycle would cost a keystroke about a millisecond.
var chars []policy.Char

// prepare builds the policy package's lazily built tables (policy.Prepare);
// the glue calls it once the page is idle after the first score.
//
//go:wasmexport prepare
func prepare() { policy.Prepare() }

//go:wasmexport evaluate
func evaluate(n int32) int32 {
	res, code, msg := evaluateRequest(n)
	if code != "" {
		return setOut(appendError(out[:0], code, msg))
	}
	return setOut(res.AppendJSON(out[:0]))
}

// evaluateCells is evaluate for the meter's own rendering: the per-character
// part goes out as arrays instead of JSON objects, so that a keystroke does
// not make 127 JavaScript objects. The answer is: uint32 count, uint32 JSON
// length, count float64 points, count category bytes, count note bytes
// (policy.Category and policy.Note values), count pattern bytes (1 when
// policy.Char.Pattern), then the Result's JSON with an empty "chars" (or an
// error object, with count 0).
//
//go:wasmexport evaluatecells
func evaluateCells(n int32) int32 {
	b := append(out[:0], 0, 0, 0, 0, 0, 0, 0, 0)
	res, code, msg := evaluateRequest(n)
	if code != "" {
		return setOut(putHeader(appendError(b, code, msg), 0, 8))
	}
	for _, c := range res.Chars {
		u := math.Float64bits(c.Points)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24), byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
	}
	for _, c := range res.Chars {
		b = append(b, byte(c.Category))
	}
	for _, c := range res.Chars {
		b = append(b, byte(c.Note))
	}
	for _, c := range res.Chars {
		b = append(b, boolByte(c.Pattern))
	}
	start := len(b)
	count := len(res.Chars)
	res.Chars = nil
	return setOut(putHeader(res.AppendJSON(b), count, start))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// putHeader writes evaluatecells' count and JSON length into b[0:8].
func putHeader(b []byte, count, jsonStart int) []byte {
	l := len(b) - jsonStart
	for i, v := range [2]int{count, l} {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	return b
}

//go:wasmexport problems
func problems(n int32) int32 {
	b := out[:0]
	r, err := decode(in[:n])
	if err != nil {
		return setOut(appendError(b, "bad_input", err.Error()))
	}
	var probs []policy.Problem
	if _, err := policy.Parse([]byte(r.policy)); err != nil {
		// Parse returns the *ProblemsError itself, never wrapped: a type
		// assertion, not errors.As, which would link reflection (about
		// 6 KB brotli) into the module.
		if pe, ok := err.(*policy.ProblemsError); ok {
			probs = pe.Problems
		} else {
			probs = []policy.Problem{{Field: "", Message: err.Error()}}
		}
	}
	b = append(b, '[')
	for i, pr := range probs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"field":`...)
		b = policy.AppendJSONString(b, pr.Field)
		b = append(b, `,"message":`...)
		b = policy.AppendJSONString(b, pr.Message)
		b = append(b, '}')
	}
	return setOut(append(b, ']'))
}
