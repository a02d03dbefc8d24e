package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"strings"
	"time"
)

// PermanentError is a failure that retrying cannot fix: the server refused
// the message or a recipient with a 5xx reply, or the message cannot be
// built. Sender reports it as channel.ErrRejected: the row is dead at once.
type PermanentError struct{ Err error }

// Error returns the underlying error's text.
func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is (or wraps) a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// StartTLS modes of SMTPConfig.StartTLS.
const (
	StartTLSAuto   = "auto"   // upgrade when the server offers STARTTLS
	StartTLSAlways = "always" // refuse to send without STARTTLS
	StartTLSNever  = "never"  // plain text (a relay on the same host)
)

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	Addr     string // host:port
	Username string // empty: no authentication
	Password string
	StartTLS string // StartTLSAuto (default), StartTLSAlways or StartTLSNever
	// Timeout bounds one whole send (connect to QUIT) when ctx has no
	// earlier deadline; default 1 minute.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings of STARTTLS; nil verifies the
	// server's certificate for the host of Addr.
	TLSConfig *tls.Config
}

// SMTPSender sends e-mail through one SMTP server with net/smtp: STARTTLS
// per its configuration, then AUTH PLAIN when a user name is set (net/smtp
// refuses PLAIN over an unencrypted connection except to localhost).
type SMTPSender struct {
	cfg  SMTPConfig
	host string
}

// NewSMTPSender returns a sender for cfg.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp address %q: %w", cfg.Addr, err)
	}
	switch cfg.StartTLS {
	case "":
		cfg.StartTLS = StartTLSAuto
	case StartTLSAuto, StartTLSAlways, StartTLSNever:
	default:
		return nil, fmt.Errorf("mail: starttls %q is not auto, always or never", cfg.StartTLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	return &SMTPSender{cfg: cfg, host: host}, nil
}

// Send delivers m in one SMTP session.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	from, to, err := m.Envelope()
	if err != nil {
		return &PermanentError{Err: err}
	}
	data, err := m.Bytes()
	if err != nil {
		return &PermanentError{Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: connect: %w", err)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(deadline); err != nil {
			return fmt.Errorf("mail: %w", err)
		}
	}
	// Closing the connection unblocks the session when ctx ends early.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("mail: greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(helloName()); err != nil {
		return fmt.Errorf("mail: hello: %w", err)
	}
	if s.cfg.StartTLS != StartTLSNever {
		if ok, _ := c.Extension("STARTTLS"); ok {
			tc := s.cfg.TLSConfig
			if tc == nil {
				tc = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
			}
			if err := c.StartTLS(tc); err != nil {
				return fmt.Errorf("mail: starttls: %w", err)
			}
		} else if s.cfg.StartTLS == StartTLSAlways {
			return fmt.Errorf("mail: %s does not offer STARTTLS (email.starttls is always)", s.cfg.Addr)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host)); err != nil {
			return fmt.Errorf("mail: auth: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return classify("mail from", err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return classify("rcpt to "+rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return classify("data", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("mail: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return classify("end of data", err)
	}
	// The message is accepted; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// classify wraps an SMTP command's error, marking 5xx replies permanent.
func classify(step string, err error) error {
	err = fmt.Errorf("mail: %s: %w", step, err)
	var reply *textproto.Error
	if errors.As(err, &reply) && reply.Code >= 500 {
		return &PermanentError{Err: err}
	}
	return err
}

// helloName is the name sent with EHLO: this host's name when it has a
// dotted one, else "localhost" (net/smtp's own default).
func helloName() string {
	name, err := os.Hostname()
	if err != nil || !strings.Contains(name, ".") {
		return "localhost"
	}
	return name
}
