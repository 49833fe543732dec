package wasmbuild

import (
	"bytes"
	"regexp"
)

// TrimExec returns Go's wasm_exec.js (execJS, from $(go env GOROOT)/lib/wasm)
// without the imports for package syscall/js that module does not import,
// and without the helpers only they used. The meter's module links no
// syscall/js (it exports its functions with //go:wasmexport over one shared
// buffer), so its eight imports are the runtime's, and the sixteen
// functions that read and write JavaScript values (valueGet, valueCall,
// copyBytesToGo, …) were 0.7 KB of the wire (brotli) that nothing called.
//
// A module that declares none of them also loses the stand-ins for the
// host's process and path and fs's "not implemented" methods, which only
// package os reaches (through syscall/js), the table of JavaScript values
// syscall/js hands Go and its function wrapper, and Go's own tests'
// _gotest imports: 1.7 → 1.25 KB more. (The stand-ins were set on the embedding
// page's globalThis too, where a library that looks for process to tell
// Node found one.)
//
// It works on the file's lines as Go writes them: an import is a line
// `"syscall/js.NAME": (sp) => {` and its body up to the line `},` at the
// same indent, after its comment lines; a helper is `const NAME = (…) => {`
// up to `}` at its indent, removed only when nothing else names it. Where
// a later Go writes the file otherwise, nothing matches and the file is
// returned as it was: larger, never broken. An import is kept when module
// holds its name anywhere (an import's name is in the module's import
// section), so a module that links syscall/js gets every import it needs.
// TestTrimExec instantiates the meter's module with the result.
func TrimExec(execJS, module []byte) []byte {
	lines := bytes.Split(execJS, []byte("\n"))
	out := make([][]byte, 0, len(lines))
	// A module that declares none of syscall/js's imports never reaches the
	// host's fs, process or path either (package os reads them through
	// syscall/js): the stand-ins wasm_exec.js defines for them on the page
	// go too (not fs.writeSync, through which the runtime prints a panic),
	// as does the import object Go's own tests use (_gotest).
	noJS := !bytes.Contains(module, []byte("syscall/js."))
	noTest := !bytes.Contains(module, []byte("_gotest"))
	for i := 0; i < len(lines); i++ {
		if noJS && (standIn.Match(lines[i]) || valueTableLine.Match(lines[i])) {
			continue
		}
		if k := valueTableStart.FindSubmatch(lines[i]); k != nil && noJS {
			closing := map[string]string{"values": "];", "ids": "]);", "makeFuncWrapper": "}"}[string(k[2])+string(k[3])+string(k[4])]
			if end := blockEnd(lines, i, k[1], closing); end >= 0 {
				i = end
				continue
			}
		}
		if k := polyfillLine.FindSubmatch(lines[i]); k != nil && noJS ||
			k == nil && noTest && bytes.Equal(bytes.TrimSpace(lines[i]), []byte("_gotest: {")) {
			indent := lines[i][:len(lines[i])-len(bytes.TrimLeft(lines[i], "\t"))]
			closing := "}"
			if k == nil {
				closing = "},"
			}
			if end := blockEnd(lines, i, indent, closing); end >= 0 {
				i = end
				continue
			}
		}
		m := importLine.FindSubmatch(lines[i])
		if m == nil || bytes.Contains(module, append([]byte("syscall/js."), m[2]...)) {
			out = append(out, lines[i])
			continue
		}
		end := blockEnd(lines, i, m[1], "},")
		if end < 0 {
			out = append(out, lines[i])
			continue
		}
		for len(out) > 0 && bytes.HasPrefix(bytes.TrimSpace(out[len(out)-1]), []byte("//")) {
			out = out[:len(out)-1] // the import's comment
		}
		i = end
	}
	// Helpers that nothing names any more; one removed may leave another
	// unused, so until none is.
	for removed := true; removed; {
		removed = false
		for i := 0; i < len(out); i++ {
			m := helperLine.FindSubmatch(out[i])
			if m == nil {
				continue
			}
			end := blockEnd(out, i, m[1], "}")
			if end < 0 {
				continue
			}
			rest := append(append([][]byte{}, out[:i]...), out[end+1:]...)
			if regexp.MustCompile(`\b` + regexp.QuoteMeta(string(m[2])) + `\b`).Match(bytes.Join(rest, []byte("\n"))) {
				continue
			}
			out, removed = rest, true
			i--
		}
	}
	return bytes.Join(out, []byte("\n"))
}

var (
	// standIn is one of the fs stand-in's methods that answers "not
	// implemented" (or nothing) on one line.
	standIn = regexp.MustCompile(`^\t+\w+\([^)]*\) \{ (callback\((enosys\(\)|null)\)|throw enosys\(\)); \},$`)
	// valueTableLine and valueTableStart are the table of JavaScript values
	// syscall/js hands Go (set up in run, dropped in wasmExit) and the
	// wrapper of a Go function as a JavaScript one (js.FuncOf).
	valueTableLine  = regexp.MustCompile(`^\t+(this\._(goRefCounts|idPool) = .*;.*|delete this\._(values|goRefCounts|ids|idPool);)$`)
	valueTableStart = regexp.MustCompile(`^(\t+)(?:this\._(values) = \[|this\._(ids) = new Map\(\[|_(makeFuncWrapper)\(id\) \{)`)
	polyfillLine    = regexp.MustCompile(`^(\t+)if \(!globalThis\.(process|path)\) \{$`)
	importLine      = regexp.MustCompile(`^(\t+)"syscall/js\.(\w+)": \(sp\) => \{$`)
	helperLine      = regexp.MustCompile(`^(\t+)const (\w+) = \([^)]*\) => \{$`)
)

// blockEnd returns the index of the line after i that closes its block:
// the first line after i not indented deeper than indent (blank lines
// aside) must be indent followed by closing alone; else -1 (a block of
// another shape: "};" where "}" was looked for, which ended strPtr's in
// run and took run's arguments with it).
func blockEnd(lines [][]byte, i int, indent []byte, closing string) int {
	deeper := append(append([]byte{}, indent...), '\t')
	for j := i + 1; j < len(lines); j++ {
		line := bytes.TrimRight(lines[j], " \r")
		if len(line) == 0 || bytes.HasPrefix(line, deeper) {
			continue
		}
		if bytes.Equal(line, append(append([]byte{}, indent...), closing...)) {
			return j
		}
		return -1
	}
	return -1
}
