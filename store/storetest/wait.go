package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/internal/waitfor"
	"github.com/nhacviec/nhacviec/store"
)

// WaitOutbox waits until cond holds for the outbox rows of st (every kind,
// in id order) and returns them. The worker marks rows sent without
// signalling, so the rows are re-read every few milliseconds; after
// waitfor.Timeout it fails t naming what and listing the rows it saw.
func WaitOutbox(t testing.TB, st *store.Store, what string, cond func(rows []store.OutboxRow) bool) []store.OutboxRow {
	t.Helper()
	var rows []store.OutboxRow
	waitfor.Until(t, what, nil, func() (bool, string) {
		var err error
		rows, err = st.OutboxRows(context.Background(), "")
		if err != nil {
			return false, err.Error()
		}
		if cond(rows) {
			return true, ""
		}
		return false, describeOutbox(rows)
	})
	return rows
}

// WaitDelivered waits until no outbox row of st is pending (each was sent
// or given up). Counting keeps it cheap on a large outbox; after
// waitfor.Timeout it fails t with the counts it saw.
func WaitDelivered(t testing.TB, st *store.Store) {
	t.Helper()
	waitfor.Until(t, "the outbox to have nothing pending", nil, func() (bool, string) {
		c, err := st.OutboxCounts(context.Background())
		if err != nil {
			return false, err.Error()
		}
		return c.Pending == 0, fmt.Sprintf("%d pending, %d sent, %d dead", c.Pending, c.Sent, c.Dead)
	})
}

// describeOutbox lists rows for a failure message.
func describeOutbox(rows []store.OutboxRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d outbox rows:", len(rows))
	for _, r := range rows {
		fmt.Fprintf(&b, "\n  #%d %s to %d %q: %s, %d attempts", r.ID, r.Kind, r.ChatID, r.DedupeKey, r.Status, r.Attempts)
		if r.LastError != "" {
			fmt.Fprintf(&b, " (%s)", r.LastError)
		}
	}
	return b.String()
}
