package callback

import (
	"errors"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func TestRoundTrip(t *testing.T) {
	s := NewSigner(testKey)
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

func TestDecodeRejects(t *testing.T) {
	s := NewSigner(testKey)
	const chat = 1000
	good := s.Encode(Action{Kind: KindProgress, OccurrenceID: 42, Value: 50}, chat)
	done := s.Encode(Action{Kind: KindDone, OccurrenceID: 42}, chat)
	dot1 := strings.Index(good, ".")
	dot2 := strings.LastIndex(good, ".")
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
		{"other key", NewSigner([]byte("another key")).Encode(Action{Kind: KindDone, OccurrenceID: 42}, chat), chat},
		{"value changed", good[:dot1] + ".75" + good[dot2:], chat},
		{"occurrence changed", "p1b" + good[dot1:], chat},
		{"kind changed", "d" + done[1:dot1] + ".50" + good[dot2:], chat},
		{"tag flipped", flip(good, len(good)-3), chat},
		{"tag truncated", good[:len(good)-1], chat},
		{"leading zero value", good[:dot1] + ".050" + good[dot2:], chat},
		{"plus value", good[:dot1] + ".+50" + good[dot2:], chat},
		{"upper-case id", strings.ToUpper(good[:dot1]) + good[dot1:], chat},
		{"unknown kind", "x" + good[1:], chat},
		{"no dots", "p1", chat},
		{"too long", good + strings.Repeat("A", 64), chat},
		{"out of range unsigned", "p" + "1y2p0ij32e8e8" + ".50." + good[dot2+1:], chat},
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
	s := NewSigner(testKey)
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
	s := NewSigner(testKey)
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
			if len(kb) != 2 || len(kb[0]) != 3 || len(kb[1]) != 1 {
				t.Fatalf("keyboard shape = %v, want rows of 3 and 1", kb)
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
		})
	}
}

func FuzzDecode(f *testing.F) {
	s := NewSigner(testKey)
	f.Add(s.Encode(Action{Kind: KindProgress, OccurrenceID: 42, Value: 50}, 7), int64(7))
	f.Add(s.Encode(Action{Kind: KindDone, OccurrenceID: 1 << 40}, -100123), int64(-100123))
	f.Add("p1.50.AAAAAAAAAAAAAAAA", int64(1))
	f.Add("d..", int64(0))
	f.Fuzz(func(t *testing.T, data string, chatID int64) {
		a, err := s.Decode(data, chatID)
		if err != nil {
			return
		}
		if again := s.Encode(a, chatID); again != data {
			t.Fatalf("Decode(%q) = %+v, which re-encodes as %q", data, a, again)
		}
	})
}
