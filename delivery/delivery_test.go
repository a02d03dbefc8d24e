package delivery_test

import (
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/delivery"
)

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 8 * time.Second} {
		for i := 0; i < 50; i++ {
			d := delivery.Backoff(attempt, time.Second, 8*time.Second)
			if d < want/2 || d > want {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
}

func TestPolicyRetry(t *testing.T) {
	p := delivery.Policy{MaxAttempts: 3, BaseBackoff: time.Second, MaxBackoff: 8 * time.Second}
	for attempt := 1; attempt < 3; attempt++ {
		if d, dead := p.Retry(attempt); dead || d <= 0 {
			t.Errorf("Retry(%d) = %v, %v; want a wait, not dead", attempt, d, dead)
		}
	}
	if _, dead := p.Retry(3); !dead {
		t.Error("Retry(3) with MaxAttempts 3: not dead")
	}
}

func TestCounters(t *testing.T) {
	var c delivery.Counters
	c.Sent(2 * time.Second)
	c.Sent(time.Second)
	c.Failed()
	c.Retried()
	c.Dead()
	want := delivery.Counts{Sent: 2, Failed: 1, Dead: 1, Retried: 1, SendLatency: 3 * time.Second}
	if got := c.Counts(); got != want {
		t.Errorf("Counts() = %+v, want %+v", got, want)
	}
}
