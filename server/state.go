package server

import (
	"fmt"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/bot"
)

// botState is what the server knows of one messenger bot (a Telegram bot,
// the Zalo bot): the cause of the last failed getMe of the start, whether
// the messenger refused the token (its messages then wait and the office
// is told), and the bot once getMe has answered.
type botState struct {
	what    string // the messenger's bot, for /healthz ("Telegram", "the Zalo platform")
	refusal string // what a refusal means and how to fix it, for /healthz; "" when the refusal says it

	mu      sync.Mutex
	ready   chan struct{} // closed once getMe answered
	bot     *bot.Bot
	name    string // the bot's name from getMe (a username, an account name)
	lastErr error
	failed  time.Time
	refused error // the messenger refused the token; nil while it does not
}

// newBotState returns the state of a bot not asked yet: what names the
// messenger, refusal says what a refused token means.
func newBotState(what, refusal string) *botState {
	return &botState{what: what, refusal: refusal, ready: make(chan struct{})}
}

// readyChan returns a channel closed once getMe has answered.
func (z *botState) readyChan() <-chan struct{} { return z.ready }

// fail records a failed getMe.
func (z *botState) fail(err error, at time.Time) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.lastErr, z.failed = err, at
}

// up records the bot built after getMe answered with the bot's name and
// wakes readyChan.
func (z *botState) up(b *bot.Bot, name string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.bot, z.name, z.lastErr = b, name, nil
	close(z.ready)
}

// refuse records that the messenger refused the token; it reports whether
// this is news (the first refusal since the last success).
func (z *botState) refuse(err error) bool {
	z.mu.Lock()
	defer z.mu.Unlock()
	news := z.refused == nil
	z.refused = err
	return news
}

// accepted clears a refusal once the token works again.
func (z *botState) accepted() {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.refused = nil
}

// isRefused reports whether the token stands refused.
func (z *botState) isRefused() bool {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.refused != nil
}

// currentBot returns the bot, nil before getMe answered.
func (z *botState) currentBot() *bot.Bot {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.bot
}

// username returns the bot's name from getMe, "" before it answered.
func (z *botState) username() string {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.name
}

// status reports whether the bot works, and if not why.
func (z *botState) status() (ready bool, cause error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.refused != nil {
		if z.refusal == "" {
			return false, z.refused
		}
		return false, fmt.Errorf("%s: %w", z.refusal, z.refused)
	}
	if z.bot != nil {
		return true, nil
	}
	if z.lastErr == nil {
		return false, fmt.Errorf("waiting for %s's first answer to getMe", z.what)
	}
	return false, fmt.Errorf("%w (since %s)", z.lastErr, z.failed.Format(time.RFC3339))
}
