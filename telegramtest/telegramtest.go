// Package telegramtest is a fake Telegram Bot API server for tests and for
// the in-process demo. It speaks HTTP to the real go-telegram/bot client,
// records what the bot sends, lets a test play the officials (send text,
// commands, replies, photos, documents, button presses) and injects the
// faults Telegram produces (429, 403, 5xx, timeouts, chat migration).
//
// Start a server and point the client at it:
//
//	srv := telegramtest.New(telegramtest.WithMaxPollTimeout(200 * time.Millisecond))
//	defer srv.Close()
//	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()))
//
// The server follows Telegram where it matters to a bot:
//
//   - Requests go to /bot<token>/<method> (method names are case-insensitive)
//     as multipart/form-data (streamed, chunked), application/json or
//     application/x-www-form-urlencoded; objects in form fields
//     (reply_markup, reply_parameters, allowed_updates) are JSON text. A wrong
//     token answers 401, an unknown method 404.
//   - Answers are {"ok":true,"result":…} or {"ok":false,"error_code":…,
//     "description":…,"parameters":{…}} with the HTTP status of the error.
//   - Message ids count per chat and are shared by the bot's and the user's
//     messages, as in a private chat. A private chat's id is its user's id.
//   - sendMessage checks what Telegram checks: chat_id present, text not
//     empty and at most 4096 UTF-16 units after entity parsing, HTML that
//     Telegram can parse (tghtml.Validate), callback_data of at most 64
//     bytes, the message replied to exists. editMessageText answers "message
//     is not modified" when nothing changes and drops the inline keyboard when
//     no reply_markup is given. answerCallbackQuery accepts each query once.
//   - getUpdates long-polls: it answers as soon as an update with an id at
//     least offset exists, or with [] once timeout seconds (capped by
//     WithMaxPollTimeout) have passed; a timeout of 0 answers at once. An
//     offset confirms and forgets every update below it. A second
//     getUpdates ends the one in progress with 409 Conflict, and getUpdates
//     while a webhook is set answers 409, exactly like Telegram.
//   - Files sent or received get file ids; getFile gives a file_path that
//     the server serves at /file/bot<token>/<file_path>.
//
// A test plays the officials with SendText, SendCommand, Reply, SendPhoto,
// SendDocument, PressButton, Block and Unblock (AddUpdate queues any other
// update), and reads what the bot did with Sent, SentTo, Message (a message
// as edited), CallbackAnswers, Calls and CallLog. WaitSent, WaitConfirmed
// and WaitUntil block until a condition holds, without polling. FailNext
// and SetFault inject faults into chosen calls; WithRateLimits enforces
// Telegram's rate limits.
//
// A bot that confirms updates itself (to advance the offset only after
// committing an update's effects) can call getUpdates with a JSON body:
// {"offset":…,"timeout":…,"allowed_updates":[…]}.
//
// Updates are delivered only through getUpdates; the server never calls a
// webhook. Message dates and rate-limit buckets read the server's clock
// (WithClock), so a demo driven by a fake clock sees simulated dates; poll
// timeouts and Delay faults are real durations.
//
// All methods of Server are safe for concurrent use.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/clock"
)

// DefaultToken is the bot token a Server accepts unless WithToken says
// otherwise. The bot's user id is the number before the colon.
const DefaultToken = "7000000001:AAFakeTokenForNhacviecTests"

// DefaultBotUsername is the username getMe reports unless
// WithBotUsername says otherwise.
const DefaultBotUsername = "nhacviec_bot"

// DefaultMaxPollTimeout caps how long getUpdates holds a request unless
// WithMaxPollTimeout says otherwise. Telegram allows 50 seconds.
const DefaultMaxPollTimeout = 50 * time.Second

// maxUpload is the largest request body accepted: Telegram's 50 MB limit on
// files sent by bots, plus room for the other fields.
const maxUpload = 51 << 20

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token the server accepts. The token must look
// like Telegram's, "<bot id>:<secret>".
func WithToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// WithBotUsername sets the username getMe reports and bot commands may be
// addressed to ("/viec@nhacviec_bot").
func WithBotUsername(username string) Option {
	return func(s *Server) { s.username = username }
}

// WithMaxPollTimeout caps how long getUpdates holds a request, whatever
// timeout the client asks for: a short cap (200 ms) keeps tests fast while
// the client still long-polls.
func WithMaxPollTimeout(d time.Duration) Option {
	return func(s *Server) { s.maxPoll = d }
}

// WithClock sets the clock that dates messages and calls and refills the
// rate-limit buckets. The default is the wall clock.
func WithClock(c clock.Clock) Option {
	return func(s *Server) { s.clock = c }
}

// WithRateLimits makes the server answer 429 Too Many Requests, as
// Telegram does, when the bot sends messages (sendMessage, sendPhoto,
// sendDocument) faster than global per second in total or perChat per
// second to one chat; Telegram's limits are 30 and 1. Each limit is a token
// bucket holding one second's worth of messages (at least one), refilled by
// the server's clock. A zero or negative rate leaves that limit off.
// TooManyRequestsCount counts the 429 answers.
func WithRateLimits(global, perChat float64) Option {
	return func(s *Server) {
		if s.limits == nil {
			s.limits = &limiter{chats: make(map[int64]*bucket)}
		}
		s.limits.global, s.limits.perChat = global, perChat
	}
}

// WithGroupRateLimit makes the server answer 429 Too Many Requests, as
// Telegram does, when the bot sends a group chat (a negative chat id) more
// than perMinute messages a minute; Telegram's limit is 20. The limit is a
// token bucket holding one message, refilled by the server's clock: with
// 20 a minute, messages to one group must be 3 s apart. It applies with
// the limits of WithRateLimits, or alone.
func WithGroupRateLimit(perMinute float64) Option {
	return func(s *Server) {
		if s.limits == nil {
			s.limits = &limiter{chats: make(map[int64]*bucket)}
		}
		s.limits.group = perMinute / 60
		s.limits.groups = make(map[int64]*bucket)
	}
}

// Server is a fake Telegram Bot API server. Create it with New and stop it
// with Close.
type Server struct {
	// Fixed at New.
	token     string
	botID     int64
	username  string
	maxPoll   time.Duration
	clock     clock.Clock
	http      *httptest.Server
	closing   chan struct{} // closed by Close: held requests return at once
	closeOnce sync.Once

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever the state changes
	calls    []Call
	gen      int // counts Resets, so a call finishing after one is not misfiled
	sent     []SentMessage
	current  map[msgKey]*SentMessage    // the bot's messages as they are now
	messages map[msgKey]*models.Message // every message, as Telegram knows it
	lastMsg  map[int64]int64            // last message id per chat
	users    map[int64]models.User

	updates      []models.Update // not yet confirmed, ascending ids
	lastUpdateID int64
	confirmed    int64         // every update below this id is confirmed
	poller       chan struct{} // closed to end the getUpdates in progress
	webhook      string

	files    map[string]*File // by file id
	lastFile int
	queries  map[string]bool // callback query ids, true once answered
	lastQ    int
	answers  []CallbackAnswer
	commands []models.BotCommand

	failNext []failRule
	faultFn  func(Call) *Fault
	blocked  map[int64]bool
	limits   *limiter
	tooMany  int
}

// msgKey names a message: ids are unique only within a chat.
type msgKey struct {
	chatID, messageID int64
}

// New starts a Server on a free port of 127.0.0.1.
func New(opts ...Option) *Server {
	s := &Server{
		token:    DefaultToken,
		username: DefaultBotUsername,
		maxPoll:  DefaultMaxPollTimeout,
		clock:    clock.Real{},
		closing:  make(chan struct{}),
		changed:  make(chan struct{}),
		current:  make(map[msgKey]*SentMessage),
		messages: make(map[msgKey]*models.Message),
		lastMsg:  make(map[int64]int64),
		users:    make(map[int64]models.User),
		files:    make(map[string]*File),
		queries:  make(map[string]bool),
		blocked:  make(map[int64]bool),
	}
	for _, opt := range opts {
		opt(s)
	}
	id, _, _ := strings.Cut(s.token, ":")
	s.botID, _ = strconv.ParseInt(id, 10, 64)
	s.http = httptest.NewServer(s)
	return s
}

// URL returns the server's base URL, for bot.WithServerURL.
func (s *Server) URL() string { return s.http.URL }

// Token returns the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// BotUser returns the bot's own user, as getMe reports it.
func (s *Server) BotUser() models.User {
	return models.User{
		ID:            s.botID,
		IsBot:         true,
		FirstName:     "Nhắc việc",
		Username:      s.username,
		CanJoinGroups: true,
	}
}

// Close ends requests in progress (a held getUpdates answers []), then
// shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.http.Close()
}

// ServeHTTP answers a Bot API request. It is exported so the server can be
// mounted elsewhere; New already serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, &apiError{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/") // bot.UseTestEnvironment
	if token != s.token {
		writeError(w, &apiError{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}

	req, err := parseRequest(w, r)
	if err != nil {
		writeError(w, &apiError{Code: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	name, handle := s.lookup(method)
	if name == "" {
		name = method
	}
	call := Call{
		Method: name,
		Params: req.params,
		Files:  req.fileList(),
		ChatID: parseChatID(req.params["chat_id"]),
		Time:   s.clock.Now(),
	}
	gen, idx := s.record(call)

	result, apiErr := s.answer(r.Context(), call, handle, req)
	status := http.StatusOK
	if apiErr != nil {
		status = apiErr.Code
		if status == statusClientGone {
			status = 0
		}
	}
	// Record the status before answering: a test reading the log after the
	// client returns sees it.
	s.mu.Lock()
	if gen == s.gen {
		s.calls[idx].StatusCode = status
	}
	s.broadcast()
	s.mu.Unlock()
	switch {
	case status == 0:
	case apiErr != nil:
		writeError(w, apiErr)
	default:
		writeResult(w, result)
	}
}

// answer applies faults and rate limits to the call, then runs its method.
func (s *Server) answer(ctx context.Context, call Call, handle handlerFunc, req *request) (any, *apiError) {
	if f := s.faultFor(call); f != nil {
		if f.Kind != FaultDelay {
			return nil, s.faultError(f)
		}
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, clientGone()
		case <-s.closing:
			return nil, clientGone()
		}
	}
	if handle == nil {
		return nil, &apiError{Code: http.StatusNotFound, Description: "Not Found: method not found"}
	}
	if s.isBlocked(call) {
		return nil, &apiError{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
	}
	if isSend(call.Method) {
		if apiErr := s.limit(call.ChatID); apiErr != nil {
			return nil, apiErr
		}
	}
	return handle(ctx, req)
}

// handlerFunc answers one Bot API method.
type handlerFunc func(ctx context.Context, req *request) (any, *apiError)

// lookup returns the canonical name and the handler of a method, or "" and
// nil for a method the server does not know.
func (s *Server) lookup(method string) (string, handlerFunc) {
	switch strings.ToLower(method) {
	case "getme":
		return "getMe", s.getMe
	case "sendmessage":
		return "sendMessage", s.sendMessage
	case "sendphoto":
		return "sendPhoto", s.sendPhoto
	case "senddocument":
		return "sendDocument", s.sendDocument
	case "editmessagetext":
		return "editMessageText", s.editMessageText
	case "editmessagereplymarkup":
		return "editMessageReplyMarkup", s.editMessageReplyMarkup
	case "answercallbackquery":
		return "answerCallbackQuery", s.answerCallbackQuery
	case "getupdates":
		return "getUpdates", s.getUpdates
	case "setwebhook":
		return "setWebhook", s.setWebhook
	case "deletewebhook":
		return "deleteWebhook", s.deleteWebhook
	case "setmycommands":
		return "setMyCommands", s.setMyCommands
	case "getfile":
		return "getFile", s.getFile
	}
	return "", nil
}

// isSend reports whether method sends a new message, which Telegram rate
// limits and a user can block.
func isSend(method string) bool {
	switch method {
	case "sendMessage", "sendPhoto", "sendDocument":
		return true
	}
	return false
}

// isBlocked reports whether call sends to or edits in the chat of a user
// who blocked the bot.
func (s *Server) isBlocked(call Call) bool {
	switch call.Method {
	case "sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup":
	default:
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[call.ChatID]
}

// broadcast wakes everything waiting for a change of state. The caller
// holds s.mu.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// apiError is an unsuccessful Bot API answer.
type apiError struct {
	Code            int
	Description     string
	RetryAfter      int
	MigrateToChatID int64
	HTML            bool // answer an HTML page, as a proxy in front of Telegram does
}

// statusClientGone marks a request whose client went away or a server
// closing: nothing is answered.
const statusClientGone = 499

// clientGone returns the answer to a request nobody waits for any more.
func clientGone() *apiError {
	return &apiError{Code: statusClientGone, Description: "client closed request"}
}

// badRequest returns a 400 answer with Telegram's description.
func badRequest(format string, args ...any) *apiError {
	return &apiError{Code: http.StatusBadRequest, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// writeResult answers {"ok":true,"result":result}.
func writeResult(w http.ResponseWriter, result any) {
	body, err := json.Marshal(struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
	}{true, result})
	if err != nil {
		writeError(w, &apiError{Code: http.StatusInternalServerError, Description: "Internal Server Error: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// writeError answers the error e.
func writeError(w http.ResponseWriter, e *apiError) {
	if e.HTML {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(e.Code)
		fmt.Fprintf(w, "<html>\r\n<head><title>%[1]d %[2]s</title></head>\r\n<body>\r\n<center><h1>%[1]d %[2]s</h1></center>\r\n</body>\r\n</html>\r\n",
			e.Code, http.StatusText(e.Code))
		return
	}
	type parameters struct {
		RetryAfter      int   `json:"retry_after,omitempty"`
		MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	}
	answer := struct {
		OK          bool        `json:"ok"`
		ErrorCode   int         `json:"error_code"`
		Description string      `json:"description"`
		Parameters  *parameters `json:"parameters,omitempty"`
	}{ErrorCode: e.Code, Description: e.Description}
	if e.RetryAfter != 0 || e.MigrateToChatID != 0 {
		answer.Parameters = &parameters{RetryAfter: e.RetryAfter, MigrateToChatID: e.MigrateToChatID}
	}
	body, _ := json.Marshal(answer) // cannot fail: plain fields
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Code)
	w.Write(body)
}

// request holds the parameters of a Bot API call.
type request struct {
	params map[string]string
	files  map[string]*File // uploads by form field
	order  []string         // upload fields in arrival order
}

// fileList returns copies of the uploaded files in arrival order.
func (r *request) fileList() []File {
	var out []File
	for _, field := range r.order {
		out = append(out, *r.files[field])
	}
	return out
}

// parseRequest reads the parameters of r from its query string and its
// body: multipart/form-data, application/json or
// application/x-www-form-urlencoded.
func parseRequest(w http.ResponseWriter, r *http.Request) (*request, error) {
	req := &request{params: make(map[string]string), files: make(map[string]*File)}
	for k, v := range r.URL.Query() {
		req.params[k] = v[0]
	}
	if r.Body == nil {
		return req, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, fmt.Errorf("read multipart body: %w", err)
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break // the client sends an empty body for a call without parameters
			}
			if err != nil {
				return nil, fmt.Errorf("read multipart body: %w", err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, fmt.Errorf("read multipart field %s: %w", part.FormName(), err)
			}
			if part.FileName() != "" {
				req.files[part.FormName()] = &File{
					Field:       part.FormName(),
					Name:        part.FileName(),
					ContentType: part.Header.Get("Content-Type"),
					Data:        data,
				}
				req.order = append(req.order, part.FormName())
				continue
			}
			req.params[part.FormName()] = string(data)
		}
	case "application/json":
		var fields map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("decode JSON body: %w", err)
		}
		for k, raw := range fields {
			var str string
			switch {
			case string(raw) == "null":
				continue
			case json.Unmarshal(raw, &str) == nil:
				req.params[k] = str
			default:
				req.params[k] = string(raw)
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("read form body: %w", err)
		}
		for k, v := range r.PostForm {
			req.params[k] = v[0]
		}
	}
	return req, nil
}

// parseChatID returns the numeric chat id of a chat_id parameter, or 0 for
// a missing id or a channel username.
func parseChatID(s string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0
	}
	return id
}
