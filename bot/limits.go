package bot

import (
	"time"

	"github.com/nhacviec/nhacviec/ratelimit"
	"github.com/nhacviec/nhacviec/store"
)

// Limits bound what inbound chatter may cost (config section "limits").
// Zero fields take the documented defaults.
//
// Every limit on a chat is decided in the database (table chat_limits, row
// locked by the update's transaction), so several serve processes sharing
// one database enforce one limit. An update a limit stops is still
// recorded as processed (Telegram never sends it again); it only gets no
// answer.
type Limits struct {
	// ChatBurst is how many messages a linked chat may send at once before
	// it is throttled (limits.chat_burst); default 10.
	ChatBurst int
	// ChatEvery is how often a throttled chat regains one message
	// (limits.chat_every); default 3 s.
	ChatEvery time.Duration
	// UnlinkedEvery is how often an unlinked chat is answered at most
	// (limits.unlinked_every); default 5 min. /start with a code is always
	// handled (linking is never throttled) unless its sender is locked out
	// by wrong codes (BotConfig.InviteAttempts).
	UnlinkedEvery time.Duration
	// NoticeEvery is how often a throttled chat is told to slow down at
	// most (limits.notice_every); default 1 min.
	NoticeEvery time.Duration
	// AnswerCache is how long the compiled answers of /tonghop,
	// /chuabaocao and /quahan are reused for a unit (limits.answer_cache);
	// default 1 min.
	AnswerCache time.Duration
}

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	if l.ChatBurst <= 0 {
		l.ChatBurst = 10
	}
	if l.ChatEvery <= 0 {
		l.ChatEvery = 3 * time.Second
	}
	if l.UnlinkedEvery <= 0 {
		l.UnlinkedEvery = 5 * time.Minute
	}
	if l.NoticeEvery <= 0 {
		l.NoticeEvery = time.Minute
	}
	if l.AnswerCache <= 0 {
		l.AnswerCache = time.Minute
	}
	return l
}

// chatLimit is the token bucket of a linked chat.
func (l Limits) chatLimit() ratelimit.Limit {
	return ratelimit.Limit{Burst: l.ChatBurst, Every: l.ChatEvery}
}

// admission is what the limits let a message do.
type admission int

const (
	// admitted: handled and answered as usual.
	admitted admission = iota
	// dropped: recorded as processed, not handled, not answered.
	dropped
	// quiet: handled (a progress report or reading is recorded) but its
	// answers are not sent.
	quiet
)

// admit applies the inbound limits to the message being handled, in its
// transaction, after identify. It returns what the message may do and
// whether the chat is due a "slow down" notice.
//
// Which messages are limited, and how:
//
//   - button presses and membership changes are not: a press's answer is
//     ephemeral (not an outbox message), and a press that changes nothing
//     (the same button again) sends nothing;
//   - /start with a code is always handled, so that linking is never
//     throttled away (guessing is bounded by InviteAttempts), except when
//     its sender is locked out by wrong codes: then it is unlinked chatter;
//   - anything else from a chat no official is linked to (or from a
//     stranger in a linked group) is answered at most once per
//     UnlinkedEvery;
//   - every other message of a linked official takes a token from the
//     chat's bucket. Over the limit, a command is dropped, while a reply
//     (progress, evidence) or the next answer of /baocao is still recorded
//     but not confirmed: real work is never lost, only its echo. Either way
//     the chat is told to slow down at most once per NoticeEvery.
func (t *turn) admit() (admission, bool, error) {
	m := t.upd
	if !isMessage(m) {
		return admitted, false, nil
	}
	lim := t.b.cfg.Limits
	name, args, isCommand := t.command(m.Text)
	if isCommand && name == "" {
		return admitted, false, nil // for another bot: never answered
	}
	if isCommand && name == "start" && args != "" {
		locked, err := t.lockedOut()
		if err != nil || !locked {
			return admitted, false, err
		}
		return t.admitUnlinked()
	}
	if t.official == nil {
		return t.admitUnlinked()
	}
	l, err := store.LockChatLimit(t.ctx, t.tx, t.chatID, float64(lim.ChatBurst), t.now)
	if err != nil {
		return admitted, false, err
	}
	bucket, ok := lim.chatLimit().Take(ratelimit.Bucket{Tokens: l.Tokens, At: l.TokensAt}, t.now)
	l.Tokens, l.TokensAt = bucket.Tokens, bucket.At
	how := admitted
	notice := false
	if !ok {
		how = quiet
		if isCommand {
			how = dropped
		}
		if due(l.NoticedAt, t.now, lim.NoticeEvery) {
			notice = true
			now := t.now
			l.NoticedAt = &now
		}
	}
	return how, notice, store.SaveChatLimit(t.ctx, t.tx, l)
}

// admitUnlinked answers an unlinked chat at most once per UnlinkedEvery.
func (t *turn) admitUnlinked() (admission, bool, error) {
	lim := t.b.cfg.Limits
	l, err := store.LockChatLimit(t.ctx, t.tx, t.chatID, float64(lim.ChatBurst), t.now)
	if err != nil {
		return admitted, false, err
	}
	if !due(l.AnsweredAt, t.now, lim.UnlinkedEvery) {
		return dropped, false, nil
	}
	now := t.now
	l.AnsweredAt = &now
	return admitted, false, store.SaveChatLimit(t.ctx, t.tx, l)
}

// lockedOut reports whether the sender is refused every invite code for
// now (the rule of onStart).
func (t *turn) lockedOut() (bool, error) {
	failures, err := store.LinkFailures(t.ctx, t.tx, t.userID, t.now.Add(-t.b.cfg.InviteWindow))
	if err != nil {
		return false, err
	}
	return failures >= t.b.cfg.InviteAttempts, nil
}

// due reports whether something last done at last (nil: never) may be
// done again at now, every apart. A last instant after now (another
// replica's clock ahead) counts as now.
func due(last *time.Time, now time.Time, every time.Duration) bool {
	return last == nil || now.Sub(*last) >= every
}

// slowDown tells the chat that it is throttled, bypassing quiet mode.
func (t *turn) slowDown() error {
	t.silenced = false
	return t.say("bot.slow_down")
}
