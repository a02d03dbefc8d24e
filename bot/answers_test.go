package bot

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestMemo checks the rules of the answer memo: reuse within ttl, a new
// computation after it or when the clock went back, failures and panics
// not kept, and a caller that must not wait computing on its own.
func TestMemo(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	m := newMemo[int](time.Minute)
	key := answerKey{unitID: 1, what: "digest", arg: "2025-03"}
	calls := 0
	compute := func() (int, error) { calls++; return calls, nil }

	steps := []struct {
		at   time.Time
		want int
	}{
		{t0, 1},
		{t0.Add(59 * time.Second), 1},  // reused
		{t0.Add(time.Minute), 2},       // expired
		{t0.Add(30 * time.Second), 3},  // the clock went back: not reused
		{t0.Add(-30 * time.Second), 4}, // before the entry: not reused
	}
	for i, s := range steps {
		if got, err := m.get(ctx, key, s.at, true, compute); err != nil || got != s.want {
			t.Fatalf("step %d: %d, %v; want %d", i, got, err, s.want)
		}
	}
	other := answerKey{unitID: 2, what: "digest", arg: "2025-03"}
	if got, _ := m.get(ctx, other, t0, true, compute); got != 5 {
		t.Fatalf("another unit reused the first unit's answer: %d", got)
	}

	boom := errors.New("boom")
	if _, err := m.get(ctx, answerKey{unitID: 3}, t0, true, func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("error not returned: %v", err)
	}
	if got, err := m.get(ctx, answerKey{unitID: 3}, t0, true, func() (int, error) { return 7, nil }); err != nil || got != 7 {
		t.Fatalf("a failure was kept: %d, %v", got, err)
	}

	func() {
		defer func() { _ = recover() }()
		_, _ = m.get(ctx, answerKey{unitID: 4}, t0, true, func() (int, error) { panic("compile") })
	}()
	if got, err := m.get(ctx, answerKey{unitID: 4}, t0, true, func() (int, error) { return 8, nil }); err != nil || got != 8 {
		t.Fatalf("a panic was kept: %d, %v", got, err)
	}

	// While one computation is in progress, a waiting caller gets its
	// result, and a caller that must not wait computes on its own.
	release := make(chan struct{})
	started := make(chan struct{})
	slow := answerKey{unitID: 5}
	done := make(chan int)
	go func() {
		v, _ := m.get(ctx, slow, t0, true, func() (int, error) { close(started); <-release; return 10, nil })
		done <- v
	}()
	<-started
	if got, _ := m.get(ctx, slow, t0, false, func() (int, error) { return 11, nil }); got != 11 {
		t.Fatalf("a caller that must not wait got %d", got)
	}
	waited := make(chan int)
	go func() {
		v, _ := m.get(ctx, slow, t0, true, func() (int, error) { return 12, nil })
		waited <- v
	}()
	close(release)
	if a, b := <-done, <-waited; a != 10 || b != 10 {
		t.Fatalf("computer got %d, waiter %d; want both 10", a, b)
	}
}
