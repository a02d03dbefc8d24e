package ratelimit

import (
	"testing"
	"time"
)

func TestTake(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	l := Limit{Burst: 3, Every: 3 * time.Second}
	b := l.Full(t0)
	for i := 1; i <= 3; i++ {
		var ok bool
		if b, ok = l.Take(b, t0); !ok {
			t.Fatalf("take %d of a full bucket of 3 refused", i)
		}
	}
	var ok bool
	if b, ok = l.Take(b, t0); ok {
		t.Fatal("fourth take at the same instant allowed")
	}
	if b, ok = l.Take(b, t0.Add(2*time.Second)); ok {
		t.Fatal("take allowed 2 s later, before a token was regained")
	}
	if b, ok = l.Take(b, t0.Add(3*time.Second)); !ok {
		t.Fatal("take refused 3 s later: refused attempts must not delay the refill")
	}
	// A long pause refills to the burst, not beyond.
	b = l.Refill(b, t0.Add(time.Hour))
	if b.Tokens != 3 {
		t.Fatalf("tokens after an hour: %v, want 3", b.Tokens)
	}
	// A clock that went back regains nothing and keeps the later instant.
	b = Bucket{Tokens: 0, At: t0.Add(time.Minute)}
	if got := l.Refill(b, t0); got != b {
		t.Fatalf("refill with the clock going back: %+v, want %+v", got, b)
	}
}

func TestZeroLimits(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	none := Limit{Burst: 0, Every: time.Second}
	if _, ok := none.Take(none.Full(t0), t0.Add(time.Hour)); ok {
		t.Fatal("a limit of burst 0 allowed a take")
	}
	once := Limit{Burst: 1}
	b, ok := once.Take(once.Full(t0), t0)
	if !ok {
		t.Fatal("first take refused")
	}
	if _, ok := once.Take(b, t0.Add(24*time.Hour)); ok {
		t.Fatal("a limit without refill refilled")
	}
}
