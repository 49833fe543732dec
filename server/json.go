package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/styrke-iam/styrke/policy"
	"io"
	"math"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// maxBody is the largest request body the API reads; maxValidateBody is
// /api/validate's, whose policy object may be as large as a policy file
// (policy.MaxPolicyBytes: a designer's 200 context words, which answered
// 413 body_too_large) with room for the rest.
const (
	maxBody         = 8 << 10
	maxValidateBody = policy.MaxPolicyBytes + maxBody
)

// decode reads r's JSON body into v (a pointer to a struct): it must be
// application/json, at most maxBody bytes, valid UTF-8, and one object whose
// keys are v's field names exactly as spelled (encoding/json alone would take
// "PASSWORD" for "password"), with no key twice in any object at any depth
// (encoding/json alone would keep the last).
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeUpTo(w, r, v, maxBody)
}

// decodeUpTo is decode with a body of at most limit bytes.
func decodeUpTo(w http.ResponseWriter, r *http.Request, v any, limit int) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errorf(CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limit)))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(CodeTooLarge, "request body over "+strconv.Itoa(limit)+" bytes")
		}
		return errorf(CodeMalformed, "could not read the request body")
	}
	if !utf8.Valid(body) {
		return errorf(CodeInvalidUTF8, "request body is not valid UTF-8")
	}
	if err := strictJSON(body, fieldNames(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errorf(CodeMalformed, "trailing data after the JSON object")
	}
	return nil
}

// jsonError names the field a decoding error is about, never its value.
func jsonError(err error) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return errorf(CodeMalformed, "malformed JSON at byte "+strconv.FormatInt(se.Offset, 10))
	case errors.As(err, &te):
		if te.Field == "" {
			return errorf(CodeMalformed, "request body must be a JSON object")
		}
		f := te.Field
		return errorf(CodeInvalid, "field "+strconv.Quote(f)+" must be "+jsonKind(te.Type), f)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(CodeMalformed, "malformed or empty JSON")
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, uerr := strconv.Unquote(f)
		if uerr != nil {
			name = f
		}
		return errorf(CodeUnknownField, "unknown field "+strconv.Quote(name), name)
	}
	return errorf(CodeMalformed, "malformed JSON")
}

// jsonKind names what JSON value t is decoded from, in JSON's terms (never a
// Go type name).
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another JSON type"
}

// maxDepth is how deeply a request's JSON may nest.
const maxDepth = 32

// StrictObject is the API's own check of a JSON object (one object whose
// top-level keys are among fields, spelt exactly; no key twice in any
// object in it; nesting at most 32 deep), for the CLI's JSON input:
// `styrke check` took the last of two "password" fields, and "PASSWORD"
// for "password" (encoding/json matches names in any case), where
// /api/validate refuses both. Its errors name the field, never a value.
func StrictObject(body []byte, fields ...string) error {
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f] = true
	}
	if err := strictJSON(body, known); err != nil {
		return err
	}
	return nil
}

// strictJSON checks what encoding/json lets through: body must be one
// object; no object in it may hold a key twice; and each top-level key must
// be in fields exactly (nil fields: any key).
func strictJSON(body []byte, fields map[string]bool) *Error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if tok != json.Delim('{') {
		return errorf(CodeMalformed, "request body must be a JSON object")
	}
	if err := strictObject(dec, "", fields, 1); err != nil {
		return err
	}
	// json.Decoder.More is false before a stray '}' or ']': look for the
	// end of the body instead.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errorf(CodeMalformed, "trailing data after the JSON object")
	}
	return nil
}

// strictObject checks the members of an object whose '{' dec has just read,
// and reads its '}'. path is the object's dotted path ("" at the top).
func strictObject(dec *json.Decoder, path string, fields map[string]bool, depth int) *Error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonError(err)
		}
		key, _ := tok.(string)
		name := key
		if path != "" {
			name = path + "." + key
		}
		if fields != nil && !fields[key] {
			return errorf(CodeUnknownField, "unknown field "+strconv.Quote(name)+" (field names are case-sensitive)", name)
		}
		if seen[key] {
			return errorf(CodeDuplicateField, "field "+strconv.Quote(name)+" appears more than once", name)
		}
		seen[key] = true
		if err := strictValue(dec, name, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	if err != nil {
		return jsonError(err)
	}
	return nil
}

// strictValue checks the next value of dec, at path.
func strictValue(dec *json.Decoder, path string, depth int) *Error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth >= maxDepth {
		return errorf(CodeMalformed, "JSON nested more than "+strconv.Itoa(maxDepth)+" levels deep")
	}
	if d == '{' {
		return strictObject(dec, path, nil, depth+1)
	}
	for i := 0; dec.More(); i++ {
		if err := strictValue(dec, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return jsonError(err)
	}
	return nil
}

// fieldNamesCache holds fieldNames' answer per type.
var fieldNamesCache sync.Map // reflect.Type -> map[string]bool

// fieldNames returns the JSON names of the fields of the struct v points to
// (nil if v is not a pointer to a struct).
func fieldNames(v any) map[string]bool {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	t = t.Elem()
	if m, ok := fieldNamesCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		m[name] = true
	}
	fieldNamesCache.Store(t, m)
	return m
}

// writeJSON answers status with v as JSON; b, if non-nil, is sent as is.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b []byte
	if raw, ok := v.([]byte); ok {
		b = raw
	} else {
		var err error
		b, err = json.Marshal(v)
		if err != nil {
			status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    Code     `json:"code"`
	Message string   `json:"message"`
	Fields  []string `json:"fields,omitempty"`
	// Institution is the account's own institution (wrong_institution).
	Institution string `json:"institution,omitempty"`
	// ServiceDesk is whom to ask for a new link (a link gone).
	ServiceDesk string `json:"serviceDesk,omitempty"`
	// Limit is the limit a rate_limited answer met (Error.Limit).
	Limit string `json:"limit,omitempty"`
}

// writeError answers err in the API's error shape.
func writeError(w http.ResponseWriter, err error) {
	e := asError(err)
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(max(e.RetryAfter, time.Second).Seconds()))))
	}
	if e.Code == CodeMethodNotAllowed && w.Header().Get("Allow") == "" {
		w.Header().Set("Allow", "POST")
	}
	writeJSON(w, e.Status(), errorBody{errorJSON{Code: e.Code, Message: e.Message, Fields: e.Fields, Institution: e.Institution, ServiceDesk: e.ServiceDesk, Limit: e.Limit}})
}

// writeJSONLines answers 200 with items as JSON Lines, one a line (the
// admin API's lists).
func writeJSONLines[T any](w http.ResponseWriter, items []T) {
	w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
	enc := json.NewEncoder(w)
	for _, it := range items {
		enc.Encode(it)
	}
}
