// Package floatconv parses the numbers of the policy's JSON exactly as
// strconv.ParseFloat does. Natively it is strconv. In the WebAssembly module
// (js/wasm) it asks JavaScript's Number, which rounds correctly too:
// strconv's parser and its table of powers of ten cost 5.7 KB of the module
// on the wire (brotli), and JavaScript parses in one line. (Formatting stays
// with strconv: Go's runtime links it anyway, to print floats.) The meter's
// loader (wasm/styrke-meter.js) and the test runner (wasm/nodeexec) provide
// the import; make test runs this package's tests under Node as well as
// natively, and TestMatchesStrconv holds both to strconv.
package floatconv
