package zalotest

import (
	"math"
	"time"
)

// WithRateLimit makes the server answer 429 "Quota exceeded", as the
// platform does past its quota, to a message (sendMessage or sendPhoto)
// beyond perSecond messages a second across all chats, or sent to a chat
// less than perChatEvery after the last message it accepted for that
// chat. The platform documents the 429 but not its rate: these are the
// rates the product is configured to keep (zalo.rate_per_second, 5 by
// default, and a second per chat), so that a test or a benchmark sees
// every message the sender sends too fast. The global limit is a token
// bucket holding one second's worth of messages (at least one), full at
// the start; a refused message takes no token. Time is the server's clock
// (WithClock). A zero or negative value turns its limit off.
func WithRateLimit(perSecond float64, perChatEvery time.Duration) Option {
	return func(s *Server) {
		s.limits = &limiter{perSecond: perSecond, chatEvery: perChatEvery, last: make(map[string]time.Time)}
	}
}

// limiter holds the state of WithRateLimit.
type limiter struct {
	perSecond float64
	chatEvery time.Duration

	tokens float64
	at     time.Time // when tokens was last refilled; zero before the first message
	last   map[string]time.Time
}

// TooManyRequestsCount returns how many calls were answered 429, by the
// rate limit or by an injected fault.
func (s *Server) TooManyRequestsCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// countTooMany counts one 429 answered.
func (s *Server) countTooMany() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tooMany++
}

// limit applies WithRateLimit to a call of method to chatID: nil lets it
// through (and takes its token), else the 429 to answer.
func (s *Server) limit(method, chatID string) *apiError {
	if method != "sendMessage" && method != "sendPhoto" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limits
	if l == nil {
		return nil
	}
	now := s.clk.Now()
	ok := true
	if l.perSecond > 0 {
		capacity := math.Max(1, l.perSecond)
		if l.at.IsZero() {
			l.tokens, l.at = capacity, now
		}
		if now.After(l.at) {
			l.tokens = math.Min(capacity, l.tokens+now.Sub(l.at).Seconds()*l.perSecond)
			l.at = now
		}
		ok = l.tokens >= 1
	}
	if l.chatEvery > 0 {
		if t, seen := l.last[chatID]; seen && now.Sub(t) < l.chatEvery {
			ok = false
		}
	}
	if !ok {
		s.tooMany++
		return &apiError{429, TooManyRequests().Description}
	}
	if l.perSecond > 0 {
		l.tokens--
	}
	if l.chatEvery > 0 {
		l.last[chatID] = now
	}
	return nil
}

// SetFault makes fn decide the fault of every call that FailNext does not
// fail: nil lets the call through. fn runs without the server's lock,
// concurrently for concurrent calls; SetFault(nil) removes it. A test can
// fail one chat, or every message for a while:
//
//	srv.SetFault(func(c zalotest.Call) *zalotest.Fault {
//		if c.Method != "sendMessage" || time.Now().After(healAt) {
//			return nil
//		}
//		f := zalotest.RequestTimeout()
//		return &f
//	})
func (s *Server) SetFault(fn func(Call) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultFn = fn
}

// decideFault asks the function of SetFault about call.
func (s *Server) decideFault(call Call) (Fault, bool) {
	s.mu.Lock()
	fn := s.faultFn
	s.mu.Unlock()
	if fn == nil {
		return Fault{}, false
	}
	if f := fn(call); f != nil {
		return *f, true
	}
	return Fault{}, false
}
