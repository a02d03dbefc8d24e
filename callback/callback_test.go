package callback

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
)

var (
	testKey = store.SigningKey{ID: 1, Secret: []byte("0123456789abcdef0123456789abcdef"), CreatedAt: t0}
	t0      = time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	// maxAge is telegram.button_max_age's default.
	maxAge = 60 * 24 * time.Hour
)

// newTestSigner returns a signer over testKey on a fake clock at t0.
func newTestSigner() (*Signer, *clock.Fake) {
	clk := clock.NewFake(t0)
	return NewSigner([]store.SigningKey{testKey}, clk, maxAge), clk
}

func TestRoundTrip(t *testing.T) {
	s, _ := newTestSigner()
	tests := []struct {
		name   string
		action Action
		chatID int64
	}{
		{"progress", Action{Kind: KindProgress, OccurrenceID: 42, Value: 50}, 123456789},
		{"done", Action{Kind: KindDone, OccurrenceID: 1}, 5},
		{"largest ids", Action{Kind: KindProgress, OccurrenceID: 1<<63 - 1, Value: 99}, -1001234567890123},
		{"negative group chat", Action{Kind: KindDone, OccurrenceID: 7}, -100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := s.Encode(tt.action, tt.chatID)
			if len(data) > MaxData {
				t.Fatalf("Encode = %q: %d bytes, want <= %d", data, len(data), MaxData)
			}
			got, err := s.Decode(data, tt.chatID)
			if err != nil {
				t.Fatalf("Decode(%q): %v", data, err)
			}
			if got != tt.action {
				t.Fatalf("Decode(%q) = %+v, want %+v", data, got, tt.action)
			}
		})
	}
}

// TestLongestData: the longest button data — the largest occurrence id,
// a two-digit percent, the largest key id and issue time — fits Telegram's
// 64 bytes.
func TestLongestData(t *testing.T) {
	key := store.SigningKey{ID: maxKeyID, Secret: testKey.Secret}
	clk := clock.NewFake(time.Unix(maxMinutes*60, 0))
	s := NewSigner([]store.SigningKey{key}, clk, maxAge)
	a := Action{Kind: KindProgress, OccurrenceID: 1<<63 - 1, Value: 99}
	const chat = -1001234567890123
	data := s.Encode(a, chat)
	if len(data) != 48 || len(data) > MaxData {
		t.Fatalf("longest data %q has %d bytes, want 48 (<= %d)", data, len(data), MaxData)
	}
	if got, err := s.Decode(data, chat); err != nil || got != a {
		t.Fatalf("Decode(%q) = %+v, %v", data, got, err)
	}
}

func TestDecodeRejects(t *testing.T) {
	s, _ := newTestSigner()
	const chat = 1000
	good := s.Encode(Action{Kind: KindProgress, OccurrenceID: 42, Value: 50}, chat)
	done := s.Encode(Action{Kind: KindDone, OccurrenceID: 42}, chat)
	parts := strings.Split(good, ".") // kind+id, value, key id, issued, tag
	dot1 := strings.Index(good, ".")
	other := store.SigningKey{ID: 1, Secret: []byte("another key, also of 32 bytes..."), CreatedAt: t0}
	key2 := store.SigningKey{ID: 2, Secret: []byte("a third key, also of 32 bytes..."), CreatedAt: t0}
	clk := clock.NewFake(t0)
	legacy := encodeLegacy(store.SigningKey{ID: 0, Secret: testKey.Secret}, Action{Kind: KindDone, OccurrenceID: 42}, chat)
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name   string
		data   string
		chatID int64
	}{
		{"empty", "", chat},
		{"other chat", good, chat + 1},
		{"other key", NewSigner([]store.SigningKey{other}, clk, 0).Encode(Action{Kind: KindDone, OccurrenceID: 42}, chat), chat},
		{"key unknown to the signer", NewSigner([]store.SigningKey{key2}, clk, 0).Encode(Action{Kind: KindDone, OccurrenceID: 42}, chat), chat},
		{"key id changed", strings.Join([]string{parts[0], parts[1], "2", parts[3], parts[4]}, "."), chat},
		{"issue time changed", strings.Join([]string{parts[0], parts[1], parts[2], strconv.FormatInt(time.Now().Unix()/60, 36), parts[4]}, "."), chat},
		{"issue time dropped", strings.Join([]string{parts[0], parts[1], parts[4]}, "."), chat},
		{"legacy form without key 0", legacy, chat},
		{"negative key id", strings.Join([]string{parts[0], parts[1], "-1", parts[3], parts[4]}, "."), chat},
		{"four parts", strings.Join([]string{parts[0], parts[1], parts[2], parts[4]}, "."), chat},
		{"value changed", good[:dot1] + ".75" + good[dot1+3:], chat},
		{"occurrence changed", "p1b" + good[dot1:], chat},
		{"kind changed", "d" + done[1:dot1] + good[dot1:], chat},
		{"tag flipped", flip(good, len(good)-3), chat},
		{"tag truncated", good[:len(good)-1], chat},
		{"leading zero value", good[:dot1] + ".050" + good[dot1+3:], chat},
		{"plus value", good[:dot1] + ".+50" + good[dot1+3:], chat},
		{"leading zero key id", strings.Join([]string{parts[0], parts[1], "01", parts[3], parts[4]}, "."), chat},
		{"upper-case id", strings.ToUpper(good[:dot1]) + good[dot1:], chat},
		{"unknown kind", "x" + good[1:], chat},
		{"no dots", "p1", chat},
		{"too long", good + strings.Repeat("A", 64), chat},
		{"out of range unsigned", "p" + "1y2p0ij32e8e8" + good[dot1:], chat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a, err := s.Decode(tt.data, tt.chatID); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode(%q) = %+v, %v; want ErrInvalid", tt.data, a, err)
			}
		})
	}
}

func TestEncodePanicsOnInvalidAction(t *testing.T) {
	s, _ := newTestSigner()
	for _, a := range []Action{
		{Kind: "edit", OccurrenceID: 1},
		{Kind: KindProgress, OccurrenceID: 1, Value: 0},
		{Kind: KindProgress, OccurrenceID: 1, Value: 100},
		{Kind: KindDone, OccurrenceID: 0},
		{Kind: KindDone, OccurrenceID: 1, Value: 3},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Encode(%+v) did not panic", a)
				}
			}()
			s.Encode(a, 1)
		}()
	}
}

func TestKeyboard(t *testing.T) {
	s, _ := newTestSigner()
	const occ, chat = 314, 2718
	tests := []struct {
		lang i18n.Lang
		done string
	}{
		{i18n.VI, "✅ Hoàn thành"},
		{i18n.EN, "✅ Done"},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			kb := Keyboard(s, i18n.New(tt.lang), occ, chat)

			if len(kb) != 2 || len(kb[0]) != 3 || len(kb[1]) != 2 {
				t.Fatalf("keyboard shape = %v, want rows of 3 and 2", kb)
			}
			want := []Action{
				{Kind: KindProgress, OccurrenceID: occ, Value: 25},
				{Kind: KindProgress, OccurrenceID: occ, Value: 50},
				{Kind: KindProgress, OccurrenceID: occ, Value: 75},
			}
			texts := []string{"25%", "50%", "75%"}
			for i, b := range kb[0] {
				if b.Text != texts[i] {
					t.Errorf("button %d text = %q, want %q", i, b.Text, texts[i])
				}
				a, err := s.Decode(b.Data, chat)
				if err != nil || a != want[i] {
					t.Errorf("button %d decodes to %+v, %v; want %+v", i, a, err, want[i])
				}
			}
			if kb[1][0].Text != tt.done {
				t.Errorf("done button text = %q, want %q", kb[1][0].Text, tt.done)
			}
			a, err := s.Decode(kb[1][0].Data, chat)
			if err != nil || a != (Action{Kind: KindDone, OccurrenceID: occ}) {
				t.Errorf("done button decodes to %+v, %v", a, err)
			}
			if _, err := s.Decode(kb[1][0].Data, chat+1); err == nil {
				t.Errorf("done button accepted in another chat")
			}
			if a, err := s.Decode(kb[1][1].Data, chat); err != nil || a != (Action{Kind: KindExtend, OccurrenceID: occ}) || !strings.Contains(kb[1][1].Text, "⏳") {
				t.Errorf("extend button %q decodes to %+v, %v", kb[1][1].Text, a, err)
			}
			dk := DecisionKeyboard(s, i18n.New(tt.lang), occ, 77, chat)
			for i, kind := range []string{KindApprove, KindReject} {
				if a, err := s.Decode(dk[0][i].Data, chat); err != nil || a != (Action{Kind: kind, OccurrenceID: occ, Value: 77}) {
					t.Errorf("decision button %d decodes to %+v, %v", i, a, err)
				}
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	legacyKey := store.SigningKey{ID: 0, Secret: []byte(legacySecret), CreatedAt: t0}
	s := NewSigner([]store.SigningKey{testKey, legacyKey}, clock.NewFake(t0), maxAge)
	f.Add(s.Encode(Action{Kind: KindProgress, OccurrenceID: 42, Value: 50}, 7), int64(7))
	f.Add(s.Encode(Action{Kind: KindDone, OccurrenceID: 1 << 40}, -100123), int64(-100123))
	f.Add(legacyDone, int64(legacyChat))
	f.Add("p1.50.AAAAAAAAAAAAAAAA", int64(1))
	f.Add("p1.50.1.0.AAAAAAAAAAAAAAAA", int64(1))
	f.Add("d..", int64(0))
	f.Fuzz(func(t *testing.T, data string, chatID int64) {
		a, err := s.Decode(data, chatID)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
				t.Fatalf("Decode(%q): %v", data, err)
			}
			return
		}
		if data != s.Encode(a, chatID) && data != encodeLegacy(legacyKey, a, chatID) {
			t.Fatalf("Decode(%q) = %+v, which is neither of its canonical forms", data, a)
		}
	})
}

// Buttons of the release before versioned keys, made with its code from
// legacySecret.
const (
	legacySecret   = "legacy-key-0123456789abcdef01234"
	legacyChat     = 123456789
	legacyDone     = "d39u.0.o0O0AC9vzCi_mtUo"  // done, occurrence 4242
	legacyProgress = "p39u.50.ulyVLB0BRFXA7w2P" // 50%, occurrence 4242
)

// TestLegacyButtons: buttons signed before keys had versions verify with
// key 0, as if issued when key 0 was recorded (the upgrade), and expire
// like the others.
func TestLegacyButtons(t *testing.T) {
	upgraded := t0
	key0 := store.SigningKey{ID: 0, Secret: []byte(legacySecret), CreatedAt: upgraded}
	clk := clock.NewFake(upgraded.Add(time.Hour))
	s := NewSigner([]store.SigningKey{key0}, clk, maxAge)
	for data, want := range map[string]Action{
		legacyDone:     {Kind: KindDone, OccurrenceID: 4242},
		legacyProgress: {Kind: KindProgress, OccurrenceID: 4242, Value: 50},
	} {
		if a, err := s.Decode(data, legacyChat); err != nil || a != want {
			t.Errorf("Decode(%q) = %+v, %v; want %+v", data, a, err, want)
		}
		if _, err := s.Decode(data, legacyChat+1); !errors.Is(err, ErrInvalid) {
			t.Errorf("legacy button accepted in another chat: %v", err)
		}
	}
	// Key 0 signs new buttons in the versioned form until a rotation.
	if data := s.Encode(Action{Kind: KindDone, OccurrenceID: 4242}, legacyChat); !strings.HasPrefix(data, "d39u.0.0.") {
		t.Errorf("key 0 signs %q, want the versioned form with key id 0", data)
	}
	clk.Set(upgraded.Add(maxAge + time.Minute))
	if _, err := s.Decode(legacyDone, legacyChat); !errors.Is(err, ErrExpired) {
		t.Errorf("legacy button %v after the upgrade: %v, want ErrExpired", maxAge, err)
	}
}

// TestButtonsExpire: a button verifies up to the maximum age after it was
// issued, then is expired; a forged one stays invalid.
func TestButtonsExpire(t *testing.T) {
	s, clk := newTestSigner()
	const chat = 77
	a := Action{Kind: KindDone, OccurrenceID: 9}
	data := s.Encode(a, chat)
	clk.Set(t0.Add(maxAge))
	if got, err := s.Decode(data, chat); err != nil || got != a {
		t.Fatalf("at the maximum age: %+v, %v", got, err)
	}
	clk.Set(t0.Add(maxAge + time.Minute))
	if _, err := s.Decode(data, chat); !errors.Is(err, ErrExpired) {
		t.Fatalf("past the maximum age: %v, want ErrExpired", err)
	}
	if _, err := s.Decode(data, chat+1); !errors.Is(err, ErrInvalid) {
		t.Fatalf("past the maximum age, other chat: %v, want ErrInvalid", err)
	}
	never := NewSigner([]store.SigningKey{testKey}, clk, 0)
	if _, err := never.Decode(data, chat); err != nil {
		t.Fatalf("maximum age 0 expires buttons: %v", err)
	}
}

// TestRotatedKeys: after a rotation the new key signs; buttons of the old
// key verify until it retires, then are expired.
func TestRotatedKeys(t *testing.T) {
	clk := clock.NewFake(t0)
	const chat = 5
	a := Action{Kind: KindProgress, OccurrenceID: 12, Value: 75}
	oldData := NewSigner([]store.SigningKey{testKey}, clk, maxAge).Encode(a, chat)

	retire := t0.Add(7 * 24 * time.Hour)
	old := testKey
	old.RetireAt = &retire
	key2 := store.SigningKey{ID: 2, Secret: []byte("the new key, also of 32 bytes..."), CreatedAt: t0}
	s := NewSigner([]store.SigningKey{key2, old}, clk, maxAge)
	if s.KeyID() != 2 {
		t.Fatalf("signing key %d, want 2", s.KeyID())
	}
	newData := s.Encode(a, chat)
	if parts := strings.Split(newData, "."); parts[2] != "2" {
		t.Fatalf("new button %q not signed with key 2", newData)
	}
	for _, d := range []string{oldData, newData} {
		if got, err := s.Decode(d, chat); err != nil || got != a {
			t.Fatalf("Decode(%q) before the old key retires = %+v, %v", d, got, err)
		}
	}
	clk.Set(retire)
	if _, err := s.Decode(oldData, chat); !errors.Is(err, ErrExpired) {
		t.Errorf("old key's button once it retired: %v, want ErrExpired", err)
	}
	if _, err := s.Decode(newData, chat); err != nil {
		t.Errorf("new key's button: %v", err)
	}
}
