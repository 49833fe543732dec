// Package silent is a test helper: a TCP server that accepts connections
// and never answers, as a hung pooler or another service on the port does,
// for tests that hold a client to its timeout.
package silent

import (
	"net"
	"testing"
)

// Listen starts such a server on a loopback port and returns its address
// (host:port); it stops, closing every connection, when t ends.
func Listen(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("silent: listen: %v", err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // accept and say nothing
		}
	}()
	return ln.Addr().String()
}
