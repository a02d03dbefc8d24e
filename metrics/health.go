package metrics

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/clock"
)

// Check is one part of the health check: Func returns nil when the part
// works.
type Check struct {
	Name string // key in the /healthz answer, e.g. "database"
	Func func(ctx context.Context) error
	// Degrades marks a part the service works without for a while (an
	// external API): its failure answers 200 with "status":"degraded",
	// <name>:"unreachable" and the error under <name>_error, so the error
	// must hold no secret. Other failures answer 503.
	Degrades bool
}

// healthTimeout bounds all checks of one request.
const healthTimeout = 5 * time.Second

// HealthHandler answers /healthz: 200 with {"status":"ok", <name>:"ok", ...}
// when every check passes, else 503 with "status":"fail" and "fail" for
// each failing part. Error details go to log only: they may hold secrets
// (the bot token is part of every Bot API URL). A failing check that
// Degrades answers 200 with "status":"degraded" (unless another failed)
// and its error in the answer.
func HealthHandler(log *slog.Logger, checks ...Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		answer := map[string]string{"status": "ok"}
		code := http.StatusOK
		for _, c := range checks {
			err := c.Func(ctx)
			if err != nil && c.Degrades {
				answer[c.Name] = "unreachable"
				answer[c.Name+"_error"] = err.Error()
				if answer["status"] == "ok" {
					answer["status"] = "degraded"
				}
				continue
			}
			if err != nil {
				answer[c.Name] = "fail"
				answer["status"] = "fail"
				code = http.StatusServiceUnavailable
				if log != nil {
					log.Warn("healthz: check failed", "part", c.Name, "err", err)
				}
				continue
			}
			answer[c.Name] = "ok"
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(answer) // encoding/json sorts map keys
	})
}

// Cached wraps check so that it runs at most once per ttl (by clk) and
// otherwise repeats its last result: a monitoring system polling /healthz
// often must not turn into a stream of getMe calls to Telegram.
func Cached(clk clock.Clock, ttl time.Duration, check func(ctx context.Context) error) func(ctx context.Context) error {
	var (
		mu      sync.Mutex
		checked time.Time
		last    error
	)
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		now := clk.Now()
		if age := now.Sub(checked); !checked.IsZero() && age >= 0 && age < ttl {
			return last
		}
		last = check(ctx)
		checked = now
		return last
	}
}
