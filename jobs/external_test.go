package jobs_test

import (
	"context"
	"strings"
	"testing"
)

// TestExternalTargetNotAsked: the reading-request job never asks the owner
// of an external target (measured by others) for a reading, while the same
// owner's other targets are asked as before.
func TestExternalTargetNotAsked(t *testing.T) {
	e := newEnv(t, eachConfig())
	ctx := context.Background()
	if _, err := e.st.DB().ExecContext(ctx, `UPDATE targets SET kind = 'external' WHERE key = 'the-che-kiem-tra-quyet-dinh'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.RunAt(ctx, at("2025-01-14 09:00")); err != nil {
		t.Fatal(err)
	}
	var asked, external int
	for _, m := range e.outbox() {
		if m.Kind != "reading_request" || m.Official != "tu-phap" {
			continue
		}
		asked++
		if strings.Contains(m.Text, "100% các Quyết định của UBND phường") {
			external++
		}
	}
	if external != 0 {
		t.Errorf("%d requests for the external target, want 0", external)
	}
	if asked == 0 {
		t.Error("no reading request to tu-phap at all: the test proves nothing")
	}
}
