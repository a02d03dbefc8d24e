package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/store"
)

// TestTagIsTheSignedText: the tag is the HMAC-SHA256 of the text
// "v1|kind|occurrence|value|chat|key id|issued" under the key, truncated,
// whichever key signs and however many buttons the signer has signed
// before (its keyed hashes are reused): buttons already sent keep
// verifying.
func TestTagIsTheSignedText(t *testing.T) {
	keys := []store.SigningKey{
		{ID: 3, Secret: []byte("khóa mới nhất, ký các nút")},
		{ID: 1, Secret: []byte("khóa cũ, chỉ còn kiểm tra")},
	}
	s := NewSigner(keys, clock.NewFake(time.Date(2025, 11, 14, 1, 0, 0, 0, time.UTC)), 0)
	for i := range 50 {
		a := Action{Kind: KindProgress, OccurrenceID: int64(i*7919 + 1), Value: 25 * (i % 4)}
		if i%3 == 0 {
			a = Action{Kind: KindDone, OccurrenceID: int64(i + 1)}
		}
		chat := int64(-1001234567890 + i*1000003)
		issued := int64(29380000 + i)
		for _, key := range keys {
			m := hmac.New(sha256.New, key.Secret)
			fmt.Fprintf(m, "v1|%s|%d|%d|%d|%d|%d", a.Kind, a.OccurrenceID, a.Value, chat, key.ID, issued)
			want := m.Sum(nil)[:tagBytes]
			if got := s.tag(key, a, chat, issued); !hmac.Equal(got, want) {
				t.Fatalf("tag of %+v in chat %d with key %d = %x, want %x", a, chat, key.ID, got, want)
			}
		}
	}
}

// BenchmarkEncode signs one button, as the fan-out does for every button
// of every reminder.
func BenchmarkEncode(b *testing.B) {
	s := NewSigner([]store.SigningKey{{ID: 1, Secret: []byte("khóa ký các nút của buổi sáng")}}, clock.NewFake(time.Date(2025, 11, 14, 1, 0, 0, 0, time.UTC)), 0)
	a := Action{Kind: KindProgress, OccurrenceID: 1234567, Value: 50}
	b.ReportAllocs()
	for b.Loop() {
		s.Encode(a, 987654321)
	}
}
