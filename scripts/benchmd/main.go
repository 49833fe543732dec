// Command benchmd turns `go test -bench -benchmem -count N` output into a
// Markdown table (median of the N runs for each benchmark) and writes it into
// BENCHMARKS.md between the markers of one section:
//
//	<!-- section:NAME --> ... <!-- /section:NAME -->
//
// A missing section is appended. Usage:
//
//	go run ./scripts/benchmd -in bench.txt -section policy -file BENCHMARKS.md [-note "text"]
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/internal/benchsection"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchmd:", err)
		os.Exit(1)
	}
}

type sample struct{ ns, bytes, allocs []float64 }

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchmd", flag.ContinueOnError)
	in := fs.String("in", "", "go test -bench output")
	section := fs.String("section", "", "section name")
	file := fs.String("file", "BENCHMARKS.md", "Markdown file to update")
	note := fs.String("note", "", "method note written above the table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *section == "" {
		return errors.New("-in and -section are required")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	samples := map[string]*sample{}
	var order []string
	cpu := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "cpu: ") {
			cpu = strings.TrimSpace(strings.TrimPrefix(line, "cpu: "))
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := fields[0]
		s := samples[name]
		if s == nil {
			s = &sample{}
			samples[name] = s
			order = append(order, name)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "B/op":
				s.bytes = append(s.bytes, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(order) == 0 {
		return errors.New("no benchmark lines in " + *in)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s by `make bench` on %s/%s, %d cores (%s), %s; median of %d runs.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, runtime.Version(), len(samples[order[0]].ns))
	if *note != "" {
		b.WriteString("\n" + *note + "\n")
	}
	b.WriteString("\n| benchmark | time/op | B/op | allocs/op |\n| --- | ---: | ---: | ---: |\n")
	for _, name := range order {
		s := samples[name]
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, ns(median(s.ns)), num(median(s.bytes)), num(median(s.allocs)))
	}
	return benchsection.Write(*file, *section, b.String())
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return -1
	}
	c := append([]float64(nil), v...)
	sort.Float64s(c)
	return c[len(c)/2]
}

func ns(v float64) string {
	switch {
	case v < 0:
		return "–"
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 2, 64) + " ms"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', 2, 64) + " µs"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " ns"
}

func num(v float64) string {
	if v < 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
