package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testLimits are short limits, so that the tests wait fractions of a
// second rather than the production timeouts.
func testLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 300 * time.Millisecond,
		ReadTimeout:       time.Second,
		WriteTimeout:      time.Second,
		IdleTimeout:       300 * time.Millisecond,
		MaxHeaderBytes:    4 << 10,
		MaxBodyBytes:      1 << 10,
		MaxConns:          2,
		ShutdownTimeout:   time.Second,
	}
}

// startHTTP serves an "ok" handler under lim on a free loopback port and
// returns its address; the server stops at the end of the test.
func startHTTP(t *testing.T, lim HTTPLimits) string {
	t.Helper()
	ln, err := listenHTTP("127.0.0.1:0", lim)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		io.WriteString(w, "ok")
	})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { done <- serveHTTP(ctx, log, "test", ln, h, lim) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serveHTTP: %v", err)
		}
	})
	return ln.Addr().String()
}

// keepAliveGet sends one keep-alive GET on conn and reads its answer.
func keepAliveGet(t *testing.T, conn net.Conn, r *bufio.Reader, header string) *http.Response {
	t.Helper()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: test\r\n"+header+"\r\n"); err != nil {
		t.Fatalf("write request: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// closedWithin reports whether the server closes conn (EOF or reset)
// within d.
func closedWithin(conn net.Conn, r *bufio.Reader, d time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := r.ReadByte()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}

// TestHTTPIdleConnectionsAreClosed: a keep-alive connection that sends no
// further request is closed after the idle timeout (was: with only
// ReadHeaderTimeout set, such connections stayed open for good).
func TestHTTPIdleConnectionsAreClosed(t *testing.T) {
	lim := testLimits()
	lim.MaxConns = 50
	addr := startHTTP(t, lim)
	var conns []net.Conn
	var readers []*bufio.Reader
	for i := 0; i < 20; i++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		if resp := keepAliveGet(t, conn, r, ""); resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("first request: %d, close %v", resp.StatusCode, resp.Close)
		}
		conns = append(conns, conn)
		readers = append(readers, r)
	}
	start := time.Now()
	for i, conn := range conns {
		if !closedWithin(conn, readers[i], 3*time.Second) {
			t.Fatalf("idle connection %d still open %v after its request (idle timeout %v)", i, time.Since(start), lim.IdleTimeout)
		}
	}
	if took := time.Since(start); took < lim.IdleTimeout/2 {
		t.Errorf("idle connections closed after %v, before the idle timeout %v", took, lim.IdleTimeout)
	}
}

// TestHTTPSlowHeadersAreCut: a client that never finishes its headers is
// disconnected after the header timeout.
func TestHTTPSlowHeadersAreCut(t *testing.T) {
	addr := startHTTP(t, testLimits())
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: test\r\nX-Slow: ")
	if !closedWithin(conn, bufio.NewReader(conn), 3*time.Second) {
		t.Fatal("a connection with unfinished headers stays open")
	}
}

// TestHTTPConnectionCap: with MaxConns connections held open, another
// connection is not served until one of them closes.
func TestHTTPConnectionCap(t *testing.T) {
	lim := testLimits()
	lim.IdleTimeout = 10 * time.Second // the held connections must stay
	lim.ReadHeaderTimeout = 10 * time.Second
	addr := startHTTP(t, lim)
	var held []net.Conn
	for i := 0; i < lim.MaxConns; i++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		keepAliveGet(t, conn, bufio.NewReader(conn), "")
		held = append(held, conn)
	}
	extra, err := net.Dial("tcp", addr) // the kernel accepts; the server must not
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	io.WriteString(extra, "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
	r := bufio.NewReader(extra)
	extra.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := r.ReadByte(); err == nil {
		t.Fatalf("connection %d was served while %d were held open", lim.MaxConns+1, lim.MaxConns)
	}
	held[0].Close()
	extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("after a held connection closed, the waiting one is not served: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("waiting connection: %d", resp.StatusCode)
	}
}

// TestHTTPSizeLimits: headers over MaxHeaderBytes get 431, a body over
// MaxBodyBytes 413.
func TestHTTPSizeLimits(t *testing.T) {
	lim := testLimits()
	addr := startHTTP(t, lim)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	big := "X-Big: " + strings.Repeat("a", 4*lim.MaxHeaderBytes) + "\r\n"
	if resp := keepAliveGet(t, conn, bufio.NewReader(conn), big); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("%d bytes of headers: %d, want 431", len(big), resp.StatusCode)
	}
	resp, err := http.Post("http://"+addr+"/", "application/json", strings.NewReader(strings.Repeat("x", int(lim.MaxBodyBytes)+1)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: %d, want 413", resp.StatusCode)
	}
}

// TestHTTPListenError names the address that could not be listened on.
func TestHTTPListenError(t *testing.T) {
	_, err := listenHTTP("127.0.0.1:notaport", testLimits())
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:notaport") {
		t.Errorf("listen error = %v", err)
	}
}
