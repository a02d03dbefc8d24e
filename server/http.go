package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// HTTPLimits bound what clients may hold of one of serve's HTTP servers
// (the Telegram webhook, /healthz and /metrics): without them a client
// that stops talking keeps its connection, and its goroutine, for good.
type HTTPLimits struct {
	// ReadHeaderTimeout closes a connection whose request headers take
	// longer (slow clients).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request headers to
	// the end of the response: the handler's work included (a webhook
	// update is processed before it is answered).
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that waits longer for its
	// next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps the request headers (431 beyond).
	MaxHeaderBytes int
	// MaxBodyBytes caps a request body (413 beyond).
	MaxBodyBytes int64
	// MaxConns caps the connections open at once; more wait unaccepted
	// until one closes.
	MaxConns int
	// ShutdownTimeout bounds the graceful shutdown.
	ShutdownTimeout time.Duration
}

// WebhookLimits are the limits of the webhook server. Telegram opens at
// most 100 connections to a webhook (setWebhook's max_connections,
// default 40) and posts updates of a few kilobytes.
func WebhookLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		MaxBodyBytes:      1 << 20,
		MaxConns:          100,
		ShutdownTimeout:   30 * time.Second,
	}
}

// OpsLimits are the limits of the /healthz and /metrics server, asked by
// a monitoring system or two.
func OpsLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
		MaxBodyBytes:      64 << 10,
		MaxConns:          16,
		ShutdownTimeout:   10 * time.Second,
	}
}

// newHTTPServer returns an http.Server for h with every timeout and size
// limit of lim set. It is the only place serve builds an http.Server.
func newHTTPServer(h http.Handler, lim HTTPLimits) *http.Server {
	if lim.MaxBodyBytes > 0 {
		h = http.MaxBytesHandler(h, lim.MaxBodyBytes)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
	}
}

// listenHTTP listens on addr with at most lim.MaxConns connections
// accepted at once.
func listenHTTP(addr string, lim HTTPLimits) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	if lim.MaxConns > 0 {
		ln = netutil.LimitListener(ln, lim.MaxConns)
	}
	return ln, nil
}

// serveHTTP serves h on ln under lim until ctx is done, then shuts the
// server down gracefully (at most lim.ShutdownTimeout). It closes ln.
func serveHTTP(ctx context.Context, log *slog.Logger, name string, ln net.Listener, h http.Handler, lim HTTPLimits) error {
	srv := newHTTPServer(h, lim)
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("%s: serve %s: %w", name, ln.Addr(), err)
	case <-ctx.Done():
	}
	timeout := lim.ShutdownTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("%s: shutdown: %w", name, err)
	}
	return nil
}
