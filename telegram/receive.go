package telegram

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
)

// ReceiverConfig configures a Receiver. Zero fields take the documented
// defaults.
type ReceiverConfig struct {
	// APIURL is the Bot API server polled for updates (config
	// telegram.api_url); default https://api.telegram.org.
	APIURL string
	// PollTimeout is the long-poll timeout of getUpdates; default 50 s.
	PollTimeout time.Duration
	// WebhookSecret is compared with the X-Telegram-Bot-Api-Secret-Token
	// header of webhook requests (config telegram.webhook_secret); with
	// none every webhook request is refused.
	WebhookSecret string
	// HTTPClient makes the getUpdates requests; default a client with no
	// timeout beyond the request's context.
	HTTPClient *http.Client
}

// withDefaults fills zero fields.
func (c ReceiverConfig) withDefaults() ReceiverConfig {
	if c.APIURL == "" {
		c.APIURL = "https://api.telegram.org"
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = 50 * time.Second
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	return c
}

// Offsets tells where polling resumes: one more than the largest update id
// already processed (store.Store.UpdateOffset).
type Offsets interface {
	UpdateOffset(ctx context.Context, now time.Time) (int64, error)
}

// Receiver brings Telegram's updates to a channel.Handler, by long polling
// (Receive) or from a webhook (WebhookHandler). It implements
// channel.Receiver.
type Receiver struct {
	api     *tgbot.Bot
	offsets Offsets
	cfg     ReceiverConfig
	clk     clock.Clock
	log     *slog.Logger
}

// NewReceiver returns a Receiver calling Telegram through api (getUpdates,
// deleteWebhook, setWebhook) and resuming polling from offsets. api may be
// nil for a receiver that only serves the webhook handler.
func NewReceiver(api *tgbot.Bot, offsets Offsets, cfg ReceiverConfig, clk clock.Clock, log *slog.Logger) *Receiver {
	return &Receiver{api: api, offsets: offsets, cfg: cfg.withDefaults(), clk: clk, log: log}
}

// What this file implements of package channel.
var (
	_ channel.Receiver = (*Receiver)(nil)
	_ channel.Answerer = (*Answerer)(nil)
	_ channel.Linker   = Linker{}
)

// allowedUpdates are the update kinds the bot asks Telegram for.
func allowedUpdates() []string {
	return []string{
		models.AllowedUpdateMessage,
		models.AllowedUpdateCallbackQuery,
		models.AllowedUpdateMyChatMember,
	}
}

// maxPollRetryWait caps the wait between attempts after an error.
const maxPollRetryWait = 5 * time.Second

// errConflict is Telegram's 409: a webhook is set, or another process
// polls with the same token.
var errConflict = errors.New("telegram: getUpdates conflict (409)")

// Receive receives updates by long polling until ctx is done, then returns
// nil. It drives getUpdates itself rather than through go-telegram/bot's
// Start, which confirms an update to Telegram before its handler ran:
//
//   - it deletes any webhook first (polling while one is set fails);
//   - it resumes from the offset after the last update processed (see
//     store.Store.UpdateOffset);
//   - each update is converted (ToUpdate) and handled by h, and the offset
//     moves past it only once h returned nil, that is once its
//     transaction committed, so a crash or an error never loses an
//     update: Telegram sends it again and the handler's de-duplication
//     makes the second delivery a no-op when the first one did commit;
//   - an update that keeps failing is fetched again after a growing wait
//     (the handler gives it up after its own number of failures, unless
//     the database itself is down, in which case polling keeps waiting).
func (r *Receiver) Receive(ctx context.Context, h channel.Handler) error {
	if r.api != nil {
		if _, err := r.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil && ctx.Err() == nil {
			r.log.Warn("telegram: delete webhook before polling", "err", err)
		}
	}
	var (
		offset int64
		wait   time.Duration
	)
	for {
		var err error
		offset, err = r.offsets.UpdateOffset(ctx, r.clk.Now())
		if err == nil {
			break
		}
		r.log.Error("telegram: read update offset", "err", err)
		if !pollRetryWait(ctx, &wait) {
			return nil
		}
	}
	wait = 0
	for ctx.Err() == nil {
		updates, err := r.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.log.Warn("telegram: getUpdates", "err", err)
			if errors.Is(err, errConflict) && r.api != nil {
				_, _ = r.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
			}
			pollRetryWait(ctx, &wait)
			continue
		}
		failed := false
		for _, u := range updates {
			if err := h(ctx, ToUpdate(u)); err != nil {
				// Do not confirm it: fetch it again after a pause.
				failed = true
				break
			}
			offset = u.ID + 1
		}
		if failed {
			pollRetryWait(ctx, &wait)
			continue
		}
		wait = 0
	}
	return nil
}

// pollRetryWait waits for *wait, growing it for next time (100 ms
// doubling up to maxPollRetryWait). It reports false when ctx ended first.
func pollRetryWait(ctx context.Context, wait *time.Duration) bool {
	switch {
	case *wait == 0:
		*wait = 100 * time.Millisecond
	case *wait < maxPollRetryWait:
		*wait *= 2
		if *wait > maxPollRetryWait {
			*wait = maxPollRetryWait
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
func (r *Receiver) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	timeout := int(r.cfg.PollTimeout / time.Second)
	if timeout < 1 {
		timeout = 1
	}
	body, err := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         timeout,
		"allowed_updates": allowedUpdates(),
	})
	if err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, r.cfg.PollTimeout+15*time.Second)
	defer cancel()
	endpoint := strings.TrimRight(r.cfg.APIURL, "/") + "/bot" + r.api.Token() + "/getUpdates"
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		// The URL holds the token: do not let it reach the logs.
		return nil, fmt.Errorf("telegram: getUpdates: %s", strings.ReplaceAll(err.Error(), r.api.Token(), "***"))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: read: %w", err)
	}
	var res getUpdatesResponse
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: decode (HTTP %d): %w", resp.StatusCode, err)
	}
	if !res.OK {
		if res.ErrorCode == http.StatusConflict {
			return nil, fmt.Errorf("%w: %s", errConflict, res.Description)
		}
		return nil, fmt.Errorf("telegram: getUpdates: %d %s", res.ErrorCode, res.Description)
	}
	return res.Result, nil
}

// SetWebhook asks Telegram to post updates to webhookURL with the
// configured secret token. Call it once when starting in webhook mode.
func (r *Receiver) SetWebhook(ctx context.Context, webhookURL string) error {
	if r.cfg.WebhookSecret == "" {
		return errors.New("telegram: set webhook: a webhook secret is required")
	}
	_, err := r.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL:            webhookURL,
		SecretToken:    r.cfg.WebhookSecret,
		AllowedUpdates: allowedUpdates(),
	})
	if err != nil {
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	return nil
}

// WebhookHandler returns the handler Telegram posts updates to in webhook
// mode. It requires the X-Telegram-Bot-Api-Secret-Token header to equal
// ReceiverConfig.WebhookSecret, compared in constant time (401 otherwise;
// with no secret configured every request is refused, since anyone could
// otherwise post forged updates), converts the update and hands it to h
// synchronously, and answers 200 only after h returned nil (its effects
// committed), 500 on failure so that Telegram sends it again.
func (r *Receiver) WebhookHandler(h channel.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := req.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if r.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(r.cfg.WebhookSecret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var upd models.Update
		if err := json.NewDecoder(io.LimitReader(req.Body, 16<<20)).Decode(&upd); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if err := h(req.Context(), ToUpdate(&upd)); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// ToUpdate converts a Telegram update into the channel's neutral form:
//
//   - a message: its chat (private or not), its id, the sender (none for
//     a channel post or another bot, which the bot then ignores), text and
//     caption, the message it replies to (and when that one was sent, if
//     a bot sent it), the largest size of a photo or a document as
//     evidence, and the new chat id of a group's migration notice;
//   - a button press: the presser, the data and the id to answer with,
//     and the chat and message carrying the button (also when that
//     message is no longer accessible);
//   - a change of the bot's membership of a chat: the chat, who changed
//     it, and the new status ("member", "left", "kicked", …).
//
// Any other kind keeps only its id: it is recorded and ignored.
func ToUpdate(u *models.Update) channel.Update {
	cu := channel.Update{Channel: channel.Telegram}
	if u == nil {
		return cu
	}
	cu.ID = u.ID
	switch {
	case u.Message != nil:
		fromMessage(&cu, u.Message)
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		cu.UserID, cu.Username = q.From.ID, q.From.Username
		cu.Callback, cu.CallbackID = q.Data, q.ID
		switch {
		case q.Message.Message != nil:
			m := q.Message.Message
			cu.ChatID, cu.PrivateChat, cu.MessageID = m.Chat.ID, m.Chat.Type == models.ChatTypePrivate, int64(m.ID)
		case q.Message.InaccessibleMessage != nil:
			m := q.Message.InaccessibleMessage
			cu.ChatID, cu.PrivateChat, cu.MessageID = m.Chat.ID, m.Chat.Type == models.ChatTypePrivate, int64(m.MessageID)
		}
	case u.MyChatMember != nil:
		m := u.MyChatMember
		cu.ChatID, cu.PrivateChat = m.Chat.ID, m.Chat.Type == models.ChatTypePrivate
		cu.UserID, cu.Username = m.From.ID, m.From.Username
		cu.Membership = string(m.NewChatMember.Type)
	}
	return cu
}

// fromMessage fills cu from the message m.
func fromMessage(cu *channel.Update, m *models.Message) {
	cu.ChatID, cu.PrivateChat = m.Chat.ID, m.Chat.Type == models.ChatTypePrivate
	cu.MessageID = int64(m.ID)
	if m.From != nil && !m.From.IsBot {
		cu.UserID, cu.Username = m.From.ID, m.From.Username
	}
	cu.Text, cu.Caption = m.Text, m.Caption
	if r := m.ReplyToMessage; r != nil {
		cu.ReplyTo = int64(r.ID)
		if r.From != nil && r.From.IsBot {
			cu.ReplyToSent = time.Unix(int64(r.Date), 0)
		}
	}
	switch {
	case len(m.Photo) > 0:
		cu.File, cu.FileKind = m.Photo[len(m.Photo)-1].FileID, "photo" // the largest size
	case m.Document != nil:
		cu.File, cu.FileKind = m.Document.FileID, "document"
	}
	cu.MigratedTo = m.MigrateToChatID
}

// Answerer answers button presses with answerCallbackQuery. It implements
// channel.Answerer.
type Answerer struct {
	api *tgbot.Bot
}

// NewAnswerer returns an Answerer calling api.
func NewAnswerer(api *tgbot.Bot) *Answerer { return &Answerer{api: api} }

// AnswerButton answers the button press callbackID with text (empty: a
// silent answer that only stops the button's spinner).
func (a *Answerer) AnswerButton(ctx context.Context, callbackID, text string) error {
	if _, err := a.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{
		CallbackQueryID: callbackID,
		Text:            text,
	}); err != nil {
		return fmt.Errorf("telegram: answer callback query: %w", err)
	}
	return nil
}

// Linker builds the t.me deep links that open the bot with an invite code
// filled in. It implements channel.Linker.
type Linker struct {
	username string
}

// NewLinker returns the Linker of the bot username (without "@"); with
// none, InviteLink returns "".
func NewLinker(username string) Linker { return Linker{username: username} }

// InviteLink returns https://t.me/<bot username>?start=CODE, or "" when the
// bot's username is unknown. Invite codes are URL-safe by construction
// (store.NewInviteCode).
func (l Linker) InviteLink(code string) string {
	if l.username == "" {
		return ""
	}
	return "https://t.me/" + url.PathEscape(l.username) + "?start=" + code
}
