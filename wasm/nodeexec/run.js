// run.js runs a js/wasm binary under Node the way Go's wasm_exec_node.js
// does, and gives it the "styrke" imports that the meter's loader gives it
// in a browser: numImports, read from wasm/styrke-meter.js itself so that
// the tests run the code the browser runs.
"use strict";

const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

if (process.argv.length < 3) {
  console.error("usage: go_js_wasm_exec [wasm binary] [arguments]");
  process.exit(1);
}

globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
globalThis.TextEncoder = require("util").TextEncoder;
globalThis.TextDecoder = require("util").TextDecoder;
globalThis.performance ??= require("perf_hooks").performance;
globalThis.crypto ??= require("crypto");

const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
require(path.join(goroot, "lib", "wasm", "wasm_exec.js"));

const meter = fs.readFileSync(path.join(__dirname, "..", "styrke-meter.js"), "utf8");
const src = meter.match(/^function numImports\([\s\S]*?^}$/m);
if (!src) {
  console.error("run.js: no function numImports in wasm/styrke-meter.js");
  process.exit(1);
}
const numImports = new Function("td", src[0] + "\nreturn numImports;")(new TextDecoder());

const go = new Go();
go.argv = process.argv.slice(2);
go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
go.exit = process.exit;
let inst;
go.importObject.styrke = numImports(() => inst.exports.mem);
WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject).then((result) => {
  inst = result.instance;
  process.on("exit", (code) => { // Node exits if no event handler is pending
    if (code === 0 && !go.exited) {
      // deadlock: make Go print the error and the stacks
      go._pendingEvent = { id: 0 };
      go._resume();
    }
  });
  return go.run(inst);
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
