package app

import (
	"bytes"
	"io"
	"strings"
)

// Redactor replaces secrets (the bot token appears in every Bot API URL,
// and so in transport errors) with "[REDACTED]" in everything written
// through it, so logs never print them.
type Redactor struct {
	w       io.Writer
	secrets [][]byte
}

// NewRedactor returns a writer that forwards to w with every non-empty
// secret replaced.
func NewRedactor(w io.Writer, secrets ...string) *Redactor {
	r := &Redactor{w: w}
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, []byte(s))
		}
	}
	return r
}

// Write writes p with secrets replaced. It reports len(p) on success so
// callers see a complete write.
func (r *Redactor) Write(p []byte) (int, error) {
	out := p
	for _, s := range r.secrets {
		if bytes.Contains(out, s) {
			out = bytes.ReplaceAll(out, s, []byte("[REDACTED]"))
		}
	}
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// String returns s with secrets replaced.
func (r *Redactor) String(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, string(sec), "[REDACTED]")
	}
	return s
}
