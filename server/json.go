package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxBody is the largest request body the API reads.
const maxBody = 8 << 10

// decode reads r's JSON body into v: it must be application/json, at most
// maxBody bytes, valid UTF-8, one object with no unknown fields.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errorf(CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(CodeTooLarge, "request body over "+strconv.Itoa(maxBody)+" bytes")
		}
		return errorf(CodeMalformed, "could not read the request body")
	}
	if !utf8.Valid(body) {
		return errorf(CodeInvalidUTF8, "request body is not valid UTF-8")
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
		f := te.Field
		return errorf(CodeInvalid, "field "+strconv.Quote(f)+" must be "+te.Type.String(), f)
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
}

// writeError answers err in the API's error shape.
func writeError(w http.ResponseWriter, err error) {
	e := asError(err)
	if e.Code == CodeMethodNotAllowed && w.Header().Get("Allow") == "" {
		w.Header().Set("Allow", "POST")
	}
	writeJSON(w, e.Status(), errorBody{errorJSON{e.Code, e.Message, e.Fields}})
}
