package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestExtensionSurvivesReimportAndRedate: an approved extension moves an
// open occurrence's due date and keeps the plan's; importing the same
// plan again and re-dating it by another calendar leave the approved date
// alone, while the other occurrences are re-dated; a second decision on
// the request changes nothing.
func TestExtensionSurvivesReimportAndRedate(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	none := calendarWith(t, plan.RulesNone)
	importFile(t, st, exampleFile(t), none)

	var occ, requester int64
	var due plan.Date
	if err := storetest.SQLTx(ctx, st, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &occ, `SELECT o.id FROM occurrences o WHERE o.done_at IS NULL AND NOT o.ongoing ORDER BY o.due, o.id LIMIT 1`); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &due, `SELECT due FROM occurrences WHERE id = $1`, occ); err != nil {
			return err
		}
		return tx.GetContext(ctx, &requester, `SELECT t.lead_id FROM occurrences o JOIN tasks t ON t.id = o.task_id WHERE o.id = $1`, occ)
	}); err != nil {
		t.Fatal(err)
	}
	today := due.AddDays(-3)
	ap, err := store.ExtensionApprover(ctx, st, occ, today)
	if err != nil || ap.ID == 0 {
		t.Fatalf("approver: %+v, %v", ap, err)
	}
	extended := due.AddDays(20)
	var reqID int64
	if err := st.Tx(ctx, func(tx *store.Tx) error {
		req, replaced, err := store.CreateExtensionRequest(ctx, tx, store.ExtensionInput{
			OccurrenceID: occ, RequesterID: requester, ApproverID: ap.ID, RequestedDue: extended, Reason: "chờ số liệu", Now: importNow,
		})
		if err != nil || replaced != nil {
			return errors.Join(err, errors.New("unexpected replaced request"))
		}
		reqID = req.ID
		_, err = store.DecideExtension(ctx, tx, store.ExtensionDecision{
			RequestID: req.ID, DecidedBy: ap.ID, Approve: true, Due: extended, Today: today, Now: importNow,
		})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		var got struct {
			Due      plan.Date  `db:"due"`
			Original *plan.Date `db:"original_due"`
		}
		if err := st.DB().GetContext(ctx, &got, `SELECT due, original_due FROM occurrences WHERE id = $1`, occ); err != nil {
			t.Fatal(err)
		}
		if got.Due != extended || got.Original == nil || *got.Original != due {
			t.Fatalf("%s: due %s, original %v; want %s, %s", when, got.Due, got.Original, extended, due)
		}
	}
	check("after approval")

	importFile(t, st, exampleFile(t), none)
	check("after a re-import")
	if _, err := st.RedateOccurrences(ctx, calendarWith(t, plan.RulesVietnam), importNow); err != nil {
		t.Fatal(err)
	}
	check("after re-dating by another calendar")

	err = st.Tx(ctx, func(tx *store.Tx) error {
		_, err := store.DecideExtension(ctx, tx, store.ExtensionDecision{
			RequestID: reqID, DecidedBy: ap.ID, Approve: false, Today: today, Now: importNow,
		})
		return err
	})
	if !errors.Is(err, store.ErrExtensionDecided) {
		t.Fatalf("second decision: %v, want ErrExtensionDecided", err)
	}
	check("after a second decision")
	hist, err := store.ExtensionRequestsOf(ctx, st, []int64{occ})
	if err != nil || len(hist) != 1 || hist[0].Status != store.ExtensionApproved || hist[0].DecidedByName == nil || hist[0].CurrentDue != due {
		t.Fatalf("history: %+v, %v", hist, err)
	}
}

// TestExtensionApprover: the area's supervisor; on leave, their stand-in;
// on leave without one, the chairman; without a supervisor, the chairman.
func TestExtensionApprover(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	var occ, unit, area, supervisor, standin, chairman int64
	if err := storetest.SQLTx(ctx, st, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &occ, `SELECT id FROM occurrences ORDER BY id LIMIT 1`); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &area, `SELECT t.area_id FROM occurrences o JOIN tasks t ON t.id = o.task_id WHERE o.id = $1`, occ); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &unit, `SELECT unit_id FROM officials LIMIT 1`); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &chairman, `SELECT id FROM officials WHERE 'chairman' = ANY(roles) ORDER BY id LIMIT 1`); err != nil {
			return err
		}
		var others []int64
		if err := tx.SelectContext(ctx, &others, `SELECT id FROM officials WHERE NOT ('chairman' = ANY(roles)) ORDER BY id LIMIT 2`); err != nil {
			return err
		}
		supervisor, standin = others[0], others[1]
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	day := plan.NewDate(2025, 5, 5)
	want := func(label string, id, forID int64) {
		t.Helper()
		ap, err := store.ExtensionApprover(ctx, st, occ, day)
		if err != nil || ap.ID != id || ap.For != forID {
			t.Fatalf("%s: %+v, %v; want %d for %d", label, ap, err, id, forID)
		}
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE areas SET supervisor_id = NULL WHERE id = $1`, area); err != nil {
		t.Fatal(err)
	}
	want("no supervisor", chairman, 0)
	if _, err := st.DB().ExecContext(ctx, `UPDATE areas SET supervisor_id = $2 WHERE id = $1`, area, supervisor); err != nil {
		t.Fatal(err)
	}
	want("supervisor", supervisor, 0)
	var leave store.Leave
	if err := st.Tx(ctx, func(tx *store.Tx) error {
		var err error
		leave, err = store.CreateLeave(ctx, tx, store.LeaveInput{UnitID: unit, OfficialID: supervisor, From: day, To: day, StandinID: standin, Now: importNow})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want("supervisor on leave with a stand-in", standin, supervisor)
	if _, err := st.DB().ExecContext(ctx, `UPDATE leaves SET standin_id = NULL WHERE id = $1`, leave.ID); err != nil {
		t.Fatal(err)
	}
	want("supervisor on leave alone", chairman, supervisor)
}
