// Package zalotest is a fake Zalo Bot Platform API over HTTP (httptest)
// for tests, faithful to what package zalo documents of the platform:
// /bot<TOKEN>/<method>, parameters as JSON, a form or a query string, the
// envelope {ok, result, description, error_code} with the HTTP status
// equal to the error code, string ids (20 hexadecimal digits for
// messages), dates in milliseconds, the 2,000-character limit of texts and
// captions answered with 400, photos only by URL, one event per
// getUpdates and 408 when none came, getUpdates refused while a webhook
// is set, and webhook POSTs carrying the X-Bot-Api-Secret-Token header.
//
// It records every message sent per chat and injects failures per method
// (FailNext) or per call (SetFault): 401, 403, 408, 429, 400, a 5xx, or a
// call that never answers (a client timeout). WithRateLimit answers 429
// "Quota exceeded" to messages beyond a send rate, and
// TooManyRequestsCount counts the 429s answered.
package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/zalo"
)

// DefaultToken is the token a Server accepts unless WithToken says
// otherwise.
const DefaultToken = "1234567890:fake-zalo-bot-token"

// Server is a fake Zalo Bot Platform API.
type Server struct {
	http    *httptest.Server
	token   string
	maxPoll time.Duration
	clk     clock.Clock

	mu      sync.Mutex
	queue   []zalo.Event
	wake    chan struct{} // closed and replaced when an event is queued
	faults  map[string][]Fault
	sent    []Sent
	calls   []Call
	webhook zalo.Webhook
	secret  string
	nextID  int64

	faultFn func(Call) *Fault // SetFault
	limits  *limiter          // WithRateLimit
	tooMany int               // 429 answers, injected or by the limits
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the token the server accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithMaxPollTimeout caps how long getUpdates waits for an event,
// whatever timeout the client asks (default 1 s), so tests stay fast.
func WithMaxPollTimeout(d time.Duration) Option { return func(s *Server) { s.maxPoll = d } }

// WithClock sets the clock the dates of messages and events come from.
func WithClock(c clock.Clock) Option { return func(s *Server) { s.clk = c } }

// New starts a Server; Close stops it.
func New(opts ...Option) *Server {
	s := &Server{
		token:   DefaultToken,
		maxPoll: time.Second,
		clk:     clock.Real{},
		wake:    make(chan struct{}),
		faults:  make(map[string][]Fault),
	}
	for _, o := range opts {
		o(s)
	}
	s.http = httptest.NewServer(s)
	return s
}

// URL is the server's base URL, the client's api_url.
func (s *Server) URL() string { return s.http.URL }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.token }

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// Sent is a message the server accepted.
type Sent struct {
	Method    string // sendMessage or sendPhoto
	ChatID    string
	Text      string // sendMessage's text
	Photo     string // sendPhoto's URL
	Caption   string
	MessageID string
	Date      int64
}

// Call is one request the server answered (or failed), in order.
type Call struct {
	Method string
	Params map[string]string
	Code   int // 0 when it succeeded
}

// Sent returns every message accepted, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the messages accepted for chatID, in order.
func (s *Server) SentTo(chatID string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Calls returns every call, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Webhook returns the webhook set (an empty URL for none) and its secret.
func (s *Server) Webhook() (zalo.Webhook, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.secret
}

// FaultKind says how a faulty call fails.
type FaultKind int

// The faults a Server injects.
const (
	// FaultError answers the fault's Code with its Description in the
	// envelope (401, 403, 408, 429, 400, 500, …).
	FaultError FaultKind = iota + 1
	// FaultHTML answers the fault's Code with an HTML page, as a proxy in
	// front of the platform would (502, 503, 504).
	FaultHTML
	// FaultHang never answers: the call waits until the client gives up.
	FaultHang
)

// Fault is a failure injected into a call; build one with Unauthorized,
// Forbidden, RequestTimeout, TooManyRequests, BadRequest, ServerError or
// Hang.
type Fault struct {
	Kind        FaultKind
	Code        int
	Description string
}

// Unauthorized answers 401: the token is invalid or was reset.
func Unauthorized() Fault { return Fault{FaultError, 401, "Unauthorized"} }

// Forbidden answers 403, which the platform documents as an internal
// server error.
func Forbidden() Fault { return Fault{FaultError, 403, "Internal server error"} }

// RequestTimeout answers 408.
func RequestTimeout() Fault { return Fault{FaultError, 408, "Request timeout"} }

// TooManyRequests answers 429: quota exceeded, with no retry-after.
func TooManyRequests() Fault { return Fault{FaultError, 429, "Quota exceeded"} }

// BadRequest answers 400 with description.
func BadRequest(description string) Fault { return Fault{FaultError, 400, description} }

// ServerError answers status: 500 in the envelope, others (502, 503, 504)
// as an HTML page.
func ServerError(status int) Fault {
	if status == 0 || status == 500 {
		return Fault{FaultError, 500, "Internal Server Error"}
	}
	return Fault{FaultHTML, status, http.StatusText(status)}
}

// Hang holds the call until the client gives up (its timeout).
func Hang() Fault { return Fault{Kind: FaultHang} }

// FailNext makes the next n calls of method fail with f.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// QueueEvent queues ev for getUpdates and returns its message id (filled
// in, with its date, when ev's message has none).
func (s *Server) QueueEvent(ev zalo.Event) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fill(&ev)
	s.queue = append(s.queue, ev)
	close(s.wake)
	s.wake = make(chan struct{})
	return ev.MessageID()
}

// fill gives ev's message an id and a date when it has none.
func (s *Server) fill(ev *zalo.Event) {
	if ev.Message == nil {
		return
	}
	if ev.Message.MessageID == "" {
		ev.Message.MessageID = s.newID()
	}
	if ev.Message.Date == 0 {
		ev.Message.Date = s.clk.Now().UnixMilli()
	}
}

// newID returns a new message id: 20 hexadecimal digits.
func (s *Server) newID() string {
	s.nextID++
	return fmt.Sprintf("%020x", s.nextID)
}

// TextEvent is the event of userID writing text to the bot in the private
// chat userID (a private chat's id is its user's).
func TextEvent(userID, displayName, text string) zalo.Event {
	return zalo.Event{Name: zalo.EventText, Message: &zalo.Message{
		From: zalo.User{ID: userID, DisplayName: displayName},
		Chat: zalo.Chat{ID: userID, ChatType: zalo.ChatPrivate},
		Text: text,
	}}
}

// SendText queues the text userID writes to the bot in private; it
// returns the message id.
func (s *Server) SendText(userID, text string) string {
	return s.QueueEvent(TextEvent(userID, "User "+userID, text))
}

// PostWebhook posts ev to url as the platform does: the envelope
// {"ok": true, "result": ev} with the secret header (none when secret is
// ""). It returns the HTTP status answered and the event's message id.
func (s *Server) PostWebhook(ctx context.Context, url, secret string, ev zalo.Event) (int, string, error) {
	s.mu.Lock()
	s.fill(&ev)
	s.mu.Unlock()
	body, err := json.Marshal(map[string]any{"ok": true, "result": ev})
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(zalo.SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, ev.MessageID(), nil
}

// apiError is a failed answer.
type apiError struct {
	code int
	desc string
}

// ServeHTTP answers the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" {
		writeError(w, apiError{404, "Not Found"})
		return
	}
	params, err := parseParams(r)
	call := Call{Method: method, Params: params}
	if token != s.token {
		call.Code = 401
		s.record(call)
		writeError(w, apiError{401, "Unauthorized"})
		return
	}
	if err != nil {
		call.Code = 400
		s.record(call)
		writeError(w, apiError{400, "Bad Request: " + err.Error()})
		return
	}
	f, ok := s.takeFault(method)
	if !ok {
		f, ok = s.decideFault(call)
	}
	if ok {
		if f.Code == 429 {
			s.countTooMany()
		}
		call.Code = f.Code
		s.record(call)
		switch f.Kind {
		case FaultHang:
			<-r.Context().Done()
		case FaultHTML:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(f.Code)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", f.Code, f.Description)
		default:
			writeError(w, apiError{f.Code, f.Description})
		}
		return
	}
	if e := s.limit(method, params["chat_id"]); e != nil {
		call.Code = e.code
		s.record(call)
		writeError(w, *e)
		return
	}
	result, e := s.answer(r.Context(), method, params)
	if e != nil {
		call.Code = e.code
	}
	s.record(call)
	if e != nil {
		writeError(w, *e)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// record appends call to the log.
func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// takeFault pops the next fault of method.
func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := s.faults[method]
	if len(fs) == 0 {
		return Fault{}, false
	}
	s.faults[method] = fs[1:]
	return fs[0], true
}

// answer runs method.
func (s *Server) answer(ctx context.Context, method string, p map[string]string) (any, *apiError) {
	switch method {
	case "getMe":
		return map[string]any{"id": "9000000000000000001", "account_name": "bot.NhacViec", "account_type": "BASIC", "can_join_groups": false}, nil
	case "getUpdates":
		return s.getUpdates(ctx, p)
	case "sendMessage":
		if e := need(p, "chat_id"); e != nil {
			return nil, e
		}
		if n := zalo.Length(p["text"]); n < 1 || n > zalo.MaxText {
			return nil, &apiError{400, fmt.Sprintf("Bad Request: text must be 1 to %d characters, got %d", zalo.MaxText, n)}
		}
		return s.accept(Sent{Method: method, ChatID: p["chat_id"], Text: p["text"]}), nil
	case "sendPhoto":
		if e := need(p, "chat_id"); e != nil {
			return nil, e
		}
		if u := p["photo"]; !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
			return nil, &apiError{400, "Bad Request: photo must be a URL"}
		}
		if n := zalo.Length(p["caption"]); n > zalo.MaxText {
			return nil, &apiError{400, fmt.Sprintf("Bad Request: caption longer than %d characters", zalo.MaxText)}
		}
		return s.accept(Sent{Method: method, ChatID: p["chat_id"], Photo: p["photo"], Caption: p["caption"]}), nil
	case "sendChatAction":
		if e := need(p, "chat_id"); e != nil {
			return nil, e
		}
		if a := p["action"]; a != "typing" && a != "upload_photo" {
			return nil, &apiError{400, "Bad Request: unknown action"}
		}
		return true, nil
	case "setWebhook":
		if !strings.HasPrefix(p["url"], "https://") {
			return nil, &apiError{400, "Bad Request: url must be HTTPS"}
		}
		if n := len([]rune(p["secret_token"])); n < 8 || n > 256 {
			return nil, &apiError{400, "Bad Request: secret_token must be 8 to 256 characters"}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.webhook = zalo.Webhook{URL: p["url"], UpdatedAt: s.clk.Now().UnixMilli()}
		s.secret = p["secret_token"]
		return s.webhook, nil
	case "deleteWebhook":
		s.mu.Lock()
		defer s.mu.Unlock()
		s.webhook = zalo.Webhook{UpdatedAt: s.clk.Now().UnixMilli()}
		s.secret = ""
		return s.webhook, nil
	case "getWebhookInfo":
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.webhook, nil
	}
	return nil, &apiError{400, "Bad Request: unknown method " + method}
}

// need checks that p has name.
func need(p map[string]string, name string) *apiError {
	if p[name] == "" {
		return &apiError{400, "Bad Request: " + name + " is required"}
	}
	return nil
}

// accept records m and returns sendMessage's result.
func (s *Server) accept(m Sent) zalo.Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.MessageID = s.newID()
	m.Date = s.clk.Now().UnixMilli()
	s.sent = append(s.sent, m)
	return zalo.Sent{MessageID: m.MessageID, Date: m.Date}
}

// getUpdates returns one queued event, waiting up to the asked timeout
// (capped by WithMaxPollTimeout); 408 when none came.
func (s *Server) getUpdates(ctx context.Context, p map[string]string) (any, *apiError) {
	timeout := 30 * time.Second
	if v, err := strconv.Atoi(p["timeout"]); err == nil && v >= 0 {
		timeout = time.Duration(v) * time.Second
	}
	timeout = min(timeout, s.maxPoll)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.webhook.URL != "" {
			s.mu.Unlock()
			return nil, &apiError{400, "Bad Request: getUpdates is not allowed while a webhook is set"}
		}
		if len(s.queue) > 0 {
			ev := s.queue[0]
			s.queue = s.queue[1:]
			s.mu.Unlock()
			return ev, nil
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			return nil, &apiError{408, "Request timeout"}
		case <-ctx.Done():
			return nil, &apiError{408, "Request timeout"}
		}
	}
}

// Pending is how many queued events no getUpdates has taken yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// writeError writes a failed envelope with the HTTP status of its code.
func writeError(w http.ResponseWriter, e apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.code)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": e.code, "description": e.desc})
}

// parseParams reads a call's parameters from the query string, then a
// JSON object, a form or a multipart form.
func parseParams(r *http.Request) (map[string]string, error) {
	p := make(map[string]string)
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	if r.Body == nil {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return p, err
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return p, nil
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return p, fmt.Errorf("body is not a JSON object: %w", err)
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				p[k] = v
			case float64:
				p[k] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				b, _ := json.Marshal(v)
				p[k] = string(b)
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return p, err
		}
		for k, v := range r.PostForm {
			p[k] = v[0]
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return p, err
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = v[0]
		}
	}
	return p, nil
}
