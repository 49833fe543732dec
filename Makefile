# Styrke. `make run` builds everything and serves http://127.0.0.1:8080; `make test` runs every test.
GO        ?= go
DIST      ?= dist
BIN       ?= bin/styrke
GOTESTFLAGS ?=
# ADDR is where `make run` listens (STYRKE_ADDR, as for styrke serve);
# ORIGIN is the site's origin the embed guide prints ($URL on Netlify).
ADDR      ?= $(or $(STYRKE_ADDR),127.0.0.1:8080)
ORIGIN    ?= $(or $(URL),http://$(ADDR))

.PHONY: all deps build run test check-generated vet bench generate clean fuzz vuln

all: build

deps:
	@bash scripts/deps.sh

$(BIN): FORCE
	$(GO) build -o $(BIN) ./cmd/styrke

FORCE:

# build renders dist/ (pages, the WebAssembly module, assets) and the binary.
build: $(BIN)
	@if [ -d build ]; then $(GO) run ./build -out $(DIST) -origin $(ORIGIN); fi

run: deps build
	./$(BIN) serve --site $(DIST) --demo --addr $(ADDR)

generate:
	$(GO) generate ./...
	$(GO) tool templ generate

# check-generated fails when committed generated code is stale.
check-generated:
	$(GO) tool templ generate >/dev/null
	@git diff --exit-code -- '*_templ.go' || (echo "generated templ code is stale: run make generate" >&2; exit 1)

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm ./policy/internal/floatconv

# The module's own tests, and those of the packages that take their numbers
# from JavaScript in it (policy/internal/floatconv), also run as js/wasm under
# Node (wasm/nodeexec gives the module its imports as the meter's loader
# does); everything runs natively, the browser tests in headless Chromium.
JSTESTS = ./wasm ./policy/internal/floatconv ./policy/internal/jsondec
# A package's -timeout is the last resort against a hang (every browser tab
# has its own deadline, chrome.TabTimeout): e2e/site takes about 9-10 minutes
# on a quiet 2-core machine (15 before 2026-12-07: BENCHMARKS.md, "The test
# suite's time"); before, 20 minutes at a load average of 11-14.
test: deps check-generated vet
	$(GO) test -race -count=1 -timeout 30m $(GOTESTFLAGS) ./...
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(CURDIR)/wasm/nodeexec/go_js_wasm_exec" $(GOTESTFLAGS) $(JSTESTS)

bench: deps
	bash scripts/bench.sh

# fuzz runs each fuzz target for FUZZTIME (default 12s); crashers land in
# the package's testdata/fuzz/ and are committed.
fuzz:
	GO=$(GO) bash scripts/fuzz.sh

# vuln checks the dependencies and the standard library against the Go
# vulnerability database (needs network access to vuln.go.dev).
vuln:
	$(GO) run golang.org/x/vuln/cmd/govulncheck@latest ./...

clean:
	rm -rf $(DIST) bin
