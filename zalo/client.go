package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultAPIURL is the Zalo Bot Platform's API server.
const DefaultAPIURL = "https://bot-api.zaloplatforms.com"

// MaxText is the longest text of sendMessage, and the longest caption of
// sendPhoto, in characters (counted here in UTF-16 code units, which is
// never less than the count in code points).
const MaxText = 2000

// Error codes the platform documents in its answers' error_code.
const (
	CodeBadRequest     = 400 // bad request or unknown method
	CodeUnauthorized   = 401 // token invalid or reset
	CodeForbidden      = 403 // documented as an internal server error
	CodeNotFound       = 404
	CodeTimeout        = 408 // timeout; getUpdates answers it when no event came
	CodeTooManyRequest = 429 // quota exceeded; no retry-after is documented
)

// APIError is an answer of the platform with ok false: its error_code and
// description (or, when the body was not the platform's envelope, the HTTP
// status and the start of the body).
type APIError struct {
	Method      string
	Code        int
	Description string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("zalo: %s: %d %s", e.Method, e.Code, e.Description)
}

// IsCode reports whether err is an APIError with the given code.
func IsCode(err error, code int) bool {
	var a *APIError
	return errors.As(err, &a) && a.Code == code
}

// Client calls the Zalo Bot Platform's HTTP API:
// <APIURL>/bot<TOKEN>/<method>, each call a POST with a JSON object, each
// answer the envelope {ok, result, description, error_code}. It is safe
// for concurrent use. Errors never contain the token.
type Client struct {
	base    string
	token   string
	http    *http.Client
	timeout time.Duration
}

// ClientConfig configures a Client; zero fields take the defaults.
type ClientConfig struct {
	// APIURL is the platform's server (config zalo.api_url); default
	// DefaultAPIURL.
	APIURL string
	// Timeout bounds every call but getUpdates (which waits its long-poll
	// timeout plus Timeout); default 30 s.
	Timeout time.Duration
	// HTTPClient makes the requests; default a client with no timeout of
	// its own (calls are bounded by their context).
	HTTPClient *http.Client
}

// NewClient returns a Client for the bot token.
func NewClient(token string, cfg ClientConfig) *Client {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	return &Client{base: strings.TrimRight(cfg.APIURL, "/"), token: token, http: cfg.HTTPClient, timeout: cfg.Timeout}
}

// envelope is every answer of the platform.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	Description string          `json:"description"`
	ErrorCode   int             `json:"error_code"`
}

// maxAnswer bounds the size of an answer read.
const maxAnswer = 4 << 20

// call posts params to method, waiting at most timeout, and decodes the
// result into out (nil: ignored).
func (c *Client) call(ctx context.Context, method string, params any, timeout time.Duration, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("zalo: %s: %w", method, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("zalo: %s: %s", method, c.redact(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		// The URL holds the token: keep it out of the error.
		return &netError{method: method, msg: c.redact(err.Error()), err: errors.Unwrap(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &netError{method: method, msg: "read answer: " + c.redact(err.Error())}
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || (!env.OK && env.ErrorCode == 0 && resp.StatusCode >= 300) {
		desc := strings.TrimSpace(string(raw))
		if len(desc) > 200 {
			desc = desc[:200]
		}
		return &APIError{Method: method, Code: resp.StatusCode, Description: "undecodable answer: " + desc}
	}
	if !env.OK {
		code := env.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		return &APIError{Method: method, Code: code, Description: env.Description}
	}
	if out != nil && len(env.Result) > 0 && string(env.Result) != "null" {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return fmt.Errorf("zalo: %s: decode result: %w", method, err)
		}
	}
	return nil
}

// redact removes the token from s.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "***")
}

// netError is a call that got no answer (network, timeout); its text has
// no token.
type netError struct {
	method, msg string
	err         error
}

func (e *netError) Error() string { return "zalo: " + e.method + ": " + e.msg }

func (e *netError) Unwrap() error { return e.err }

// Bot is getMe's answer.
type Bot struct {
	ID            string `json:"id"`
	AccountName   string `json:"account_name"`
	AccountType   string `json:"account_type"`
	CanJoinGroups bool   `json:"can_join_groups"`
}

// GetMe returns the bot's account: whether the platform answers this
// token at all.
func (c *Client) GetMe(ctx context.Context) (Bot, error) {
	var b Bot
	err := c.call(ctx, "getMe", struct{}{}, c.timeout, &b)
	return b, err
}

// Sent is the answer of sendMessage and sendPhoto.
type Sent struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"` // milliseconds since the epoch
}

// Time is when the message was sent.
func (s Sent) Time() time.Time { return time.UnixMilli(s.Date) }

// SendMessage sends text (1 to MaxText characters, plain text) to the chat.
func (c *Client) SendMessage(ctx context.Context, chatID, text string) (Sent, error) {
	var s Sent
	err := c.call(ctx, "sendMessage", map[string]string{"chat_id": chatID, "text": text}, c.timeout, &s)
	return s, err
}

// SendPhoto sends the photo at photoURL, which the platform fetches
// itself, with an optional caption (at most MaxText characters).
func (c *Client) SendPhoto(ctx context.Context, chatID, photoURL, caption string) (Sent, error) {
	params := map[string]string{"chat_id": chatID, "photo": photoURL}
	if caption != "" {
		params["caption"] = caption
	}
	var s Sent
	err := c.call(ctx, "sendPhoto", params, c.timeout, &s)
	return s, err
}

// SendChatAction shows an action in the chat; "typing" is the one the
// platform documents.
func (c *Client) SendChatAction(ctx context.Context, chatID, action string) error {
	return c.call(ctx, "sendChatAction", map[string]string{"chat_id": chatID, "action": action}, c.timeout, nil)
}

// Webhook is the answer of setWebhook, deleteWebhook and getWebhookInfo.
type Webhook struct {
	URL       string `json:"url"`
	UpdatedAt int64  `json:"updated_at"` // milliseconds since the epoch
}

// SetWebhook asks the platform to post events to url (HTTPS) with the
// header X-Bot-Api-Secret-Token: secret (8 to 256 characters).
func (c *Client) SetWebhook(ctx context.Context, url, secret string) (Webhook, error) {
	var w Webhook
	err := c.call(ctx, "setWebhook", map[string]string{"url": url, "secret_token": secret}, c.timeout, &w)
	return w, err
}

// DeleteWebhook removes the webhook, so that getUpdates may be used.
func (c *Client) DeleteWebhook(ctx context.Context) (Webhook, error) {
	var w Webhook
	err := c.call(ctx, "deleteWebhook", struct{}{}, c.timeout, &w)
	return w, err
}

// GetWebhookInfo returns the webhook set, if any (an empty URL for none).
func (c *Client) GetWebhookInfo(ctx context.Context) (Webhook, error) {
	var w Webhook
	err := c.call(ctx, "getWebhookInfo", struct{}{}, c.timeout, &w)
	return w, err
}

// GetUpdates waits up to timeout (whole seconds, at least 1) for one
// event. When none came it returns (nil, nil): the platform then answers
// 408. There is no offset: an event returned here is no longer the
// platform's, whether or not its handler succeeds.
func (c *Client) GetUpdates(ctx context.Context, timeout time.Duration) (*Event, error) {
	secs := int(timeout / time.Second)
	if secs < 1 {
		secs = 1
	}
	var raw json.RawMessage
	err := c.call(ctx, "getUpdates", map[string]any{"timeout": secs}, time.Duration(secs)*time.Second+c.timeout, &raw)
	if IsCode(err, CodeTimeout) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
		return nil, nil
	}
	ev, err := parseResult(raw)
	if err != nil {
		return nil, fmt.Errorf("zalo: getUpdates: %w", err)
	}
	return ev, nil
}
