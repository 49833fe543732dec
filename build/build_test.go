package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/styrke-iam/styrke/site"
	"github.com/styrke-iam/styrke/site/webheaders"
)

// built is one stub build shared by the tests of this file.
var built struct {
	dir string
	man *Manifest
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "styrke-build-test-")
	if err != nil {
		panic(err)
	}
	built.dir = filepath.Join(dir, "dist")
	built.man, err = Build(context.Background(), Config{Out: built.dir, StubWasm: true})
	if err != nil {
		os.RemoveAll(dir)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func readDist(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	}))
	return files
}

func TestDeterministic(t *testing.T) {
	second := filepath.Join(t.TempDir(), "dist")
	_, err := Build(context.Background(), Config{Out: second, StubWasm: true})
	require.NoError(t, err)
	a, b := readDist(t, built.dir), readDist(t, second)
	require.Equal(t, len(a), len(b), "file count")
	for name, data := range a {
		assert.True(t, bytes.Equal(data, b[name]), "file %s differs between two builds", name)
	}
}

func TestManifest(t *testing.T) {
	var man Manifest
	data, err := os.ReadFile(filepath.Join(built.dir, "manifest.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &man))
	for _, name := range []string{"site.css", "icon.svg", "toggle.js", "activate.js", "styrke-meter.js", "styrke.wasm", "wasm_exec.js"} {
		t.Run(name, func(t *testing.T) {
			a, ok := man.Assets[name]
			require.True(t, ok, "asset %s in the manifest", name)
			content, err := os.ReadFile(filepath.Join(built.dir, filepath.FromSlash(a.Path)))
			require.NoError(t, err, "asset %s at %s", name, a.Path)
			sum := sha512.Sum384(content)
			assert.Equal(t, "sha384-"+base64.StdEncoding.EncodeToString(sum[:]), a.Integrity, "integrity of %s", name)
			assert.Equal(t, len(content), a.Size)
			assert.Regexp(t, `^/assets/[a-z_-]+\.[0-9a-f]{16}\.[a-z]+$`, a.Path)
		})
	}
	assert.Len(t, man.Pages, len(site.Pages)*len(site.Languages))
	for id, p := range man.Policies {
		_, err := os.Stat(filepath.Join(built.dir, filepath.FromSlash(p.Path)))
		assert.NoError(t, err, "policy %s", id)
	}
}

func TestMeterReferencesFingerprintedFiles(t *testing.T) {
	meter, err := os.ReadFile(filepath.Join(built.dir, filepath.FromSlash(built.man.Assets["styrke-meter.js"].Path)))
	require.NoError(t, err)
	for _, name := range []string{"styrke.wasm", "wasm_exec.js"} {
		assert.Contains(t, string(meter), `"`+path.Base(built.man.Assets[name].Path)+`"`)
		assert.NotContains(t, string(meter), `"`+name+`"`)
	}
}

// TestStableMeter: the meter's script is also at site.MeterPath, a name
// that never changes, naming the same fingerprinted module and wasm_exec.js
// (resolved from its own folder) with their integrity; it is revalidated on
// every use and readable cross-origin. Host pages pinned to fingerprinted
// names showed only the fallback text after the next build.
func TestStableMeter(t *testing.T) {
	stable, err := os.ReadFile(filepath.Join(built.dir, filepath.FromSlash(site.MeterPath)))
	require.NoError(t, err)
	base, err := url.Parse("https://styrke.example" + site.MeterPath)
	require.NoError(t, err)
	for _, name := range []string{"styrke.wasm", "wasm_exec.js"} {
		a := built.man.Assets[name]
		rel := "../assets/" + path.Base(a.Path)
		assert.Contains(t, string(stable), `"`+rel+`"`, name)
		ref, err := base.Parse(rel)
		require.NoError(t, err)
		assert.Equal(t, a.Path, ref.Path, "resolves to the fingerprinted %s", name)
		_, err = os.Stat(filepath.Join(built.dir, filepath.FromSlash(a.Path)))
		require.NoError(t, err)
		assert.Contains(t, string(stable), `"`+a.Integrity+`"`, "integrity of %s", name)
	}
	headers, err := os.ReadFile(filepath.Join(built.dir, "_headers"))
	require.NoError(t, err)
	rules, err := webheaders.ParseNetlify(headers)
	require.NoError(t, err)
	got := map[string][]string{}
	for _, h := range rules.Match(site.MeterPath) {
		got[h.Name] = append(got[h.Name], h.Value)
	}
	assert.Equal(t, []string{webheaders.CacheRevalidate}, got["Cache-Control"], "revalidated, never immutable")
	assert.Equal(t, []string{"*"}, got["Access-Control-Allow-Origin"])
}

// TestMeterPinsWhatItLoads: the meter's script carries the integrity of the
// module and of wasm_exec.js, so the page's integrity for the script pins
// everything it loads (issue 15 item 4: both were fetched unchecked).
func TestMeterPinsWhatItLoads(t *testing.T) {
	meter, err := os.ReadFile(filepath.Join(built.dir, filepath.FromSlash(built.man.Assets["styrke-meter.js"].Path)))
	require.NoError(t, err)
	for _, name := range []string{"styrke.wasm", "wasm_exec.js"} {
		integrity := built.man.Assets[name].Integrity
		require.NotEmpty(t, integrity)
		assert.Contains(t, string(meter), `"`+integrity+`"`, "integrity of %s in the meter", name)
	}
}

// TestPages parses every page: no inline script or style, every script and
// stylesheet carries the integrity of the file it names, every local
// reference exists.
func TestPages(t *testing.T) {
	byPath := map[string]ManifestAsset{}
	for _, a := range built.man.Assets {
		byPath[a.Path] = a
	}
	files := map[string]string{"/404.html": "404.html"}
	for _, page := range built.man.Pages {
		files[page] = filepath.Join(filepath.FromSlash(page), "index.html")
	}
	for page, file := range files {
		t.Run(page, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(built.dir, file))
			require.NoError(t, err)
			doc, err := html.Parse(bytes.NewReader(data))
			require.NoError(t, err)
			var walk func(*html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					checkElement(t, page, n, byPath)
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
		})
	}
}

func checkElement(t *testing.T, page string, n *html.Node, byPath map[string]ManifestAsset) {
	attrs := map[string]string{}
	for _, a := range n.Attr {
		attrs[a.Key] = a.Val
		assert.False(t, strings.HasPrefix(a.Key, "on"), "page %s: <%s %s> is an inline handler", page, n.Data, a.Key)
		assert.NotEqual(t, "style", a.Key, "page %s: <%s> has an inline style", page, n.Data)
	}
	assert.NotEqual(t, "style", n.Data, "page %s: inline <style>", page)
	switch {
	case n.Data == "script":
		assert.Nil(t, n.FirstChild, "page %s: inline script", page)
		src, ok := attrs["src"]
		require.True(t, ok, "page %s: script without src", page)
		assert.Equal(t, byPath[src].Integrity, attrs["integrity"], "page %s: integrity of %s", page, src)
		assert.NotEmpty(t, attrs["integrity"], "page %s: script %s", page, src)
	case n.Data == "link" && attrs["rel"] == "stylesheet":
		assert.Equal(t, byPath[attrs["href"]].Integrity, attrs["integrity"], "page %s: integrity of %s", page, attrs["href"])
		assert.NotEmpty(t, attrs["integrity"], "page %s: stylesheet %s", page, attrs["href"])
	}
	for _, key := range []string{"src", "href"} {
		ref, ok := attrs[key]
		if !ok {
			continue
		}
		assert.NotEmpty(t, ref, "page %s: empty %s on <%s>", page, key, n.Data)
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "/auth/") {
			continue // /auth/ is the backend's (the ID-porten sign-in)
		}
		file := filepath.Join(built.dir, filepath.FromSlash(ref))
		if strings.HasSuffix(ref, "/") {
			file = filepath.Join(file, "index.html")
		}
		_, err := os.Stat(file)
		assert.NoError(t, err, "page %s: <%s %s=%q> names no file", page, n.Data, key, ref)
	}
}

func TestHeadersFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(built.dir, "_headers"))
	require.NoError(t, err)
	rules, err := webheaders.ParseNetlify(data)
	require.NoError(t, err)
	get := func(p, name string) string {
		for _, h := range rules.Match(p) {
			if h.Name == name {
				return h.Value
			}
		}
		return ""
	}
	wasm := built.man.Assets["styrke.wasm"].Path
	assert.Equal(t, "application/wasm", get(wasm, "Content-Type"))
	assert.Equal(t, webheaders.CacheImmutable, get(wasm, "Cache-Control"))
	for _, page := range built.man.Pages {
		assert.Equal(t, webheaders.CacheRevalidate, get(page, "Cache-Control"), "page %s", page)
		assert.Equal(t, webheaders.ContentSecurityPolicy, get(page, "Content-Security-Policy"), "page %s", page)
	}
}

func TestCompressed(t *testing.T) {
	files := readDist(t, built.dir)
	var checked int
	for name, data := range files {
		switch path.Ext(name) {
		case ".gz":
			zr, err := gzip.NewReader(bytes.NewReader(data))
			require.NoError(t, err, "file %s", name)
			assert.True(t, zr.ModTime.IsZero() && zr.Name == "", "file %s: gzip header must hold no name or mtime", name)
			plain, err := io.ReadAll(zr)
			require.NoError(t, err, "file %s", name)
			assert.True(t, bytes.Equal(files[strings.TrimSuffix(name, ".gz")], plain), "file %s does not decompress to its original", name)
			checked++
		case ".br":
			plain, err := io.ReadAll(brotli.NewReader(bytes.NewReader(data)))
			require.NoError(t, err, "file %s", name)
			assert.True(t, bytes.Equal(files[strings.TrimSuffix(name, ".br")], plain), "file %s does not decompress to its original", name)
			checked++
		}
	}
	assert.Greater(t, checked, 2*len(built.man.Pages))
	_, ok := files["index.html.br"]
	assert.True(t, ok, "index.html.br")
}

func TestBuildErrors(t *testing.T) {
	noMeter := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(noMeter, "go.mod"), []byte("module example.com/x\n\ngo 1.26\n"), 0o644))
	stranger := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(stranger, "precious.txt"), []byte("x"), 0o644))
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"no output directory", Config{StubWasm: true}, ErrNoOutput},
		{"no meter without the stub flag", Config{Out: filepath.Join(t.TempDir(), "d"), Root: noMeter}, ErrMeterMissing},
		{"refuses a foreign directory", Config{Out: stranger, StubWasm: true}, ErrForeignOutput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), tt.cfg)
			assert.ErrorIs(t, err, tt.want, "config %+v", tt.cfg)
		})
	}
	_, err := os.Stat(filepath.Join(stranger, "precious.txt"))
	assert.NoError(t, err, "a refused directory is left alone")
}

// TestPrivacyURLFlag: the build takes the privacy statement's address as
// an https URL only (it goes in every page's footer).
func TestPrivacyURLFlag(t *testing.T) {
	for _, bad := range []string{"http://www.uio.no/personvern", "personvern.html", "https://"} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"-out", t.TempDir(), "-privacy-url", bad}, func(string) string { return "" }, &stdout, &stderr)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "-privacy-url: want an https:// URL")
	}
}
