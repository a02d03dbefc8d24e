package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
)

func TestConsoleSender(t *testing.T) {
	var b strings.Builder
	s := telegram.NewConsoleSender(&b)
	r1, err := s.Send(context.Background(), 7, store.Payload{Text: "<b>Nhắc việc</b> &amp; hạn", Buttons: [][]store.Button{{{Text: "✅ Hoàn thành", Data: "x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := s.Send(context.Background(), 7, store.Payload{Text: "hai"})
	if id1, id2 := r1.MessageID, r2.MessageID; id1 != 1 || id2 != 2 {
		t.Fatalf("ids %d, %d; want 1, 2", id1, id2)
	}
	out := b.String()
	for _, want := range []string{"chat 7", "Nhắc việc & hạn", "[✅ Hoàn thành]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<b>") {
		t.Errorf("tags not stripped:\n%s", out)
	}
}
