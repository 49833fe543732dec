package dirtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// passwordWrites are what marks a password write in a request's bytes: the
// Password Modify extended operation's OID (OpenLDAP) and the unicodePwd
// attribute of a modify (AD).
var passwordWrites = [][]byte{[]byte("1.3.6.1.4.1.4203.1.11.1"), []byte("unicodePwd")}

// Proxy is a TLS proxy in front of a test directory, on the directory's
// own loopback address and certificate, that can lose the answer to a
// password write: the write reaches the directory, which takes it, and
// the connection is then closed before its answer reaches the client, as
// a network that fails at that moment, or a directory slow past the
// client's time limit, leaves it.
type Proxy struct {
	s    *Server
	ln   net.Listener
	lose atomic.Bool
	// Lost counts the answers lost.
	Lost  atomic.Int64
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// Proxy starts a proxy in front of s (LDAPS). Close stops it.
func (s *Server) Proxy() (*Proxy, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(s.dir, "cert.pem"), filepath.Join(s.dir, "key.pem"))
	if err != nil {
		return nil, err
	}
	ln, err := tls.Listen("tcp", net.JoinHostPort(s.Host, "0"), &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		return nil, err
	}
	p := &Proxy{s: s, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// HostPort is the proxy's address.
func (p *Proxy) HostPort() string { return p.ln.Addr().String() }

// Flags are s.Flags with the proxy's address for the directory's.
func (p *Proxy) Flags(dir string) ([]string, error) {
	flags, err := p.s.Flags(dir)
	if err != nil {
		return nil, err
	}
	for i, f := range flags {
		flags[i] = strings.Replace(f, p.s.HostPort(), p.HostPort(), 1)
	}
	return flags, nil
}

// LoseWriteAnswers makes the proxy lose the answer to each password write
// from now on (on), or pass every answer again (off).
func (p *Proxy) LoseWriteAnswers(on bool) { p.lose.Store(on) }

// Close stops the proxy and closes its connections.
func (p *Proxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.relay(c)
		}()
	}
}

// relay passes c's requests to the directory and its answers back, and
// drops the answer that follows a password write while the proxy loses
// them, closing both connections.
func (p *Proxy) relay(c net.Conn) {
	defer c.Close()
	up, err := tls.Dial("tcp", p.s.HostPort(), p.s.TLSConfig())
	if err != nil {
		return
	}
	defer up.Close()
	if !p.track(c) || !p.track(up) {
		return
	}
	defer func() {
		p.mu.Lock()
		delete(p.conns, c) // (a no-op on nil, after Close)
		delete(p.conns, up)
		p.mu.Unlock()
	}()
	var drop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			n, err := up.Read(buf)
			if n > 0 {
				if drop.Load() {
					p.Lost.Add(1)
					c.Close()
					up.Close()
					return
				}
				if _, werr := c.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				c.Close()
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if p.lose.Load() && isPasswordWrite(buf[:n]) {
				drop.Store(true)
			}
			if _, werr := up.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				up.Close()
			}
			break
		}
	}
	up.Close()
	<-done
}

func isPasswordWrite(b []byte) bool {
	for _, w := range passwordWrites {
		if bytes.Contains(b, w) {
			return true
		}
	}
	return false
}
