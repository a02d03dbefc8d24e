package telegramtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/internal/waitfor"
	"github.com/nhacviec/nhacviec/tghtml"
)

// Call is one request the server received.
type Call struct {
	Method     string            // canonical method name, such as "sendMessage"
	Params     map[string]string // parameters; objects are JSON text
	Files      []File            // uploaded files, in the order they arrived
	ChatID     int64             // the numeric chat_id parameter, 0 when absent
	Time       time.Time         // the server clock when the call arrived
	StatusCode int               // HTTP status answered; 0 while in flight or when nobody waited
}

// File is a file uploaded by the bot or sent by a user.
type File struct {
	Field       string // form field of an upload ("photo", "document")
	Name        string // file name
	ContentType string // content type of the upload part, if any
	Data        []byte // the content; nil for a file given by URL
	ID          string // the file_id Telegram assigned
	Path        string // the file_path getFile reports
}

// Button is a button of an inline keyboard.
type Button struct {
	Text         string
	CallbackData string
	URL          string
}

// SentMessage is a message the bot sent with sendMessage, sendPhoto or
// sendDocument.
type SentMessage struct {
	Method              string     // "sendMessage", "sendPhoto" or "sendDocument"
	ChatID              int64      // the chat it went to
	MessageID           int64      // its id in that chat
	Text                string     // the text, or the caption of a photo or document, as sent (HTML included)
	ParseMode           string     // "HTML", "MarkdownV2", … or empty
	Buttons             [][]Button // the inline keyboard, row by row
	ReplyToMessageID    int64      // the message it replies to, 0 when none
	DisableNotification bool       // sent silently
	Photo               *File      // the photo of sendPhoto
	Document            *File      // the document of sendDocument
	Date                time.Time
	Edits               int // how many times the bot edited it (Message only)
}

// Plain returns the text as the reader sees it: tags removed and entities
// decoded when the message is HTML.
func (m SentMessage) Plain() string {
	if strings.EqualFold(m.ParseMode, string(models.ParseModeHTML)) {
		return tghtml.StripTags(m.Text)
	}
	return m.Text
}

// Button returns the first button of the message whose text contains
// text, such as "Hoàn thành".
func (m SentMessage) Button(text string) (Button, bool) {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, text) {
				return b, true
			}
		}
	}
	return Button{}, false
}

// CallbackAnswer is the bot's answer to a button press.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	URL       string
}

// record appends call to the log and returns where it is, so the status
// can be filled in once answered.
func (s *Server) record(call Call) (gen, idx int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
	s.broadcast()
	return s.gen, len(s.calls) - 1
}

// Calls returns how many calls of method (case-insensitive) the server
// received, answered or not; an empty method counts every call.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			n++
		}
	}
	return n
}

// CallLog returns every call received since New or the last Reset, in
// arrival order.
func (s *Server) CallLog() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		c.Params = maps.Clone(c.Params)
		c.Files = slices.Clone(c.Files)
		out[i] = c
	}
	return out
}

// Sent returns the messages the bot sent successfully, in order, as they
// were sent (edits show in Message).
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// SentCount is len(Sent()) without the copy: a benchmark polling for its
// last message calls it often.
func (s *Server) SentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// SentTo returns the messages the bot sent successfully to chatID, in
// order.
func (s *Server) SentTo(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SentMessage
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Message returns the bot's message messageID in chatID as it is now,
// after the bot's edits.
func (s *Server) Message(chatID, messageID int64) (SentMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.current[msgKey{chatID, messageID}]
	if !ok {
		return SentMessage{}, false
	}
	return *m, true
}

// CallbackAnswers returns the bot's answers to button presses, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// Commands returns the command list of the last setMyCommands.
func (s *Server) Commands() []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands)
}

// Webhook returns the webhook URL set by setWebhook, empty when none is.
func (s *Server) Webhook() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// TooManyRequestsCount returns how many calls were answered 429 Too Many
// Requests, by the rate limits or by injected faults.
func (s *Server) TooManyRequestsCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// Reset forgets the calls, sent messages, callback answers and 429 count
// recorded so far and removes pending faults (FailNext and SetFault). It
// keeps what Telegram would keep: message ids keep counting, sent messages
// can still be replied to, pending updates stay, blocked chats stay
// blocked.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.gen++
	s.sent = nil
	s.answers = nil
	s.tooMany = 0
	s.failNext = nil
	s.faultFn = nil
	s.broadcast()
}

// WaitFor waits until cond returns true, checking it at once and after
// every change of the server's state (a call, a sent message, an update),
// without the server's lock. It fails t after waitfor.Timeout, naming what
// it waited for and what the server saw: the messages sent and the last
// calls.
func (s *Server) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	waitfor.Until(t, what, s.changes, func() (bool, string) {
		if cond() {
			return true, ""
		}
		return false, s.describe()
	})
}

// WaitProcessed waits until the bot has confirmed update updateID (see
// Confirmed), failing t as WaitFor does.
func (s *Server) WaitProcessed(t testing.TB, updateID int64) {
	t.Helper()
	s.WaitFor(t, fmt.Sprintf("the bot to confirm update %d", updateID), func() bool { return s.Confirmed(updateID) })
}

// WaitSentTo waits until chatID has received at least n messages and
// returns them, failing t as WaitFor does.
func (s *Server) WaitSentTo(t testing.TB, chatID int64, n int) []SentMessage {
	t.Helper()
	s.WaitFor(t, fmt.Sprintf("%d messages to chat %d", n, chatID), func() bool { return len(s.SentTo(chatID)) >= n })
	return s.SentTo(chatID)
}

// changes returns the channel closed at the next change of state.
func (s *Server) changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// describe summarizes, for a failure message, the messages sent and the
// last calls received.
func (s *Server) describe() string {
	const lastCalls = 10
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%d messages sent:\n", len(s.sent))
	for _, m := range s.sent {
		text := []rune(m.Plain())
		if len(text) > 80 {
			text = append(text[:80], '…')
		}
		fmt.Fprintf(&b, "  %s to %d (#%d): %q\n", m.Method, m.ChatID, m.MessageID, string(text))
	}
	calls := s.calls
	if len(calls) > lastCalls {
		fmt.Fprintf(&b, "last %d of %d calls:\n", lastCalls, len(calls))
		calls = calls[len(calls)-lastCalls:]
	} else {
		fmt.Fprintf(&b, "%d calls:\n", len(calls))
	}
	for _, c := range calls {
		fmt.Fprintf(&b, "  %s chat=%d status=%d\n", c.Method, c.ChatID, c.StatusCode)
	}
	fmt.Fprintf(&b, "%d updates unconfirmed", len(s.updates))
	return b.String()
}

// WaitUntil blocks until cond returns true or ctx ends. cond is checked at
// once and again after every change of the server's state (a call, a sent
// message, an update); it runs without the server's lock, so it may call
// the server's methods.
func (s *Server) WaitUntil(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("telegramtest: wait: %w", ctx.Err())
		}
	}
}

// WaitSent blocks until the bot has sent at least n messages since New or
// the last Reset, or ctx ends.
func (s *Server) WaitSent(ctx context.Context, n int) error {
	err := s.WaitUntil(ctx, func() bool { return len(s.Sent()) >= n })
	if err != nil {
		return fmt.Errorf("telegramtest: %d of %d messages sent: %w", len(s.Sent()), n, err)
	}
	return nil
}
