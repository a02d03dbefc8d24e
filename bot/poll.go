package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// allowedUpdates are the update kinds the bot asks Telegram for.
func allowedUpdates() []string {
	return []string{
		models.AllowedUpdateMessage,
		models.AllowedUpdateCallbackQuery,
		models.AllowedUpdateMyChatMember,
	}
}

// maxRetryWait caps the wait between attempts after an error.
const maxRetryWait = 5 * time.Second

// errConflict is Telegram's 409: a webhook is set, or another process
// polls with the same token.
var errConflict = errors.New("bot: getUpdates conflict (409)")

// Poll receives updates by long polling until ctx is done, then returns
// nil. It drives getUpdates itself rather than through go-telegram/bot's
// Start, which confirms an update to Telegram before its handler ran:
//
//   - it deletes any webhook first (polling while one is set fails);
//   - it resumes from the offset after the last update processed (see
//     store.UpdateOffset);
//   - each update is handled by HandleUpdate, and the offset moves past it
//     only once its transaction committed, so a crash or an error never
//     loses an update: Telegram sends it again and processed_updates makes
//     the second delivery a no-op when the first one did commit;
//   - an update that keeps failing is retried with a growing wait; after
//     BotConfig.MaxFailures failures it is recorded as processed with an
//     error reply, unless the database itself is down, in which case
//     polling keeps waiting for it.
func (b *Bot) Poll(ctx context.Context) error {
	if b.api != nil {
		if _, err := b.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil && ctx.Err() == nil {
			b.log.Warn("bot: delete webhook before polling", "err", err)
		}
	}
	var (
		offset int64
		wait   time.Duration
	)
	for {
		var err error
		offset, err = b.st.UpdateOffset(ctx, b.clk.Now())
		if err == nil {
			break
		}
		b.log.Error("bot: read update offset", "err", err)
		if !sleep(ctx, &wait) {
			return nil
		}
	}
	wait = 0
	for ctx.Err() == nil {
		updates, err := b.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			b.log.Warn("bot: getUpdates", "err", err)
			if errors.Is(err, errConflict) && b.api != nil {
				_, _ = b.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
			}
			sleep(ctx, &wait)
			continue
		}
		failed := false
		for _, u := range updates {
			if err := b.process(ctx, u); err != nil {
				// Do not confirm it: fetch it again after a pause.
				failed = true
				break
			}
			offset = u.ID + 1
		}
		if failed {
			sleep(ctx, &wait)
			continue
		}
		wait = 0
	}
	return nil
}

// sleep waits for *wait, growing it for next time (100 ms doubling up to
// maxRetryWait). It reports false when ctx ended first.
func sleep(ctx context.Context, wait *time.Duration) bool {
	switch {
	case *wait == 0:
		*wait = 100 * time.Millisecond
	case *wait < maxRetryWait:
		*wait *= 2
		if *wait > maxRetryWait {
			*wait = maxRetryWait
		}
	}
	t := time.NewTimer(*wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// getUpdatesResponse is the answer of getUpdates.
type getUpdatesResponse struct {
	OK          bool             `json:"ok"`
	Result      []*models.Update `json:"result"`
	ErrorCode   int              `json:"error_code"`
	Description string           `json:"description"`
}

// getUpdates long-polls Telegram for the updates from offset on.
func (b *Bot) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	timeout := int(b.cfg.PollTimeout / time.Second)
	if timeout < 1 {
		timeout = 1
	}
	body, err := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         timeout,
		"allowed_updates": allowedUpdates(),
	})
	if err != nil {
		return nil, fmt.Errorf("bot: getUpdates: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, b.cfg.PollTimeout+15*time.Second)
	defer cancel()
	url := strings.TrimRight(b.cfg.APIURL, "/") + "/bot" + b.api.Token() + "/getUpdates"
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("bot: getUpdates: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.cfg.HTTPClient.Do(req)
	if err != nil {
		// The URL holds the token: do not let it reach the logs.
		return nil, fmt.Errorf("bot: getUpdates: %s", strings.ReplaceAll(err.Error(), b.api.Token(), "***"))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("bot: getUpdates: read: %w", err)
	}
	var r getUpdatesResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("bot: getUpdates: decode (HTTP %d): %w", resp.StatusCode, err)
	}
	if !r.OK {
		if r.ErrorCode == http.StatusConflict {
			return nil, fmt.Errorf("%w: %s", errConflict, r.Description)
		}
		return nil, fmt.Errorf("bot: getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	return r.Result, nil
}

// SetWebhook asks Telegram to post updates to url with the configured
// secret token. Call it once when starting in webhook mode.
func (b *Bot) SetWebhook(ctx context.Context, url string) error {
	if b.cfg.WebhookSecret == "" {
		return errors.New("bot: set webhook: a webhook secret is required")
	}
	_, err := b.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL:            url,
		SecretToken:    b.cfg.WebhookSecret,
		AllowedUpdates: allowedUpdates(),
	})
	if err != nil {
		return fmt.Errorf("bot: set webhook: %w", err)
	}
	return nil
}

// WebhookHandler returns the handler Telegram posts updates to in webhook
// mode. It requires the X-Telegram-Bot-Api-Secret-Token header to equal
// BotConfig.WebhookSecret (401 otherwise; with no secret configured every
// request is refused, since anyone could otherwise post forged updates),
// processes the update synchronously and answers 200 only after its
// effects committed, 500 on failure so that Telegram sends it again.
func (b *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if b.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var upd models.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&upd); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if err := b.process(r.Context(), &upd); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
