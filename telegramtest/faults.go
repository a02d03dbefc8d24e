package telegramtest

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

// FaultKind says how a faulty call fails.
type FaultKind int

// The faults a Server can inject.
const (
	// FaultTooManyRequests answers 429 with parameters.retry_after; the
	// client returns *bot.TooManyRequestsError.
	FaultTooManyRequests FaultKind = iota + 1
	// FaultForbidden answers 403 "Forbidden: bot was blocked by the user";
	// the client returns an error wrapping bot.ErrorForbidden.
	FaultForbidden
	// FaultServerError answers a 5xx: 500 as Telegram's JSON error, 502,
	// 503 and 504 as the HTML page of the proxy in front of Telegram (the
	// client then fails to decode the body).
	FaultServerError
	// FaultDelay waits before answering the call normally, or until the
	// client gives up: a client timeout.
	FaultDelay
	// FaultMigrateToChat answers 400 "group chat was upgraded to a
	// supergroup chat" with parameters.migrate_to_chat_id; the client
	// returns *bot.MigrateError.
	FaultMigrateToChat
	// FaultBadRequest answers 400 with the fault's description; the client
	// returns an error wrapping bot.ErrorBadRequest.
	FaultBadRequest
)

// Fault is a failure injected into a call. Build one with TooManyRequests,
// Forbidden, ServerError, Delay, MigrateToChat or BadRequest.
type Fault struct {
	Kind            FaultKind
	RetryAfter      int           // seconds, for FaultTooManyRequests
	StatusCode      int           // HTTP status, for FaultServerError
	Delay           time.Duration // for FaultDelay
	MigrateToChatID int64         // the supergroup's id, for FaultMigrateToChat
	Description     string        // replaces Telegram's description when not empty
}

// TooManyRequests returns a fault answering 429 Too Many Requests with
// retry_after seconds.
func TooManyRequests(retryAfter int) Fault {
	return Fault{Kind: FaultTooManyRequests, RetryAfter: retryAfter}
}

// Forbidden returns a fault answering 403: the user blocked the bot.
func Forbidden() Fault {
	return Fault{Kind: FaultForbidden}
}

// ServerError returns a fault answering the 5xx status (500 when status is
// 0).
func ServerError(status int) Fault {
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return Fault{Kind: FaultServerError, StatusCode: status}
}

// Delay returns a fault holding the call for d before answering it
// normally; a client with a shorter timeout sees its context expire.
func Delay(d time.Duration) Fault {
	return Fault{Kind: FaultDelay, Delay: d}
}

// MigrateToChat returns a fault answering that the group was upgraded to
// the supergroup newChatID.
func MigrateToChat(newChatID int64) Fault {
	return Fault{Kind: FaultMigrateToChat, MigrateToChatID: newChatID}
}

// BadRequest returns a fault answering 400 "Bad Request: description".
func BadRequest(description string) Fault {
	return Fault{Kind: FaultBadRequest, Description: "Bad Request: " + description}
}

// failRule is a FailNext in progress.
type failRule struct {
	method string // canonical or any case; empty matches every method
	left   int
	fault  Fault
}

// FailNext makes the next n calls of method (case-insensitive; empty for
// any method) fail with f, before the method runs. Rules apply in the
// order they were added, each to its own n calls.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > 0 {
		s.failNext = append(s.failNext, failRule{method: method, left: n, fault: f})
	}
}

// SetFault makes fn decide the fault of every call, after FailNext rules:
// return nil to let the call through. fn runs without the server's lock,
// concurrently for concurrent calls; nil removes it. A test can fail one
// chat: func(c Call) *Fault { if c.ChatID == 42 { f := Forbidden(); return &f }; return nil }.
func (s *Server) SetFault(fn func(call Call) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultFn = fn
}

// faultFor returns the fault to inject into call, or nil.
func (s *Server) faultFor(call Call) *Fault {
	s.mu.Lock()
	for i := range s.failNext {
		r := &s.failNext[i]
		if r.method == "" || strings.EqualFold(r.method, call.Method) {
			f := r.fault
			r.left--
			if r.left == 0 {
				s.failNext = append(s.failNext[:i], s.failNext[i+1:]...)
			}
			s.mu.Unlock()
			return &f
		}
	}
	fn := s.faultFn
	s.mu.Unlock()
	if fn == nil {
		return nil
	}
	return fn(call)
}

// faultError returns the answer of the fault f.
func (s *Server) faultError(f *Fault) *apiError {
	var e *apiError
	switch f.Kind {
	case FaultTooManyRequests:
		e = &apiError{
			Code:        http.StatusTooManyRequests,
			Description: fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter),
			RetryAfter:  f.RetryAfter,
		}
		s.mu.Lock()
		s.tooMany++
		s.mu.Unlock()
	case FaultForbidden:
		e = &apiError{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
	case FaultServerError:
		e = &apiError{Code: f.StatusCode, Description: "Internal Server Error", HTML: f.StatusCode != http.StatusInternalServerError}
	case FaultMigrateToChat:
		e = &apiError{
			Code:            http.StatusBadRequest,
			Description:     "Bad Request: group chat was upgraded to a supergroup chat",
			MigrateToChatID: f.MigrateToChatID,
		}
	case FaultBadRequest:
		e = &apiError{Code: http.StatusBadRequest, Description: "Bad Request"}
	default:
		e = &apiError{Code: http.StatusInternalServerError, Description: fmt.Sprintf("Internal Server Error: unknown fault kind %d", f.Kind)}
	}
	if f.Description != "" {
		e.Description = f.Description
	}
	return e
}

// limiter holds the token buckets of WithRateLimits.
type limiter struct {
	global, perChat float64 // messages per second; 0 or less is no limit
	group           float64 // messages per second to one group chat (WithGroupRateLimit)
	all             bucket
	chats           map[int64]*bucket
	groups          map[int64]*bucket
}

// bucket is a token bucket holding one second's worth of tokens.
type bucket struct {
	tokens float64
	last   time.Time
	primed bool // false until first used: a new bucket starts full
}

// refill adds the tokens earned since the bucket was last used, at rate
// per second, up to its capacity, and returns the capacity.
func (b *bucket) refill(now time.Time, rate float64) float64 {
	capacity := math.Max(1, rate)
	if !b.primed {
		b.tokens, b.last, b.primed = capacity, now, true
	}
	if now.After(b.last) {
		b.tokens = math.Min(capacity, b.tokens+now.Sub(b.last).Seconds()*rate)
		b.last = now
	}
	return capacity
}

// wait returns how long until the bucket holds a whole token.
func (b *bucket) wait(rate float64) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

// limit takes a token for a message to chatID from the global and the
// chat's bucket, or answers 429 with the seconds until both have one. A
// refused message takes no token.
func (s *Server) limit(chatID int64) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limits
	if l == nil {
		return nil
	}
	now := s.clock.Now()
	var wait time.Duration
	if l.global > 0 {
		l.all.refill(now, l.global)
		wait = max(wait, l.all.wait(l.global))
	}
	var chat *bucket
	if l.perChat > 0 {
		chat = l.chats[chatID]
		if chat == nil {
			chat = &bucket{}
			l.chats[chatID] = chat
		}
		chat.refill(now, l.perChat)
		wait = max(wait, chat.wait(l.perChat))
	}
	var group *bucket
	if l.group > 0 && chatID < 0 {
		group = l.groups[chatID]
		if group == nil {
			group = &bucket{}
			l.groups[chatID] = group
		}
		group.refill(now, l.group)
		wait = max(wait, group.wait(l.group))
	}
	if wait > 0 {
		s.tooMany++
		retry := int(math.Ceil(wait.Seconds()))
		return &apiError{
			Code:        http.StatusTooManyRequests,
			Description: fmt.Sprintf("Too Many Requests: retry after %d", retry),
			RetryAfter:  retry,
		}
	}
	if l.global > 0 {
		l.all.tokens--
	}
	if chat != nil {
		chat.tokens--
	}
	if group != nil {
		group.tokens--
	}
	return nil
}
