// Package telegram is the first channel: Telegram through the Bot API
// (the go-telegram/bot client). It is the only package that knows
// Telegram's wire forms; the jobs and the bot's logic see channel.Update
// and outbox payloads.
//
// receive.go brings updates: the getUpdates long-polling loop and the
// webhook handler (Receiver), the conversion of a Telegram update into a
// channel.Update (ToUpdate), the answer to a button press (Answerer) and
// the t.me deep link that carries an invite code (Linker). An update is
// confirmed to Telegram (the next getUpdates offset, or the webhook's
// 200) only after the handler's transaction committed.
//
// sender.go sends: it delivers outbox payloads (messages, photos,
// documents) and maps Telegram's errors onto the channel's kinds.
package telegram
