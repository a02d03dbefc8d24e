package telegramtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
)

// Mux serves several fake bots at one URL, as Telegram serves every bot at
// api.telegram.org: a request goes to the Server whose token its path
// names (/bot<token>/<method>, /file/bot<token>/<path>); an unknown token
// answers 401. Each Server keeps its own state, updates and limits: a bot
// of config telegram.bots against its own fake, all under one
// telegram.api_url.
type Mux struct {
	http    *httptest.Server
	byToken map[string]*Server
}

// NewMux starts a Mux serving servers (each made with its own WithToken)
// on a free port of 127.0.0.1.
func NewMux(servers ...*Server) *Mux {
	m := &Mux{byToken: make(map[string]*Server, len(servers))}
	for _, s := range servers {
		m.byToken[s.token] = s
	}
	m.http = httptest.NewServer(m)
	return m
}

// URL returns the Mux's base URL, the telegram.api_url of every bot.
func (m *Mux) URL() string { return m.http.URL }

// Close shuts the Mux down; close the servers on their own.
func (m *Mux) Close() { m.http.Close() }

// ServeHTTP routes a Bot API request by its token.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot")
	if !ok {
		rest, ok = strings.CutPrefix(r.URL.Path, "/bot")
	}
	token, _, _ := strings.Cut(rest, "/")
	s := m.byToken[token]
	if !ok || s == nil {
		writeError(w, &apiError{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	s.ServeHTTP(w, r)
}
