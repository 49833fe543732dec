package smtptest

import (
	"bytes"
	"encoding/base64"
)

// base64Decode decodes MIME base64 (lines broken with CRLF).
func base64Decode(dst, src []byte) (int, error) {
	src = bytes.ReplaceAll(bytes.ReplaceAll(src, []byte("\r"), nil), []byte("\n"), nil)
	return base64.StdEncoding.Decode(dst, src)
}
