package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/andybalholm/brotli"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	mjson "github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/site"
	"github.com/styrke-iam/styrke/site/webheaders"
	"github.com/styrke-iam/styrke/wasm/wasmbuild"
)

// Errors a build can wrap.
var (
	// ErrNoOutput: Config.Out is empty.
	ErrNoOutput = errors.New("no output directory")
	// ErrMeterMissing: the meter's script or its named files are not
	// where the build expects them (and StubWasm is off).
	ErrMeterMissing = errors.New("meter not found")
	// ErrForeignOutput: Out is a non-empty directory that no build wrote.
	ErrForeignOutput = errors.New("output directory is not an earlier build")
)

// Config says what to build and where.
type Config struct {
	// Out is the output directory. It is removed and rewritten; Build
	// refuses a non-empty directory that holds no manifest.json, so that a
	// typo cannot delete unrelated files.
	Out string
	// Root is the module root; "" finds it from the working directory.
	Root string
	// Origin is the site's origin as the embed guide shows it; "" shows a
	// placeholder origin.
	Origin string
	// PrivacyURL is the institution's privacy statement, linked from every
	// page's footer ("" links none): an absolute https URL.
	PrivacyURL string
	// StubWasm replaces the WebAssembly module and the meter's script with
	// placeholders. Only the build's unit tests set it.
	StubWasm bool
}

// Manifest is written to manifest.json: every fingerprinted asset by its
// logical name, every page and every policy.
type Manifest struct {
	// PolicyVersion is the default policy's version.
	PolicyVersion string `json:"policyVersion"`
	// Assets maps a logical name ("site.css") to its fingerprinted file.
	Assets map[string]ManifestAsset `json:"assets"`
	// Pages are the URL paths of the HTML pages.
	Pages []string `json:"pages"`
	// Policies maps an institution id to its published policy.
	Policies map[string]ManifestPolicy `json:"policies"`
	// Stats sums up the output; not written.
	Stats Stats `json:"-"`
}

// ManifestAsset is one fingerprinted file.
type ManifestAsset struct {
	Path      string `json:"path"`
	Integrity string `json:"integrity"`
	Size      int    `json:"size"`
}

// ManifestPolicy is one published policy.
type ManifestPolicy struct {
	Path    string `json:"path"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Stats counts the files written and their sizes.
type Stats struct {
	Files  int
	Bytes  int64
	Brotli int64
}

// compressible lists the extensions that get .br and .gz siblings.
var compressible = map[string]bool{".html": true, ".css": true, ".js": true, ".svg": true, ".json": true, ".wasm": true}

// mediaTypes maps an extension to the minifier's media type.
var mediaTypes = map[string]string{".html": "text/html", ".css": "text/css", ".js": "application/javascript", ".svg": "image/svg+xml", ".json": "application/json"}

func newMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("text/css", css.Minify)
	m.Add("application/javascript", &js.Minifier{KeepVarNames: false})
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/json", mjson.Minify)
	return m
}

// builder holds one build's state.
type builder struct {
	cfg    Config
	min    *minify.M
	files  map[string][]byte // URL path -> content
	assets site.AssetMap
	man    Manifest
}

// Build writes the site to cfg.Out and returns its manifest.
func Build(ctx context.Context, cfg Config) (*Manifest, error) {
	if cfg.Out == "" {
		return nil, ErrNoOutput
	}
	if cfg.Root == "" {
		root, err := moduleRoot()
		if err != nil {
			return nil, err
		}
		cfg.Root = root
	}
	b := &builder{
		cfg:    cfg,
		min:    newMinifier(),
		files:  map[string][]byte{},
		assets: site.AssetMap{},
		man: Manifest{
			PolicyVersion: policy.Default().Version(),
			Assets:        map[string]ManifestAsset{},
			Policies:      map[string]ManifestPolicy{},
		},
	}
	if err := b.meter(ctx); err != nil {
		return nil, err
	}
	if err := b.siteAssets(); err != nil {
		return nil, err
	}
	if err := b.policies(); err != nil {
		return nil, err
	}
	if err := b.pages(ctx); err != nil {
		return nil, err
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	if err := b.write(ctx); err != nil {
		return nil, err
	}
	return &b.man, nil
}

// moduleRoot walks up from the working directory to the folder of go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; pass -root")
		}
		dir = parent
	}
}

// fingerprint adds data as an asset named name (e.g. "site.css") and
// returns its URL path: /assets/BASE.HEX.EXT, where HEX is the first 8
// bytes of the SHA-384 in hex; the same hash, in base64, is its integrity.
func (b *builder) fingerprint(name string, data []byte) site.Asset {
	sum := sha512.Sum384(data)
	ext := path.Ext(name)
	url := webheaders.AssetPrefix + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:8]) + ext
	a := site.Asset{URL: url, Integrity: "sha384-" + base64.StdEncoding.EncodeToString(sum[:])}
	b.files[url] = data
	b.assets[name] = a
	b.man.Assets[name] = ManifestAsset{Path: url, Integrity: a.Integrity, Size: len(data)}
	return a
}

func (b *builder) minify(name string, data []byte) ([]byte, error) {
	mt, ok := mediaTypes[path.Ext(name)]
	if !ok {
		return data, nil
	}
	out, err := b.min.Bytes(mt, data)
	if err != nil {
		return nil, fmt.Errorf("minify %s: %w", name, err)
	}
	return out, nil
}

// stubWasm is an empty WebAssembly module (magic and version only).
var stubWasm = []byte("\x00asm\x01\x00\x00\x00")

// stubMeter stands in for wasm/styrke-meter.js in unit tests: it names both
// files the way the real module does.
const stubMeter = `// placeholder for unit tests
const WASM_INTEGRITY = "";
const EXEC_INTEGRITY = "";
export const files = [new URL("styrke.wasm", import.meta.url).href, new URL("wasm_exec.js", import.meta.url).href, WASM_INTEGRITY, EXEC_INTEGRITY];
`

// meter builds the WebAssembly module, copies wasm_exec.js from the Go
// installation, and rewrites the meter's references to both into their
// fingerprinted names and its WASM_INTEGRITY and EXEC_INTEGRITY constants
// into their integrity.
func (b *builder) meter(ctx context.Context) error {
	goroot, err := goEnv(ctx, b.cfg.Root, "GOROOT")
	if err != nil {
		return err
	}
	execJS, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return fmt.Errorf("wasm_exec.js: %w", err)
	}
	var module, meterJS []byte
	if b.cfg.StubWasm {
		module, meterJS = stubWasm, []byte(stubMeter)
	} else {
		meterJS, err = os.ReadFile(filepath.Join(b.cfg.Root, "wasm", "styrke-meter.js"))
		if err != nil {
			return fmt.Errorf("%w: the meter's script wasm/styrke-meter.js: %w", ErrMeterMissing, err)
		}
		if module, err = buildWasm(ctx, b.cfg.Root); err != nil {
			return err
		}
	}
	// Without the syscall/js imports the module does not declare (0.7 KB
	// of the wire).
	execJS = wasmbuild.TrimExec(execJS, module)
	execMin, err := b.minify("wasm_exec.js", execJS)
	if err != nil {
		return err
	}
	wasmAsset := b.fingerprint("styrke.wasm", module)
	execAsset := b.fingerprint("wasm_exec.js", execMin)
	// The stable copy (MeterPath) names the same files from its own folder.
	stableJS := meterJS
	for _, r := range []struct{ from, to string }{
		{"styrke.wasm", path.Base(wasmAsset.URL)},
		{"wasm_exec.js", path.Base(execAsset.URL)},
	} {
		re := regexp.MustCompile(`(["'])(\./)?` + regexp.QuoteMeta(r.from) + `(["'])`)
		if !re.Match(meterJS) {
			return fmt.Errorf("%w: styrke-meter.js no longer names %q as a string literal; the build cannot fingerprint it", ErrMeterMissing, r.from)
		}
		meterJS = re.ReplaceAll(meterJS, []byte("${1}${2}"+r.to+"${3}"))
		stableJS = re.ReplaceAll(stableJS, []byte("${1}.."+webheaders.AssetPrefix+r.to+"${3}"))
	}
	// The integrity of both goes into the script, so the integrity a page
	// gives the script pins everything it loads.
	for _, r := range []struct{ name, integrity string }{
		{"WASM_INTEGRITY", wasmAsset.Integrity},
		{"EXEC_INTEGRITY", execAsset.Integrity},
	} {
		re := regexp.MustCompile(`\b(const\s+` + r.name + `\s*=\s*)""`)
		if n := len(re.FindAllIndex(meterJS, -1)); n != 1 {
			return fmt.Errorf("%w: styrke-meter.js must declare const %s = \"\" once (found %d); the build writes the integrity there", ErrMeterMissing, r.name, n)
		}
		meterJS = re.ReplaceAll(meterJS, []byte(`${1}"`+r.integrity+`"`))
		stableJS = re.ReplaceAll(stableJS, []byte(`${1}"`+r.integrity+`"`))
	}
	meterMin, err := b.minify("styrke-meter.js", meterJS)
	if err != nil {
		return err
	}
	b.fingerprint("styrke-meter.js", meterMin)
	// The same script at a name that never changes, for host pages that
	// should not break when a new version (of Styrke, or of any policy,
	// which is compiled into the module) replaces the fingerprinted names:
	// revalidated on every use, so it always names the current module.
	stableMin, err := b.minify("styrke-meter.js", stableJS)
	if err != nil {
		return err
	}
	b.files[site.MeterPath] = stableMin
	return nil
}

func goEnv(ctx context.Context, dir, name string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", name)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// buildWasm compiles ./wasm for js/wasm with wasmbuild's flags, packed
// (wasmbuild.Build).
func buildWasm(ctx context.Context, root string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "styrke-wasm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "styrke.wasm")
	if err := wasmbuild.Build(ctx, root, out, "./wasm"); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

// siteAssets minifies and fingerprints site/assets.
func (b *builder) siteAssets() error {
	return fs.WalkDir(site.Assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := site.Assets.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		if data, err = b.minify(name, data); err != nil {
			return err
		}
		b.fingerprint(name, data)
		return nil
	})
}

// policyIndexEntry is one line of /policies/index.json.
type policyIndexEntry struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Path    string `json:"path"`
}

// policies publishes every institution policy as /policies/ID.json (its
// canonical JSON) and an index of them.
func (b *builder) policies() error {
	var index []policyIndexEntry
	for _, id := range policy.Institutions() {
		p, err := policy.Lookup(id)
		if err != nil {
			return err
		}
		data, err := b.minify("p.json", p.Canonical())
		if err != nil {
			return err
		}
		url := "/policies/" + id + ".json"
		b.files[url] = data
		b.man.Policies[id] = ManifestPolicy{Path: url, Name: p.Name, Version: p.Version()}
		index = append(index, policyIndexEntry{ID: id, Name: p.Name, Version: p.Version(), Path: url})
	}
	data, err := json.Marshal(index)
	if err != nil {
		return err
	}
	b.files["/policies/index.json"] = data
	return nil
}

func policyViews() ([]site.PolicyView, error) {
	var out []site.PolicyView
	for _, id := range policy.Institutions() {
		p, err := policy.Lookup(id)
		if err != nil {
			return nil, err
		}
		out = append(out, site.NewPolicyView(p))
	}
	return out, nil
}

// pages renders every page in every language.
func (b *builder) pages(ctx context.Context) error {
	views, err := policyViews()
	if err != nil {
		return err
	}
	var pinned []site.PinnedAsset
	for _, name := range []string{"styrke-meter.js", "styrke.wasm", "wasm_exec.js"} {
		pinned = append(pinned, site.PinnedAsset{Name: name, Asset: b.assets[name]})
	}
	def := site.NewPolicyView(policy.Default())
	for _, id := range site.Pages {
		for _, lang := range site.Languages {
			page := site.Page{ID: id, Lang: lang, Assets: b.assets, Policy: def, PrivacyURL: b.cfg.PrivacyURL}
			var c templ.Component
			switch id {
			case site.Home:
				c = site.HomePage(page)
			case site.Activate:
				c = site.ActivatePage(site.ActivationPage{Page: page, Policies: views})
			case site.Embed:
				c = site.EmbedGuidePage(site.EmbedPage{Page: page, Origin: b.cfg.Origin, Policies: views, Pinned: pinned})
			case site.Designer:
				c = site.PolicyDesignerPage(site.DesignerPage{Page: page, Policies: views})
			case site.Reset:
				c = site.ForgotPage(site.ResetPage{Page: page, Policies: views})
			case site.Change:
				c = site.ChangePasswordPage(site.ChangePage{Page: page, Policies: views})
			default:
				return fmt.Errorf("page %d has no renderer", id)
			}
			var buf bytes.Buffer
			if err := c.Render(ctx, &buf); err != nil {
				return fmt.Errorf("render %s: %w", site.Path(id, lang), err)
			}
			data, err := b.minify("index.html", buf.Bytes())
			if err != nil {
				return err
			}
			url := site.Path(id, lang)
			b.files[url+"index.html"] = data
			b.man.Pages = append(b.man.Pages, url)
		}
	}
	sort.Strings(b.man.Pages)
	var buf bytes.Buffer
	if err := site.NotFoundPage(site.Page{Lang: "nb", Assets: b.assets, Policy: def, PrivacyURL: b.cfg.PrivacyURL}).Render(ctx, &buf); err != nil {
		return fmt.Errorf("render 404.html: %w", err)
	}
	data, err := b.minify("404.html", buf.Bytes())
	if err != nil {
		return err
	}
	b.files["/404.html"] = data
	return nil
}

// finish adds the manifest and _headers.
func (b *builder) finish() error {
	data, err := json.MarshalIndent(b.man, "", "  ")
	if err != nil {
		return err
	}
	b.files["/manifest.json"] = append(data, '\n')
	stable := []string{"/404.html", "/manifest.json", "/policies/index.json"}
	for _, p := range b.man.Policies {
		stable = append(stable, p.Path)
	}
	rules := webheaders.ForSite(webheaders.Site{
		Pages:  b.man.Pages,
		Stable: stable,
		Shared: []string{site.MeterPath},
		Wasm:   []string{b.man.Assets["styrke.wasm"].Path},
	})
	b.files["/_headers"] = rules.Netlify()
	return nil
}

// write replaces cfg.Out with the files, each compressible one with .gz and
// .br siblings when they are smaller.
func (b *builder) write(ctx context.Context) error {
	out := b.cfg.Out
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, "manifest.json")); err != nil {
			return fmt.Errorf("%w: %s is not empty and holds no manifest.json; refusing to replace it", ErrForeignOutput, out)
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	urls := make([]string, 0, len(b.files))
	for u := range b.files {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for _, u := range urls {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		data := b.files[u]
		name := filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(u, "/")))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
		b.man.Stats.Files++
		b.man.Stats.Bytes += int64(len(data))
		if !compressible[path.Ext(u)] {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, err := compress(name, data)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			b.man.Stats.Brotli += n
		}()
	}
	wg.Wait()
	return firstErr
}

// compress writes name.gz and name.br when each is smaller than data, and
// returns the size a brotli client downloads.
func compress(name string, data []byte) (int64, error) {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // header left zero: no name, no mtime
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return 0, err
	}
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(data)
	if err := bw.Close(); err != nil {
		return 0, err
	}
	if gz.Len() < len(data) {
		if err := os.WriteFile(name+".gz", gz.Bytes(), 0o644); err != nil {
			return 0, err
		}
	}
	if br.Len() >= len(data) {
		return int64(len(data)), nil
	}
	return int64(br.Len()), os.WriteFile(name+".br", br.Bytes(), 0o644)
}
