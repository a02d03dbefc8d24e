package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestExplainOpenDueThrough(t *testing.T) {
	st := storetest.New(t)
	lines, err := store.ExplainOpenDueThrough(context.Background(), st.DB(), plan.MustParseDate("2025-03-14"))
	if err != nil {
		t.Fatal(err)
	}
	if plan := strings.Join(lines, "\n"); !strings.Contains(plan, "occurrences") || !strings.Contains(plan, "Execution Time") {
		t.Errorf("not an EXPLAIN ANALYZE of the open-occurrence query:\n%s", plan)
	}
}

func TestExplainMetricsCounts(t *testing.T) {
	st := storetest.New(t)
	lines, err := store.ExplainMetricsCounts(context.Background(), st.DB())
	if err != nil {
		t.Fatal(err)
	}
	if plan := strings.Join(lines, "\n"); !strings.Contains(plan, "outbox") || !strings.Contains(plan, "Execution Time") {
		t.Errorf("not an EXPLAIN ANALYZE of the metrics counts:\n%s", plan)
	}
}
