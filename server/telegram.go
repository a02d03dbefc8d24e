package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"syscall"

	tgbot "github.com/go-telegram/bot"
)

// TelegramError is a failed call to the Bot API worded by its cause. Its
// text names the API URL but never the token.
type TelegramError struct {
	msg string
	err error
}

// Error returns the worded cause.
func (e *TelegramError) Error() string { return e.msg }

// Unwrap returns the client's error.
func (e *TelegramError) Unwrap() error { return e.err }

// DescribeTelegramError words err, from a call to the Bot API at apiURL, by
// its cause: a token Telegram rejects ("Telegram rejected the token (401
// Unauthorized): check telegram.token"), or Telegram out of reach
// ("cannot reach Telegram at URL: connection refused", a name that does
// not resolve, no answer in time), or else Telegram's own answer.
func DescribeTelegramError(apiURL string, err error) error {
	var (
		msg       string
		dnsErr    *net.DNSError
		syntaxErr *json.SyntaxError
		netErr    net.Error
	)
	switch {
	case errors.Is(err, tgbot.ErrorUnauthorized):
		msg = "Telegram rejected the token (401 Unauthorized): check telegram.token"
	case errors.Is(err, tgbot.ErrorNotFound):
		// Telegram answers 404 to a token of the wrong shape.
		msg = "Telegram rejected the token (404 Not Found): check telegram.token"
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = fmt.Sprintf("cannot reach Telegram at %s: connection refused", apiURL)
	case errors.Is(err, syscall.ECONNRESET):
		msg = fmt.Sprintf("cannot reach Telegram at %s: connection reset", apiURL)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		msg = fmt.Sprintf("cannot reach Telegram at %s: no route to host (is the network up?)", apiURL)
	case errors.As(err, &dnsErr):
		msg = fmt.Sprintf("cannot reach Telegram at %s: cannot resolve %s (DNS)", apiURL, dnsErr.Name)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		msg = fmt.Sprintf("cannot reach Telegram at %s: no answer in time", apiURL)
	case errors.As(err, &syntaxErr):
		msg = fmt.Sprintf("Telegram at %s did not answer as the Bot API does (an error page from a proxy? check telegram.api_url)", apiURL)
	default:
		msg = fmt.Sprintf("Telegram at %s: %v", apiURL, err)
	}
	return &TelegramError{msg: msg, err: err}
}
