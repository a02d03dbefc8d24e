// Package callback encodes and verifies the data of inline-keyboard buttons.
//
// Telegram gives a bot back, verbatim, the callback_data of a pressed button
// (at most 64 bytes). Anyone able to talk to the bot can send arbitrary
// callback data, so every button carries an HMAC-SHA256 tag (truncated to 96
// bits, base64url) over the action, the occurrence, the chat the button
// was sent to, the signing key's id and the time it was issued: a button
// forged, altered or copied to another chat is rejected by Decode, and one
// older than the configured maximum age (telegram.button_max_age), or
// signed by a key retired since, is answered as expired.
//
// The wire form is
//
//	<kind letter><occurrence id, base 36>.<value, decimal>.<key id, base 36>.<issued, minutes since 1970, base 36>.<tag>
//
// for example "p1z.50.1.hmgqo.Q2h1eWVuX2Jhbwxy" (at most 48 bytes).
// Buttons of earlier releases have the form "<kind><id>.<value>.<tag>",
// with no key id and no issue time: they verify with key 0 (the unversioned
// key, kept by store migration 00064) as if issued when that key was
// recorded. Decode accepts only the canonical forms Encode (and the earlier
// releases) produced.
package callback

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
)

// The kinds of Action.
const (
	// KindProgress sets an occurrence's percent to Value (1..99).
	KindProgress = "progress"
	// KindDone marks an occurrence done; Value is 0.
	KindDone = "done"
	// KindAssign assigns the task of an occurrence (led by a department)
	// to the official whose id is Value.
	KindAssign = "assign"
	// KindExtend asks for an extension of an occurrence's due date (the
	// bot answers with a prompt for the date); Value is 0.
	KindExtend = "extend"
	// KindApprove and KindReject decide the extension request whose id is
	// Value, about the occurrence.
	KindApprove = "approve"
	KindReject  = "reject"
	// KindSnooze postpones the presser's reminders about an occurrence by
	// Value (1 or 3) working days.
	KindSnooze = "snooze"
)

// MaxData is the largest callback_data Telegram accepts, in bytes.
const MaxData = 64

// tagBytes is the length of the truncated HMAC tag: 96 bits.
const tagBytes = 12

// ErrInvalid is returned by Decode for data that is malformed, forged,
// altered or bound to another chat.
var ErrInvalid = errors.New("callback: invalid button data")

// ErrExpired is returned by Decode for a genuine button older than the
// maximum age, or signed by a key retired since.
var ErrExpired = errors.New("callback: button expired")

// maxKeyID bounds key ids (4 base-36 digits), so that the longest button
// data stays under MaxData.
const maxKeyID = 36*36*36*36 - 1

// legacyKeyID is the id of the unversioned key of earlier releases.
const legacyKeyID = 0

// Action is what a button does when pressed.
type Action struct {
	Kind         string // KindProgress or KindDone
	OccurrenceID int64  // the occurrence the button is about
	Value        int    // percent for KindProgress, 0 for KindDone, the assignee's id for KindAssign
}

// kindLetter maps a kind to its one-letter wire code.
func kindLetter(kind string) (byte, bool) {
	switch kind {
	case KindProgress:
		return 'p', true
	case KindDone:
		return 'd', true
	case KindAssign:
		return 'a', true
	case KindExtend:
		return 'x', true
	case KindApprove:
		return 'y', true
	case KindReject:
		return 'n', true
	case KindSnooze:
		return 's', true
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
	case 'a':
		return KindAssign, true
	case 'x':
		return KindExtend, true
	case 'y':
		return KindApprove, true
	case 'n':
		return KindReject, true
	case 's':
		return KindSnooze, true
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
	case KindDone, KindExtend:
		if a.Value != 0 {
			return fmt.Errorf("callback: %s action with value %d", a.Kind, a.Value)
		}
	case KindApprove, KindReject:
		if a.Value <= 0 {
			return fmt.Errorf("callback: %s action on request %d", a.Kind, a.Value)
		}
	case KindAssign:
		if a.Value <= 0 {
			return fmt.Errorf("callback: assign action to official %d", a.Value)
		}
	case KindSnooze:
		if a.Value != 1 && a.Value != 3 {
			return fmt.Errorf("callback: snooze by %d working days (1 or 3)", a.Value)
		}
	}
	return nil
}

// Signer signs and verifies button data with versioned keys (see
// store.SigningKey): the newest key signs, every key verifies the buttons
// it signed until it retires. It is safe for concurrent use.
type Signer struct {
	keys   []store.SigningKey // newest first
	clk    clock.Clock
	maxAge time.Duration
	source KeySource // nil: keys are fixed
	// macs holds HMACs keyed with keys[0], reset between buttons: the
	// morning signs tens of thousands of buttons, and hmac.New hashes the
	// key anew for each.
	macs sync.Pool
}

// KeySource holds the signing keys: *store.Store.
type KeySource interface {
	SigningKeys(ctx context.Context, now time.Time) ([]store.SigningKey, error)
}

// NewSigner returns a Signer over keys, newest first (keys[0] signs),
// reading the time from clk; buttons older than maxAge are expired (0:
// never). It panics without a key (store.SigningKeys always returns one).
func NewSigner(keys []store.SigningKey, clk clock.Clock, maxAge time.Duration) *Signer {
	if len(keys) == 0 || len(keys[0].Secret) == 0 {
		panic("callback: NewSigner without a signing key")
	}
	for i, k := range keys {
		if k.ID < 0 || k.ID > maxKeyID || (i > 0 && k.ID >= keys[i-1].ID) {
			panic(fmt.Sprintf("callback: NewSigner: key ids %d..%d, newest first, required", 0, maxKeyID))
		}
	}
	s := &Signer{keys: append([]store.SigningKey(nil), keys...), clk: clk, maxAge: maxAge}
	secret := s.keys[0].Secret
	s.macs.New = func() any { return hmac.New(sha256.New, secret) }
	return s
}

// Load returns a Signer over the keys of src (creating the first key of
// an installation). Its Verify reads the keys again, so that a key
// rotated by another process (`nhacviec rotate-key`) is known at once.
func Load(ctx context.Context, src KeySource, clk clock.Clock, maxAge time.Duration) (*Signer, error) {
	keys, err := src.SigningKeys(ctx, clk.Now())
	if err != nil {
		return nil, err
	}
	s := NewSigner(keys, clk, maxAge)
	s.source = src
	return s, nil
}

// KeyID returns the id of the key that signs.
func (s *Signer) KeyID() int { return s.keys[0].ID }

// key returns the key with id, if the signer has it.
func (s *Signer) key(id int) (store.SigningKey, bool) {
	for _, k := range s.keys {
		if k.ID == id {
			return k, true
		}
	}
	return store.SigningKey{}, false
}

// tag computes the truncated HMAC of a in chat chatID, signed with key at
// issued (minutes since 1970): of "v1|<kind>|<occurrence>|<value>|<chat>|<key
// id>|<issued>", in decimal.
func (s *Signer) tag(key store.SigningKey, a Action, chatID, issued int64) []byte {
	var m hash.Hash
	if key.ID == s.keys[0].ID {
		m = s.macs.Get().(hash.Hash)
		defer s.macs.Put(m)
		m.Reset()
	} else {
		m = hmac.New(sha256.New, key.Secret)
	}
	var buf [96]byte
	b := append(buf[:0], "v1|"...)
	b = append(b, a.Kind...)
	b = append(b, '|')
	b = strconv.AppendInt(b, a.OccurrenceID, 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(a.Value), 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, chatID, 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(key.ID), 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, issued, 10)
	m.Write(b)
	return m.Sum(nil)[:tagBytes]
}

// legacyTag is the tag of the buttons of earlier releases.
func legacyTag(key store.SigningKey, a Action, chatID int64) []byte {
	m := hmac.New(sha256.New, key.Secret)
	fmt.Fprintf(m, "%s|%d|%d|%d", a.Kind, a.OccurrenceID, a.Value, chatID)
	return m.Sum(nil)[:tagBytes]
}

// Encode returns the callback data of a button doing a, sent to chat
// chatID, signed with the newest key and stamped with the current time.
// It panics when a is not a valid action (a programming error: the
// keyboard is built from constants and real occurrence ids).
func (s *Signer) Encode(a Action, chatID int64) string {
	if err := validate(a); err != nil {
		panic(err)
	}
	issued := max(s.clk.Now().Unix()/60, 0)
	return s.encode(s.keys[0], a, chatID, issued)
}

// encode writes the wire form.
func (s *Signer) encode(key store.SigningKey, a Action, chatID, issued int64) string {
	letter, _ := kindLetter(a.Kind)
	var b strings.Builder
	b.Grow(MaxData)
	b.WriteByte(letter)
	b.WriteString(strconv.FormatInt(a.OccurrenceID, 36))
	b.WriteByte('.')
	b.WriteString(strconv.Itoa(a.Value))
	b.WriteByte('.')
	b.WriteString(strconv.FormatInt(int64(key.ID), 36))
	b.WriteByte('.')
	b.WriteString(strconv.FormatInt(issued, 36))
	b.WriteByte('.')
	b.WriteString(base64.RawURLEncoding.EncodeToString(s.tag(key, a, chatID, issued)))
	return b.String()
}

// encodeLegacy writes the wire form of earlier releases.
func encodeLegacy(key store.SigningKey, a Action, chatID int64) string {
	letter, _ := kindLetter(a.Kind)
	return string(letter) + strconv.FormatInt(a.OccurrenceID, 36) + "." + strconv.Itoa(a.Value) + "." +
		base64.RawURLEncoding.EncodeToString(legacyTag(key, a, chatID))
}

// Verify is Decode with the keys read again from the Signer's source (see
// Load): the bot calls it for every button press.
func (s *Signer) Verify(ctx context.Context, data string, chatID int64) (Action, error) {
	if s.source == nil {
		return s.Decode(data, chatID)
	}
	keys, err := s.source.SigningKeys(ctx, s.clk.Now())
	if err != nil {
		return Action{}, fmt.Errorf("callback: verify: %w", err)
	}
	fresh := NewSigner(keys, s.clk, s.maxAge)
	return fresh.Decode(data, chatID)
}

// Decode verifies data received from a button press in chat chatID and
// returns its action. It returns ErrInvalid when data is malformed, not in
// canonical form, forged, altered, signed for another chat or by a key the
// signer does not have, and ErrExpired when data is genuine but older
// than the maximum age or signed by a key retired since.
func (s *Signer) Decode(data string, chatID int64) (Action, error) {
	if len(data) < 2 || len(data) > MaxData {
		return Action{}, ErrInvalid
	}
	kind, ok := kindOf(data[0])
	if !ok {
		return Action{}, ErrInvalid
	}
	parts := strings.Split(data[1:], ".")
	if len(parts) != 3 && len(parts) != 5 {
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
	a := Action{Kind: kind, OccurrenceID: id, Value: value}
	if validate(a) != nil {
		return Action{}, ErrInvalid
	}
	var (
		key    store.SigningKey
		issued time.Time
		want   string
	)
	if len(parts) == 3 {
		// A button of an earlier release: key 0, issued when it was recorded.
		k, ok := s.key(legacyKeyID)
		if !ok {
			return Action{}, ErrInvalid
		}
		key, issued, want = k, k.CreatedAt, encodeLegacy(k, a, chatID)
	} else {
		keyID, err := strconv.ParseInt(parts[2], 36, 64)
		if err != nil || keyID < 0 || keyID > maxKeyID {
			return Action{}, ErrInvalid
		}
		minutes, err := strconv.ParseInt(parts[3], 36, 64)
		if err != nil || minutes < 0 || minutes > maxMinutes {
			return Action{}, ErrInvalid
		}
		k, ok := s.key(int(keyID))
		if !ok {
			return Action{}, ErrInvalid
		}
		key, issued, want = k, time.Unix(minutes*60, 0), s.encode(k, a, chatID, minutes)
	}
	// The whole canonical form is compared in constant time: the tag and
	// the spelling (no "+5", "007", upper-case base 36 or non-canonical
	// base64 padding bits), so that one action has exactly one data string.
	if !hmac.Equal([]byte(want), []byte(data)) {
		return Action{}, ErrInvalid
	}
	now := s.clk.Now()
	if key.Retired(now) || (s.maxAge > 0 && now.Sub(issued) > s.maxAge) {
		return Action{}, ErrExpired
	}
	return a, nil
}

// maxMinutes bounds the issue time (8 base-36 digits), so that the
// longest button data stays under MaxData.
const maxMinutes = 36*36*36*36*36*36*36*36 - 1

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
	}, {
		Text: p.T("button.extend"),
		Data: s.Encode(Action{Kind: KindExtend, OccurrenceID: occurrenceID}, chatID),
	}}
	return [][]store.Button{steps, done}
}

// DecisionKeyboard returns the two buttons, approve and reject, of the
// extension request requestID about occurrence occurrenceID, sent to the
// approver's chat chatID.
func DecisionKeyboard(s *Signer, p *i18n.Printer, occurrenceID, requestID, chatID int64) [][]store.Button {
	return [][]store.Button{{
		{Text: p.T("button.approve"), Data: s.Encode(Action{Kind: KindApprove, OccurrenceID: occurrenceID, Value: int(requestID)}, chatID)},
		{Text: p.T("button.reject"), Data: s.Encode(Action{Kind: KindReject, OccurrenceID: occurrenceID, Value: int(requestID)}, chatID)},
	}}
}

// Assignee is an official an assignment button names.
type Assignee struct {
	ID   int64
	Name string
}

// assignPerRow is how many assignment buttons one keyboard row holds.
const assignPerRow = 2

// AssignKeyboard returns the rows of buttons, two a row, that assign the
// task of occurrence occurrenceID to one of members, sent to chat chatID.
func AssignKeyboard(s *Signer, occurrenceID, chatID int64, members []Assignee) [][]store.Button {
	var rows [][]store.Button
	for i, m := range members {
		if i%assignPerRow == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], store.Button{
			Text: "👤 " + m.Name,
			Data: s.Encode(Action{Kind: KindAssign, OccurrenceID: occurrenceID, Value: int(m.ID)}, chatID),
		})
	}
	return rows
}

// snoozeDays are the working days a snooze button postpones by.
func snoozeDays() []int { return []int{1, 3} }

// SnoozeRow returns the row of snooze buttons ("⏰ 1 ngày", "⏰ 3 ngày")
// of a reminder about occurrence occurrenceID sent to chat chatID.
func SnoozeRow(s *Signer, p *i18n.Printer, occurrenceID, chatID int64) []store.Button {
	row := make([]store.Button, 0, 2)
	for _, d := range snoozeDays() {
		row = append(row, store.Button{
			Text: p.T(i18n.Key(fmt.Sprintf("button.snooze_%d", d))),
			Data: s.Encode(Action{Kind: KindSnooze, OccurrenceID: occurrenceID, Value: d}, chatID),
		})
	}
	return row
}

// BriefRow returns the row of buttons of item n of a morning brief, about
// occurrence occurrenceID, sent to chat chatID: "✅ n" (done) and its two
// snooze buttons.
func BriefRow(s *Signer, p *i18n.Printer, n int, occurrenceID, chatID int64) []store.Button {
	row := []store.Button{{
		Text: p.T("button.brief_done", n),
		Data: s.Encode(Action{Kind: KindDone, OccurrenceID: occurrenceID}, chatID),
	}}
	for _, d := range snoozeDays() {
		row = append(row, store.Button{
			Text: p.T(i18n.Key(fmt.Sprintf("button.brief_snooze%d", d)), n),
			Data: s.Encode(Action{Kind: KindSnooze, OccurrenceID: occurrenceID, Value: d}, chatID),
		})
	}
	return row
}
