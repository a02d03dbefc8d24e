package app

import (
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces a whole secret in redacted text.
const Redacted = "[REDACTED]"

// masked replaces a password inside a URL or a connection string.
const masked = "***"

// Shapes of secrets redacted even when their value is not known: a
// command's error can quote a database URL before the configuration that
// names it is loaded, and a YAML error quotes the lines of the file.
var (
	// scheme://user:PASSWORD@host
	urlPassword = regexp.MustCompile(`(://[^\s/:@"']*:)([^\s@"']+)(@)`)
	// password=PASSWORD in a query string or a key=value connection string
	kvPassword = regexp.MustCompile(`(?i)(\bpassword=)([^\s&"']+)`)
	// password: PASSWORD, token: "…", webhook_secret: … (YAML or JSON
	// source quoted by an error), but not a dotted key naming a setting in
	// a validation message ("telegram.webhook_secret: has 12 characters").
	yamlSecret = regexp.MustCompile(`(?i)(^|[^.\w])((?:\w*_)?(?:password|token|secret)"?[ \t]*:[ \t]*)("[^"]*"|'[^']*'|[^\s,}]+)`)
	// a Telegram bot token, 123456789:AAH…, also inside /bot<token>/
	botToken = regexp.MustCompile(`\d{5,}:[A-Za-z0-9_-]{30,}`)
)

// Redactor replaces secrets with "[REDACTED]" in everything written
// through it, so logs and error messages never print them: the known
// secrets (the configuration's, see config.Config.Secrets, and the password
// inside a database URL), a password in any URL or connection string, and
// anything shaped like a Telegram bot token (the token is part of every Bot
// API URL, and so of transport errors). It is safe for concurrent use.
type Redactor struct {
	w       io.Writer
	mu      sync.RWMutex
	secrets []secret // longest first
}

// secret is a value to redact and what replaces it.
type secret struct {
	value, replacement string
}

// NewRedactor returns a writer that forwards to w with secrets replaced;
// empty secrets are ignored.
func NewRedactor(w io.Writer, secrets ...string) *Redactor {
	r := &Redactor{w: w}
	r.Add(secrets...)
	return r
}

// Add adds secrets to redact from now on. A database URL or connection
// string holding a password is replaced by its MaskURL form, which still
// names the server and the database, and its password alone is redacted
// too (it can appear decoded).
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	add := func(value, replacement string) {
		if value == "" || slices.ContainsFunc(r.secrets, func(s secret) bool { return s.value == value }) {
			return
		}
		r.secrets = append(r.secrets, secret{value, replacement})
	}
	for _, s := range secrets {
		passwords := embeddedPasswords(s)
		replacement := Redacted
		if m := MaskURL(s); len(passwords) > 0 && !containsAny(m, passwords) {
			replacement = m
		}
		add(s, replacement)
		for _, p := range passwords {
			add(p, Redacted)
		}
	}
	// Longest first, so that a secret containing another is replaced whole.
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i].value) > len(r.secrets[j].value) })
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return sub != "" && strings.Contains(s, sub) })
}

// Write writes p with secrets replaced. It reports len(p) on success so
// callers see a complete write.
func (r *Redactor) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// String returns s with secrets replaced.
func (r *Redactor) String(s string) string {
	r.mu.RLock()
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec.value, sec.replacement)
	}
	r.mu.RUnlock()
	return RedactShapes(s)
}

// RedactShapes masks what looks like a secret in s whatever its value: a
// password in a URL or a connection string, a "password:", "token:" or
// "secret:" value, a Telegram bot token.
func RedactShapes(s string) string {
	s = urlPassword.ReplaceAllString(s, "${1}"+masked+"${3}")
	s = kvPassword.ReplaceAllString(s, "${1}"+masked)
	s = yamlSecret.ReplaceAllString(s, "${1}${2}"+masked)
	return botToken.ReplaceAllString(s, Redacted)
}

// MaskURL returns a database URL (postgres://user:password@host:port/db?…)
// or connection string (host=… password=…) with only the password
// replaced by "***", for showing which database a configuration names.
// An empty string stays empty.
func MaskURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		// A key=value connection string, or a URL too broken to parse.
		return RedactShapes(s)
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "")
	}
	q := u.Query()
	hasQueryPassword := q.Has("password")
	out := u.String()
	if _, ok := userPassword(s); ok {
		// url.String writes "user:@host" for an empty password.
		out = strings.Replace(out, u.User.Username()+":@", u.User.Username()+":"+masked+"@", 1)
	}
	if hasQueryPassword {
		out = kvPassword.ReplaceAllString(out, "${1}"+masked)
	}
	return out
}

// userPassword returns the password of the URL s, if it has one.
func userPassword(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return "", false
	}
	return u.User.Password()
}

// embeddedPasswords returns the passwords held by a URL or a connection
// string s, raw and decoded.
func embeddedPasswords(s string) []string {
	var out []string
	if m := urlPassword.FindStringSubmatch(s); m != nil {
		out = append(out, m[2])
	}
	if p, ok := userPassword(s); ok {
		out = append(out, p)
	}
	for _, m := range kvPassword.FindAllStringSubmatch(s, -1) {
		out = append(out, m[2])
		if d, err := url.QueryUnescape(m[2]); err == nil {
			out = append(out, d)
		}
	}
	return out
}
