package server_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

// importCSV is a file of n people, with an e-mail address when withEmail.
func importCSV(n int, withEmail bool) []byte {
	var b bytes.Buffer
	b.WriteString("username,name,institution,email,lang\n")
	for i := range n {
		email := ""
		if withEmail {
			email = fmt.Sprintf("student%05d@example.org", i)
		}
		fmt.Fprintf(&b, "s%05d,Student Nummer %d,default,%s,nb\n", i, i, email)
	}
	return b.Bytes()
}

// peakHeap samples the heap in use every millisecond until stop is called,
// and returns the highest value seen above the level at start.
func peakHeap() (stop func() uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base && ms.HeapInuse-base > peak.Load() {
				peak.Store(ms.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); <-finished; return peak.Load() }
}

// benchImport imports n rows into a fresh SQLite store per iteration
// (synchronous=FULL, as deployed): validation of the whole file, the
// open-activation check per person, the activation, its contact and the
// audit event; with mail, each link is also sent through a real SMTP
// server (aiosmtpd on loopback, no TLS).
func benchImport(b *testing.B, n int, mail bool) {
	data := importCSV(n, mail)
	var mailer notify.Mailer
	if mail {
		s := smtptest.Start(b, smtptest.Options{Mode: smtptest.Plain})
		cfg, err := notify.ParseSMTPURL(s.URL())
		if err != nil {
			b.Fatal(err)
		}
		cfg.From = "it@example.org"
		m, err := notify.NewSMTP(cfg)
		if err != nil {
			b.Fatal(err)
		}
		mailer = m
	}
	var peak uint64
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprintf("import-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		d := server.NewDesk(st, "https://styrke.example", server.DeskDeps{Mailer: mailer}, nil, nil)
		b.StartTimer()
		stop := peakHeap()
		rep, err := d.Import(context.Background(), bytes.NewReader(data), server.ImportOptions{Actor: "bench"}, nil)
		peak = max(peak, stop())
		b.StopTimer()
		if err != nil || rep.Created != n {
			b.Fatalf("import: %v, %d created", err, rep.Created)
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "MB-peak-heap")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImport10000 is `styrke activation import` of 10,000 rows
// without delivery (the links are returned).
func BenchmarkImport10000(b *testing.B) { benchImport(b, 10000, false) }

// BenchmarkImportMail1000 imports 1,000 rows, each link mailed.
func BenchmarkImportMail1000(b *testing.B) { benchImport(b, 1000, true) }

// BenchmarkImportWelcomeMail1000 is `styrke activation import --welcome`
// of 1,000 rows, each welcome mailed through aiosmtpd on loopback (one SMTP
// connection a message), into a fresh SQLite store per iteration whose
// identities are imported (each row's account its own): the check of every
// row (the identity and the accounts it is imported for), then per row the
// person held, the audit log's last welcome, the address kept on file, the
// mail and its two audit events.
func BenchmarkImportWelcomeMail1000(b *testing.B) {
	const n = 1000
	data := importCSV(n, true)
	s := smtptest.Start(b, smtptest.Options{Mode: smtptest.Plain})
	cfg, err := notify.ParseSMTPURL(s.URL())
	if err != nil {
		b.Fatal(err)
	}
	cfg.From = "it@example.org"
	mailer, err := notify.NewSMTP(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]store.AccountIdentity, n)
	for i := range ids {
		h := make([]byte, 32)
		copy(h, fmt.Sprintf("identity-%05d", i))
		ids[i] = store.AccountIdentity{Institution: "default", Username: fmt.Sprintf("s%05d", i), Name: fmt.Sprintf("Student Nummer %d", i),
			IdentityHash: h, UpdatedAt: time.Now()}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprintf("welcome-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if err := st.PutIdentities(context.Background(), ids); err != nil {
			b.Fatal(err)
		}
		d := server.NewDesk(st, "https://styrke.example", server.DeskDeps{Mailer: mailer, IDPortenReset: true}, nil, nil)
		b.StartTimer()
		rep, err := d.Import(context.Background(), bytes.NewReader(data), server.ImportOptions{Actor: "bench", Welcome: true}, nil)
		b.StopTimer()
		if err != nil || rep.Created != n {
			b.Fatalf("welcome import: %v, %d welcomed, %d errors", err, rep.Created, len(rep.Errors))
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
