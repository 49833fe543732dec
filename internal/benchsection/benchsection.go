// Package benchsection writes one benchmark's figures into BENCHMARKS.md:
// each benchmark owns the text between <!-- section:NAME --> and
// <!-- /section:NAME -->, and leaves the rest of the file alone.
package benchsection

import (
	"errors"
	"os"
	"strings"
)

// Write replaces the text between the markers of section name in file with
// body, or appends the section (and creates the file) when it is missing.
func Write(file, name, body string) error {
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	open, end := "<!-- section:"+name+" -->", "<!-- /section:"+name+" -->"
	text := string(data)
	block := open + "\n" + body + end
	if i := strings.Index(text, open); i >= 0 {
		if j := strings.Index(text[i:], end); j >= 0 {
			return os.WriteFile(file, []byte(text[:i]+block+text[i+j+len(end):]), 0o644)
		}
	}
	return os.WriteFile(file, []byte(strings.TrimRight(text, "\n")+"\n\n"+block+"\n"), 0o644)
}
