package waitfor_test

import (
	"sync"
	"testing"

	"github.com/nhacviec/nhacviec/internal/waitfor"
)

// TestUntilWakesOnEvents: the condition is re-checked when the event
// channel is closed, and Until returns once it holds.
func TestUntilWakesOnEvents(t *testing.T) {
	var mu sync.Mutex
	n := 0
	changed := make(chan struct{})
	changes := func() <-chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		return changed
	}
	go func() {
		for range 3 {
			mu.Lock()
			n++
			close(changed)
			changed = make(chan struct{})
			mu.Unlock()
		}
	}()
	waitfor.Until(t, "three events", changes, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return n == 3, ""
	})
}

// TestPoll: a condition nothing signals is re-checked until it holds.
func TestPoll(t *testing.T) {
	calls := 0
	waitfor.Poll(t, "the third check", func() bool { calls++; return calls == 3 })
}
