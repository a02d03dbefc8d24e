package delivery_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// BenchmarkDeliver measures one message through the whole outbox path:
// store.Enqueue, a claim, the go-telegram/bot client sending to the fake
// Telegram server over HTTP, and the row marked sent. No rate limits.
func BenchmarkDeliver(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	fake := telegramtest.New()
	defer fake.Close()
	api, err := tgbot.New(fake.Token(), tgbot.WithServerURL(fake.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		b.Fatal(err)
	}
	w := delivery.NewLane(st, telegram.NewSender(api), clock.Real{}, slog.New(slog.NewTextHandler(io.Discard, nil)),
		delivery.Options{RatePerSecond: 1e6, PerChatInterval: time.Nanosecond})
	payload := store.Payload{Text: "<b>Nhắc việc</b>\nNhiệm vụ: Tổng hợp báo cáo kết quả theo dõi CCHC"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := store.Enqueue(ctx, st, store.OutMessage{
			ChatID: int64(1000 + i), DedupeKey: fmt.Sprintf("bench:%d", i), Kind: "notice", Payload: payload, NotBefore: time.Now(),
		})
		if err != nil {
			b.Fatal(err)
		}
		n, err := w.DrainOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n != 1 {
			b.Fatalf("drain sent %d messages, want 1", n)
		}
	}
}

// BenchmarkDrainBurst drains a burst of 500 pending messages to 500 chats
// with one message in flight (the default: at most one duplicate per crash)
// and with 16, and reports messages per second.
func BenchmarkDrainBurst(b *testing.B) {
	for _, inFlight := range []int{1, 16} {
		b.Run(fmt.Sprintf("in_flight=%d", inFlight), func(b *testing.B) {
			ctx := context.Background()
			st := storetest.New(b)
			fake := telegramtest.New()
			defer fake.Close()
			api, err := tgbot.New(fake.Token(), tgbot.WithServerURL(fake.URL()), tgbot.WithSkipGetMe())
			if err != nil {
				b.Fatal(err)
			}
			w := delivery.NewLane(st, telegram.NewSender(api), clock.Real{}, slog.New(slog.NewTextHandler(io.Discard, nil)),
				delivery.Options{RatePerSecond: 1e6, PerChatInterval: time.Nanosecond, Batch: 50, MaxInFlight: inFlight})
			payload := store.Payload{Text: "<b>Nhắc việc</b>\nNhiệm vụ: Tổng hợp báo cáo kết quả theo dõi CCHC"}
			const burst = 500
			var total time.Duration
			for i := 0; i < b.N; i++ {
				msgs := make([]store.OutMessage, burst)
				for j := range msgs {
					msgs[j] = store.OutMessage{ChatID: int64(1000 + j), DedupeKey: fmt.Sprintf("burst:%d:%d", i, j),
						Kind: "notice", Payload: payload, NotBefore: time.Now()}
				}
				if _, err := store.EnqueueMany(ctx, st, msgs); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for sent := 0; sent < burst; {
					n, err := w.DrainOnce(ctx)
					if err != nil {
						b.Fatal(err)
					}
					sent += n
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(burst*b.N)/total.Seconds(), "msgs/s")
		})
	}
}
