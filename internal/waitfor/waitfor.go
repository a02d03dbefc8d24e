// Package waitfor is how tests wait for something another goroutine or
// process does: until a condition holds, re-checked on each event that may
// have changed it, and failing with what was awaited and what was last
// seen.
//
// The deadline is not part of what a test asserts: it is long enough that
// only a hang reaches it, even on a slow, shared machine.
package waitfor

import (
	"testing"
	"time"
)

// Timeout is how long Until waits before failing the test.
const Timeout = 2 * time.Minute

// pollEvery is how often a condition without events is re-checked.
const pollEvery = 10 * time.Millisecond

// Until waits until cond reports done. cond also describes what it saw,
// for the failure message. It is checked at once and then each time
// changed delivers or is closed (changed is called before each check, so
// that it may return a fresh channel); a nil changed re-checks every few
// milliseconds, for conditions nothing signals (a database row, an HTTP
// answer). After Timeout it fails t naming what and the last thing seen.
func Until(t testing.TB, what string, changed func() <-chan struct{}, cond func() (done bool, seen string)) {
	t.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	for {
		var next <-chan struct{}
		if changed != nil {
			next = changed()
		}
		done, seen := cond()
		if done {
			return
		}
		var tick <-chan time.Time
		if next == nil {
			tick = time.After(pollEvery)
		}
		select {
		case <-next:
		case <-tick:
		case <-deadline.C:
			if seen == "" {
				t.Fatalf("waited %s for %s", Timeout, what)
			}
			t.Fatalf("waited %s for %s; saw:\n%s", Timeout, what, seen)
		}
	}
}

// Poll is Until for a condition nothing signals, that has nothing to say
// about what it saw.
func Poll(t testing.TB, what string, cond func() bool) {
	t.Helper()
	Until(t, what, nil, func() (bool, string) { return cond(), "" })
}
