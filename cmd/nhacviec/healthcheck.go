package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

func runHealthcheck(ctx context.Context, e env, args []string) error {
	fs, cfgPath := newFlags(e, "healthcheck", "[--url URL] [--timeout D]",
		"Ask the running serve's /healthz, at http.listen on this machine, and exit 0 when it answers\n"+
			"200 (\"ok\", or \"degraded\" while Telegram is unreachable: the jobs still run and messages\n"+
			"wait), else 1 with the reason. For Docker's HEALTHCHECK and monitoring; it needs no shell\n"+
			"and no database.")
	rawURL := fs.String("url", "", "the /healthz `URL` (default: from http.listen)")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	target := *rawURL
	if target == "" {
		cfg, err := loadConfig(e, fs, *cfgPath)
		if err != nil {
			return err
		}
		if cfg.HTTP.Listen == "" {
			return errors.New("http.listen is not set, so serve answers no /healthz: set it (NHACVIEC_HTTP_LISTEN=:9090) or pass --url")
		}
		target, err = healthzURL(cfg.HTTP.Listen)
		if err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: serve does not answer: %w", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	answer := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s %s", target, resp.Status, answer)
	}
	fmt.Fprintln(e.stdout, answer)
	return nil
}

// healthzURL is the /healthz URL of a server listening on listen, reached
// from this machine: an empty or unspecified host is the loopback.
func healthzURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("http.listen %q is not host:port: %w", listen, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
