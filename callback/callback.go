// Package callback encodes and verifies the data of inline-keyboard buttons.
//
// Telegram gives a bot back, verbatim, the callback_data of a pressed button
// (at most 64 bytes). Anyone able to talk to the bot can send arbitrary
// callback data, so every button carries an HMAC-SHA256 tag (truncated to 96
// bits, base64url) over the action, the occurrence and the chat the button
// was sent to: a button forged, altered or copied to another chat is
// rejected by Decode.
//
// The wire form is
//
//	<kind letter><occurrence id, base 36>.<value, decimal>.<tag>
//
// for example "p1z.50.Q2h1eWVuX2Jhbwxy" (at most 36 bytes). Decode accepts
// only the canonical form Encode produces.
package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
)

// The kinds of Action.
const (
	// KindProgress sets an occurrence's percent to Value (1..99).
	KindProgress = "progress"
	// KindDone marks an occurrence done; Value is 0.
	KindDone = "done"
)

// MaxData is the largest callback_data Telegram accepts, in bytes.
const MaxData = 64

// tagBytes is the length of the truncated HMAC tag: 96 bits.
const tagBytes = 12

// ErrInvalid is returned by Decode for data that is malformed, forged,
// altered or bound to another chat.
var ErrInvalid = errors.New("callback: invalid button data")

// Action is what a button does when pressed.
type Action struct {
	Kind         string // KindProgress or KindDone
	OccurrenceID int64  // the occurrence the button is about
	Value        int    // percent for KindProgress, 0 for KindDone
}

// kindLetter maps a kind to its one-letter wire code.
func kindLetter(kind string) (byte, bool) {
	switch kind {
	case KindProgress:
		return 'p', true
	case KindDone:
		return 'd', true
	}
	return 0, false
}

// kindOf maps a wire letter back to its kind.
func kindOf(letter byte) (string, bool) {
	switch letter {
	case 'p':
		return KindProgress, true
	case 'd':
		return KindDone, true
	}
	return "", false
}

// validate reports whether a is an action a button may carry.
func validate(a Action) error {
	if _, ok := kindLetter(a.Kind); !ok {
		return fmt.Errorf("callback: unknown action kind %q", a.Kind)
	}
	if a.OccurrenceID <= 0 {
		return fmt.Errorf("callback: occurrence id %d is not positive", a.OccurrenceID)
	}
	switch a.Kind {
	case KindProgress:
		if a.Value < 1 || a.Value > 99 {
			return fmt.Errorf("callback: progress %d%% out of range 1..99", a.Value)
		}
	case KindDone:
		if a.Value != 0 {
			return fmt.Errorf("callback: done action with value %d", a.Value)
		}
	}
	return nil
}

// Signer signs and verifies button data with a secret key. It is safe for
// concurrent use.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer using key (see store.CallbackKey). The key is
// copied.
func NewSigner(key []byte) *Signer {
	return &Signer{key: append([]byte(nil), key...)}
}

// tag computes the truncated HMAC of a in chat chatID.
func (s *Signer) tag(a Action, chatID int64) []byte {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "%s|%d|%d|%d", a.Kind, a.OccurrenceID, a.Value, chatID)
	return m.Sum(nil)[:tagBytes]
}

// Encode returns the callback data of a button doing a, sent to chat
// chatID. It panics when a is not a valid action (a programming error: the
// keyboard is built from constants and real occurrence ids).
func (s *Signer) Encode(a Action, chatID int64) string {
	if err := validate(a); err != nil {
		panic(err)
	}
	letter, _ := kindLetter(a.Kind)
	var b strings.Builder
	b.Grow(40)
	b.WriteByte(letter)
	b.WriteString(strconv.FormatInt(a.OccurrenceID, 36))
	b.WriteByte('.')
	b.WriteString(strconv.Itoa(a.Value))
	b.WriteByte('.')
	b.WriteString(base64.RawURLEncoding.EncodeToString(s.tag(a, chatID)))
	return b.String()
}

// Decode verifies data received from a button press in chat chatID and
// returns its action. It returns ErrInvalid when data is malformed, not in
// canonical form, forged, altered or was signed for another chat.
func (s *Signer) Decode(data string, chatID int64) (Action, error) {
	if len(data) < 2 || len(data) > MaxData {
		return Action{}, ErrInvalid
	}
	kind, ok := kindOf(data[0])
	if !ok {
		return Action{}, ErrInvalid
	}
	parts := strings.Split(data[1:], ".")
	if len(parts) != 3 {
		return Action{}, ErrInvalid
	}
	id, err := strconv.ParseInt(parts[0], 36, 64)
	if err != nil {
		return Action{}, ErrInvalid
	}
	value, err := strconv.Atoi(parts[1])
	if err != nil {
		return Action{}, ErrInvalid
	}
	got, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(got) != tagBytes {
		return Action{}, ErrInvalid
	}
	a := Action{Kind: kind, OccurrenceID: id, Value: value}
	if validate(a) != nil {
		return Action{}, ErrInvalid
	}
	if !hmac.Equal(got, s.tag(a, chatID)) {
		return Action{}, ErrInvalid
	}
	// Only the canonical spelling is accepted (no "+5", "007", upper-case
	// base 36 or non-canonical base64 padding bits), so that one action has
	// exactly one data string.
	if s.Encode(a, chatID) != data {
		return Action{}, ErrInvalid
	}
	return a, nil
}

// Keyboard returns the inline keyboard of a reminder about occurrence
// occurrenceID sent to chat chatID: a row of progress steps (25%, 50%, 75%)
// and a row with the "✅ Hoàn thành" button.
func Keyboard(s *Signer, p *i18n.Printer, occurrenceID, chatID int64) [][]store.Button {
	steps := make([]store.Button, 0, 3)
	for _, v := range []int{25, 50, 75} {
		steps = append(steps, store.Button{
			Text: strconv.Itoa(v) + "%",
			Data: s.Encode(Action{Kind: KindProgress, OccurrenceID: occurrenceID, Value: v}, chatID),
		})
	}
	done := []store.Button{{
		Text: p.T("button.done"),
		Data: s.Encode(Action{Kind: KindDone, OccurrenceID: occurrenceID}, chatID),
	}}
	return [][]store.Button{steps, done}
}
