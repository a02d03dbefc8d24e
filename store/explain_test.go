package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestExplainOpenDueThrough(t *testing.T) {
	st := storetest.New(t)
	lines, err := store.ExplainOpenDueThrough(context.Background(), st, plan.MustParseDate("2025-03-14"))
	if err != nil {
		t.Fatal(err)
	}
	if plan := strings.Join(lines, "\n"); !strings.Contains(plan, "occurrences") || !strings.Contains(plan, "Execution Time") {
		t.Errorf("not an EXPLAIN ANALYZE of the open-occurrence query:\n%s", plan)
	}
}

// TestOpenDueThroughUsesIndexOnlyScan checks what OpenDueThrough's doc
// comment promises: the remind decision's query can be answered by an index-only
// scan of occurrences_open_remind_idx, whose predicate implies the query's
// WHERE and whose columns cover its SELECT list. On the few rows of a test
// database the planner rightly prefers a sequential scan, and which plan it
// picks at scale depends on the data (make bench checks that on the
// 3,300-unit database), so the test turns sequential and bitmap scans off
// for its transaction: what is left to choose from are index scans, and the
// planner takes the index-only one only if the index covers the query. A
// column added to the query but not to the index, or a condition the
// partial index does not imply, makes it fail.
func TestOpenDueThroughUsesIndexOnlyScan(t *testing.T) {
	st := storetest.New(t)
	root, doc := explain(t, indexScansOnly(t, st), store.OpenDueThroughSQL, "2025-03-14")
	var scans []planNode
	root.walk(func(n planNode) {
		if n.RelationName == "occurrences" {
			scans = append(scans, n)
		}
	})
	if len(scans) != 1 || scans[0].NodeType != "Index Only Scan" || scans[0].IndexName != "occurrences_open_remind_idx" {
		t.Fatalf("the open-occurrence query does not read occurrences with one index-only scan of occurrences_open_remind_idx:\n%s", doc)
	}
	// It reads only the entries it returns: the due date bounds the scan
	// (an index condition, not a filter), and the index's predicate
	// implies every other condition, so nothing is read to be dropped.
	if scan := scans[0]; !strings.Contains(scan.IndexCond, "due <=") || scan.Filter != "" {
		t.Errorf("the index-only scan reads more than it returns (Index Cond %q, Filter %q):\n%s", scan.IndexCond, scan.Filter, doc)
	}
}

// planNode is a node of EXPLAIN (FORMAT JSON) output.
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
	Filter       string     `json:"Filter"`
	Plans        []planNode `json:"Plans"`
}

// walk calls f on n and every node below it.
func (n planNode) walk(f func(planNode)) {
	f(n)
	for _, c := range n.Plans {
		c.walk(f)
	}
}

// indexScansOnly begins a transaction of st with sequential and bitmap
// scans off, rolled back when the test ends: on the few rows of a test
// database the planner rightly reads tables whole, so a test of which
// index a query can use leaves it index scans alone to choose from.
func indexScansOnly(t *testing.T, st *store.Store) *sqlx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := st.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off`); err != nil {
		t.Fatal(err)
	}
	return tx
}

// explain returns the plan of query with args through q, and the
// EXPLAIN (FORMAT JSON) document for messages.
func explain(t *testing.T, q sqlx.QueryerContext, query string, args ...any) (planNode, []byte) {
	t.Helper()
	var doc []byte
	if err := sqlx.GetContext(context.Background(), q, &doc, `EXPLAIN (FORMAT JSON) `+query, args...); err != nil {
		t.Fatal(err)
	}
	var explained []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(doc, &explained); err != nil || len(explained) != 1 {
		t.Fatalf("EXPLAIN (FORMAT JSON) gave %s (%v)", doc, err)
	}
	return explained[0].Plan, doc
}

func TestExplainMetricsCounts(t *testing.T) {
	st := storetest.New(t)
	lines, err := store.ExplainMetricsCounts(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if plan := strings.Join(lines, "\n"); !strings.Contains(plan, "outbox") || !strings.Contains(plan, "Execution Time") {
		t.Errorf("not an EXPLAIN ANALYZE of the metrics counts:\n%s", plan)
	}
}

// TestOfficialOccurrencesStartsFromTheirTasks checks that an official's open
// items are found from the official's tasks (each way in by an index on the
// official, the lead's included) and their occurrences read by task, not by
// reading every open occurrence and testing who it belongs to; and that the
// other query of every /viec, the unassigned tasks of the departments the
// official heads, finds those departments by their head. As in
// TestOpenDueThroughUsesIndexOnlyScan, sequential and bitmap scans are off
// for the transaction: the few rows of a test database would rightly be
// read whole.
func TestOfficialOccurrencesStartsFromTheirTasks(t *testing.T) {
	st := storetest.New(t)
	tx := indexScansOnly(t, st)
	root, doc := explain(t, tx, store.OfficialOccurrencesSQL, 7, "2025-03-14", 50)
	var occScans []planNode
	leadIndex := false
	root.walk(func(n planNode) {
		if n.RelationName == "occurrences" {
			occScans = append(occScans, n)
		}
		if n.IndexName == "tasks_lead_idx" && strings.Contains(n.IndexCond, "lead_id") {
			leadIndex = true
		}
	})
	if !leadIndex {
		t.Errorf("the tasks an official leads are not found through tasks_lead_idx:\n%s", doc)
	}
	if len(occScans) != 1 || !strings.Contains(occScans[0].IndexCond, "task_id") {
		t.Errorf("occurrences are not read by task (one scan, an index condition on task_id):\n%s", doc)
	}

	// The other half of /viec: the tasks of the departments the official
	// heads, found by the head.
	root, doc = explain(t, tx, store.UnassignedOfHeadSQL, 7, 50)
	headIndex := false
	root.walk(func(n planNode) {
		if n.IndexName == "departments_head_idx" && strings.Contains(n.IndexCond, "head_id") {
			headIndex = true
		}
	})
	if !headIndex {
		t.Errorf("the departments an official heads are not found through departments_head_idx:\n%s", doc)
	}
}

// TestMarkSentFindsRowsByID checks that marking a delivered row sent finds
// it by its primary key whatever the planner's statistics say about the
// pending rows. The usual state of the outbox is almost nothing pending;
// a morning's fan-out then enqueues thousands of rows, and until the next
// ANALYZE the statistics still say that almost nothing is pending. With
// those statistics the planner answered "row id, if pending" from the
// partial index of pending rows, reading every pending row's entries for
// each row marked: 156 ms and 9,000 blocks a mark, the bottleneck of the
// country's morning. The test builds that state: many sent rows analyzed,
// then many pending rows the statistics have not seen.
func TestMarkSentFindsRowsByID(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	db := st.DB()
	if _, err := db.ExecContext(ctx, `
		INSERT INTO outbox (channel, chat_id, dedupe_key, kind, payload, status, next_attempt_at, created_at, sent_at)
		SELECT 'telegram', 1000 + g % 500, 'old:' || g, 'reminder', '{}', 'sent', now(), now(), now()
		FROM generate_series(1, 20000) g`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE outbox`); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := db.SelectContext(ctx, &ids, `
		INSERT INTO outbox (channel, chat_id, dedupe_key, kind, payload, next_attempt_at, created_at)
		SELECT 'telegram', 1000 + g % 500, 'new:' || g, 'reminder', '{}', now(), now()
		FROM generate_series(1, 20000) g
		RETURNING id`); err != nil {
		t.Fatal(err)
	}
	root, doc := explain(t, db, store.MarkSentSQL, pq.Array(ids[len(ids)/2:len(ids)/2+1]), pq.Array([]int64{42}), time.Now())
	var scans []planNode
	root.walk(func(n planNode) {
		if n.RelationName == "outbox" && n.NodeType != "ModifyTable" {
			scans = append(scans, n)
		}
	})
	if len(scans) != 1 || scans[0].IndexName != "outbox_pkey" || !strings.Contains(scans[0].IndexCond, "id =") {
		t.Fatalf("the sent mark does not find its row by outbox_pkey:\n%s", doc)
	}
}
