// Command build renders the static site into a directory (dist/ by
// default): every page in every language, the WebAssembly module and its
// loader, the page assets and the institution policies, all minified, the
// assets fingerprinted with Subresource Integrity, .br and .gz beside every
// compressible file, a manifest and Netlify's _headers.
//
// Usage:
//
//	go run ./build [-out dist] [-origin https://styrke.example]
//
// The output is deterministic: two builds of one commit are byte-identical.
// -stub-wasm (for the build's own unit tests only) stands in a placeholder
// for the WebAssembly module and the meter's script so that tests need not
// compile them; a real build never uses it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := 0
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "build:", err)
		}
		code = 1
	}
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	fs.StringVar(&cfg.Out, "out", "dist", "output directory (replaced; must be empty or an earlier build)")
	fs.StringVar(&cfg.Origin, "origin", getenv("URL"), "the site's origin for the embed guide's snippets (default $URL, set by Netlify)")
	fs.StringVar(&cfg.PrivacyURL, "privacy-url", getenv("STYRKE_PRIVACY_URL"), "the institution's privacy statement, linked from every page's footer (https://...; default $STYRKE_PRIVACY_URL, none if empty)")
	fs.StringVar(&cfg.Root, "root", "", "module root (default: found from the working directory)")
	fs.BoolVar(&cfg.StubWasm, "stub-wasm", false, "unit tests only: use placeholders for the WebAssembly module and the meter")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.PrivacyURL != "" {
		if u, err := url.Parse(cfg.PrivacyURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return errors.New("-privacy-url: want an https:// URL, such as https://www.uio.no/om/personvern/")
		}
	}
	start := time.Now()
	m, err := Build(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "build: wrote %s in %s: %d files, %d bytes (%d brotli)\n",
		cfg.Out, time.Since(start).Round(10*time.Millisecond), m.Stats.Files, m.Stats.Bytes, m.Stats.Brotli)
	return nil
}
