// Package smtptest is a minimal SMTP server on 127.0.0.1 for tests: it
// speaks HELO/EHLO, optional AUTH PLAIN, MAIL FROM, RCPT TO, DATA, RSET,
// NOOP and QUIT, and records every message it accepts.
package smtptest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one accepted message.
type Message struct {
	From     string   // MAIL FROM address
	To       []string // RCPT TO addresses
	Data     []byte   // the message as received, dot-unstuffed, CRLF line endings
	AuthUser string   // the user that authenticated, empty without AUTH
}

// Config adjusts a Server; the zero value accepts everything without
// authentication.
type Config struct {
	// Addr is the address to listen on; empty picks a free port on
	// 127.0.0.1.
	Addr string
	// Username and Password, when Username is set, are required with AUTH
	// PLAIN before MAIL FROM.
	Username, Password string
	// RejectRcpt, when set, is the reply to every RCPT TO (for example
	// "550 5.1.1 mailbox unavailable" or "451 4.3.0 try again later").
	RejectRcpt string
}

// Server is a running test SMTP server.
type Server struct {
	cfg Config
	ln  net.Listener
	wg  sync.WaitGroup

	mu       sync.Mutex
	messages []Message
	conns    map[net.Conn]bool
	closed   bool
}

// Start starts a server, stopped when the test ends.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{cfg: cfg, ln: ln, conns: make(map[net.Conn]bool)}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Close stops listening, cuts open sessions and waits for them to end. It
// may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
	}
}

// session speaks SMTP on one connection.
func (s *Server) session(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(lines ...string) bool {
		for _, l := range lines {
			w.WriteString(l + "\r\n")
		}
		return w.Flush() == nil
	}
	readLine := func() (string, bool) {
		l, err := r.ReadString('\n')
		if err != nil {
			return "", false
		}
		return strings.TrimRight(l, "\r\n"), true
	}
	if !reply("220 smtptest ESMTP ready") {
		return
	}
	var (
		authUser string
		from     string
		to       []string
		inMail   bool
	)
	for {
		line, ok := readLine()
		if !ok {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "HELO":
			reply("250 smtptest")
		case "EHLO":
			lines := []string{"250-smtptest", "250-8BITMIME"}
			if s.cfg.Username != "" {
				lines = append(lines, "250-AUTH PLAIN")
			}
			reply(append(lines, "250 SMTPUTF8")...)
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			if !strings.EqualFold(mech, "PLAIN") || s.cfg.Username == "" {
				reply("504 5.5.4 unrecognized authentication type")
				continue
			}
			if initial == "" {
				reply("334 ")
				if initial, ok = readLine(); !ok {
					return
				}
			}
			raw, err := base64.StdEncoding.DecodeString(initial)
			parts := strings.Split(string(raw), "\x00")
			if err != nil || len(parts) != 3 || parts[1] != s.cfg.Username || parts[2] != s.cfg.Password {
				reply("535 5.7.8 authentication credentials invalid")
				continue
			}
			authUser = parts[1]
			reply("235 2.7.0 authentication successful")
		case "MAIL":
			if s.cfg.Username != "" && authUser == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			addr, ok := path(arg, "FROM:")
			if !ok {
				reply("501 5.5.4 syntax: MAIL FROM:<address>")
				continue
			}
			from, to, inMail = addr, nil, true
			reply("250 2.1.0 ok")
		case "RCPT":
			if !inMail {
				reply("503 5.5.1 MAIL first")
				continue
			}
			addr, ok := path(arg, "TO:")
			if !ok {
				reply("501 5.5.4 syntax: RCPT TO:<address>")
				continue
			}
			if s.cfg.RejectRcpt != "" {
				reply(s.cfg.RejectRcpt)
				continue
			}
			to = append(to, addr)
			reply("250 2.1.5 ok")
		case "DATA":
			if len(to) == 0 {
				reply("503 5.5.1 RCPT first")
				continue
			}
			if !reply("354 end data with <CR><LF>.<CR><LF>") {
				return
			}
			var data bytes.Buffer
			for {
				l, ok := readLine()
				if !ok {
					return
				}
				if l == "." {
					break
				}
				l = strings.TrimPrefix(l, ".") // dot-unstuffing
				data.WriteString(l + "\r\n")
			}
			s.mu.Lock()
			s.messages = append(s.messages, Message{From: from, To: to, Data: data.Bytes(), AuthUser: authUser})
			n := len(s.messages)
			s.mu.Unlock()
			from, to, inMail = "", nil, false
			reply(fmt.Sprintf("250 2.0.0 ok: queued as %d", n))
		case "RSET":
			from, to, inMail = "", nil, false
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 command not recognized")
		}
	}
}

// path extracts the address of "FROM:<a> PARAMS" or "TO:<a>".
func path(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}
