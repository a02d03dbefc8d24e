// Package channel says what the product needs of a messenger, so that jobs
// and the bot's logic never name one: a channel sends an outbox row's
// payload to an address, receives what people write as Updates, links a
// person to an address with an invite code, and declares its limits (the
// longest text, whether it has buttons, documents and replies, and how
// fast it may send).
//
// Telegram is the first implementation; e-mail is a send-only channel. A
// second messenger is added by implementing Sender and Receiver and
// declaring its Limits; the delivery worker, the jobs and the bot's
// conversation stay as they are.
package channel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/store"
)

// Name identifies a channel. It is stored in the outbox's channel column.
type Name string

// The channels the product speaks, as the store names them.
const (
	Telegram Name = store.ChannelTelegram
	Email    Name = store.ChannelEmail
	Zalo     Name = store.ChannelZalo
)

// Limits are what a channel carries and how fast it may send. The message
// package splits text at MaxText; the delivery worker paces sends by
// PerSecond, ChatEvery and GroupEvery.
type Limits struct {
	MaxText    int           // longest message text, in characters
	MaxCaption int           // longest caption of a photo or document, in characters
	HTML       bool          // text is Telegram HTML; otherwise plain text
	Buttons    bool          // inline buttons under a message
	Photos     bool          // photos sent as files
	Documents  bool          // documents (workbooks, reports) sent as files
	Replies    bool          // a message may reply to an earlier one
	PerSecond  float64       // messages a second across all chats, 0 for no limit
	ChatEvery  time.Duration // least gap between two messages to one private chat
	GroupEvery time.Duration // least gap between two messages to one group chat
}

// Receipt is what a channel answers for a message it accepted.
type Receipt struct {
	// MessageID is the channel's id of the message a reply to it maps back
	// to (the one carrying the text and buttons); 0 when it has none.
	MessageID int64
}

// Sender delivers outbox payloads over one channel.
type Sender interface {
	// Channel names the channel.
	Channel() Name
	// Limits are the channel's limits.
	Limits() Limits
	// Send delivers p to chat, the channel's id of the chat (a channel
	// whose ids are not integers keeps a surrogate id in the store). Its error is one of this package's kinds
	// (RetryAfterError, MigratedError, ErrUnreachable, ErrRejected,
	// ErrUnauthorized) or any other error for a transient failure.
	Send(ctx context.Context, chat int64, p store.Payload) (Receipt, error)
	// Probe reports whether the channel as a whole answers (Telegram's
	// getMe): a failed send followed by a failed probe means the channel
	// is down, not the message.
	Probe(ctx context.Context) error
}

// Update is one thing a person did on a channel, in the channel's neutral
// form: a message (text, a file) or a button press, or a change of the
// bot's membership of a chat.
type Update struct {
	Channel Name
	// ID is the channel's id of the update, unique per channel; updates
	// are de-duplicated by it.
	ID int64

	ChatID      int64
	PrivateChat bool
	// UserID is the person who acted; 0 when no person did (a channel
	// post, another bot): such an update is recorded and ignored.
	UserID   int64
	Username string

	// MessageID is the id of the person's message; ReplyTo the id of the
	// bot's message it replies to (0 for none).
	MessageID int64
	ReplyTo   int64
	Text      string
	// File is the channel's id of a document or photo sent as evidence,
	// FileKind "document" or "photo".
	File     string
	FileKind string

	// Callback is set for a button press: the button's data and the id to
	// answer it with.
	Callback   string
	CallbackID string

	// Membership is set when the bot was added to or removed from a chat:
	// "member" or "left"/"kicked".
	Membership string
	// MigratedTo is the new chat id when a group became a supergroup.
	MigratedTo int64

	// Caption is the text under a file; a reply that carries evidence
	// reads its progress from Text, else from Caption.
	Caption string
	// ReplyToSent is when the message replied to was sent, when it is one
	// of the bot's own messages (zero otherwise): a reply to a message
	// older than the outbox keeps is told so.
	ReplyToSent time.Time
}

// Answerer answers a button press with a short text shown to the person
// who pressed it (Telegram's answerCallbackQuery). The answer is
// ephemeral, so it is sent directly after the update committed, not
// through the outbox.
type Answerer interface {
	AnswerButton(ctx context.Context, callbackID, text string) error
}

// Handler processes one update; it returns only after the update's
// effects committed, so that a receiver may acknowledge it.
type Handler func(ctx context.Context, u Update) error

// Receiver brings a channel's updates to a Handler, by polling or from a
// webhook, until ctx ends.
type Receiver interface {
	Receive(ctx context.Context, h Handler) error
}

// Linker tells a person how to link their chat with an invite code.
type Linker interface {
	// InviteLink is a link that opens the bot with the code filled in, or
	// "" when the channel has none (the person then types the code).
	InviteLink(code string) string
}

// ErrUnreachable means the person blocked the bot or left the chat: the
// message and its chat are given up until they link again.
var ErrUnreachable = errors.New("channel: chat unreachable")

// ErrRejected means the channel refused the message itself (a bad
// request): retrying cannot help.
var ErrRejected = errors.New("channel: message rejected")

// ErrUnauthorized means the channel refused the bot's credentials: the
// channel stops sending until they are fixed.
var ErrUnauthorized = errors.New("channel: unauthorized")

// RetryAfterError means the channel asked to slow down for one chat.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("channel: retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// MigratedError means the chat moved to a new id (a Telegram group became
// a supergroup): the message is sent again there.
type MigratedError struct {
	To  int64
	Err error
}

func (e *MigratedError) Error() string {
	return fmt.Sprintf("channel: chat migrated to %d: %v", e.To, e.Err)
}

func (e *MigratedError) Unwrap() error { return e.Err }
