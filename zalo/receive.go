package zalo

import (
	"context"
	"crypto/subtle"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/nhacviec/nhacviec/channel"
)

// SecretHeader is the header a webhook request carries the secret in.
const SecretHeader = "X-Bot-Api-Secret-Token"

// ReceiverConfig configures a Receiver; zero fields take the defaults.
type ReceiverConfig struct {
	// PollTimeout is getUpdates' long-poll timeout; default 30 s (the
	// platform's default).
	PollTimeout time.Duration
	// WebhookSecret is compared with the SecretHeader of webhook requests
	// (config zalo.webhook_secret); with none every request is refused.
	WebhookSecret string
	// MinBackoff and MaxBackoff bound the wait after a failed getUpdates
	// or handler (doubling from the one to the other); default 100 ms and
	// 5 s.
	MinBackoff, MaxBackoff time.Duration
}

// Receiver brings Zalo's events to a channel.Handler, by polling
// (Receive) or from a webhook (WebhookHandler). It implements
// channel.Receiver.
type Receiver struct {
	api   *Client
	chats Chats
	cfg   ReceiverConfig
	log   *slog.Logger
}

var _ channel.Receiver = (*Receiver)(nil)

// NewReceiver returns a Receiver polling through api (nil for a receiver
// that only serves the webhook) and mapping ids with chats.
func NewReceiver(api *Client, chats Chats, cfg ReceiverConfig, log *slog.Logger) *Receiver {
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = 5 * time.Second
		if cfg.MaxBackoff < cfg.MinBackoff {
			cfg.MaxBackoff = cfg.MinBackoff
		}
	}
	return &Receiver{api: api, chats: chats, cfg: cfg, log: log}
}

// Receive polls getUpdates until ctx is done, then returns nil; the
// platform advises it for development only. It deletes any webhook first
// (getUpdates is refused while one is set), and again after a 400.
//
// getUpdates has no offset: the platform forgets an event once it
// returned it, so an event is the receiver's alone from then on. Each one
// is converted (ToUpdate) and handed to h until h returns nil (its effects
// committed), with a growing wait between attempts (the bot gives an
// event up after its own number of failures, recording it); a process that
// stops between the answer and that commit loses the event, which is why
// production uses the webhook. A 408 is an empty poll; any other failure
// waits before the next poll, growing.
func (r *Receiver) Receive(ctx context.Context, h channel.Handler) error {
	if _, err := r.api.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		r.log.Warn("zalo: delete webhook before polling", "err", err)
	}
	var wait time.Duration
	for ctx.Err() == nil {
		ev, err := r.api.GetUpdates(ctx, r.cfg.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.log.Warn("zalo: getUpdates", "err", err)
			if IsCode(err, CodeBadRequest) {
				_, _ = r.api.DeleteWebhook(ctx)
			}
			r.backoff(ctx, &wait)
			continue
		}
		wait = 0
		if ev == nil {
			continue
		}
		r.handle(ctx, ev, h)
	}
	return nil
}

// handle hands ev to h until it succeeds or ctx ends.
func (r *Receiver) handle(ctx context.Context, ev *Event, h channel.Handler) {
	var wait time.Duration
	for ctx.Err() == nil {
		u, err := ToUpdate(ctx, ev, r.chats)
		if err == nil {
			err = h(ctx, u)
		}
		if err == nil {
			return
		}
		r.log.Warn("zalo: handle event", "event", ev.Name, "message_id", ev.MessageID(), "err", err)
		r.backoff(ctx, &wait)
	}
}

// backoff waits for *wait, growing it for next time (MinBackoff doubling
// up to MaxBackoff); it returns early when ctx ends.
func (r *Receiver) backoff(ctx context.Context, wait *time.Duration) {
	switch {
	case *wait == 0:
		*wait = r.cfg.MinBackoff
	case *wait < r.cfg.MaxBackoff:
		*wait = min(*wait*2, r.cfg.MaxBackoff)
	}
	t := time.NewTimer(*wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// maxWebhookBody bounds a webhook request's body.
const maxWebhookBody = 1 << 20

// WebhookHandler returns the handler the platform posts events to. It
// requires the SecretHeader to equal ReceiverConfig.WebhookSecret,
// compared in constant time (401 otherwise, and always with no secret
// configured: anyone could post forged events); decodes the event (400
// when it cannot), converts it and hands it to h synchronously; answers
// 200 only after h returned nil (its effects committed), 500 otherwise so
// that the platform posts it again. De-duplicating an event posted twice
// is h's: the update's ID is the event's message id, hashed (UpdateID).
func (r *Receiver) WebhookHandler(h channel.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := req.Header.Get(SecretHeader)
		if r.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(r.cfg.WebhookSecret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxWebhookBody))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		ev, err := ParseWebhook(body)
		if err != nil {
			r.log.Warn("zalo: webhook", "err", err)
			http.Error(w, "bad event", http.StatusBadRequest)
			return
		}
		u, err := ToUpdate(req.Context(), ev, r.chats)
		if err == nil {
			err = h(req.Context(), u)
		}
		if err != nil {
			r.log.Warn("zalo: webhook event not handled", "event", ev.Name, "message_id", ev.MessageID(), "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
}
