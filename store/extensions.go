package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// The statuses of an extension request.
const (
	ExtensionPending  = "pending"
	ExtensionApproved = "approved"
	ExtensionRejected = "rejected"
	ExtensionReplaced = "replaced"
)

// MaxExtensionReason is the longest reason of an extension request, in
// characters (the table's check says the same).
const MaxExtensionReason = 500

// ErrExtensionDecided is returned by DecideExtension for a request that is
// no longer pending (decided or replaced).
var ErrExtensionDecided = errors.New("store: extension request already decided")

// ExtensionRequest is one request for a later due date (gia hạn), with its
// decision and the names of who asked and who decided.
type ExtensionRequest struct {
	ID            int64      `db:"id"`
	OccurrenceID  int64      `db:"occurrence_id"`
	RequesterID   int64      `db:"requester_id"`
	RequesterName string     `db:"requester_name"`
	RequestedAt   time.Time  `db:"requested_at"`
	CurrentDue    plan.Date  `db:"current_due"` // the due date when asked
	RequestedDue  plan.Date  `db:"requested_due"`
	Reason        string     `db:"reason"`
	ApproverID    *int64     `db:"approver_id"`
	ApproverName  *string    `db:"approver_name"`
	Status        string     `db:"status"`
	DecidedBy     *int64     `db:"decided_by"`
	DecidedByName *string    `db:"decided_by_name"`
	DecidedAt     *time.Time `db:"decided_at"`
	DecidedDue    *plan.Date `db:"decided_due"`
}

// extensionQuery selects ExtensionRequest rows; callers add the WHERE.
const extensionQuery = `
	SELECT e.id, e.occurrence_id, e.requester_id, r.name AS requester_name, e.requested_at,
	       e.current_due, e.requested_due, e.reason, e.approver_id, a.name AS approver_name,
	       e.status, e.decided_by, d.name AS decided_by_name, e.decided_at, e.decided_due
	FROM extension_requests e
	JOIN officials r ON r.id = e.requester_id
	LEFT JOIN officials a ON a.id = e.approver_id
	LEFT JOIN officials d ON d.id = e.decided_by`

// ExtensionInput is a new extension request.
type ExtensionInput struct {
	OccurrenceID int64
	RequesterID  int64
	ApproverID   int64
	RequestedDue plan.Date
	Reason       string
	Now          time.Time
}

// CreateExtensionRequest records a pending request, in stx, after
// locking its occurrence: a pending request of the same occurrence is
// marked replaced and returned as replaced. The caller checks the rules
// (who may ask, the dates, the reason's length).
func CreateExtensionRequest(ctx context.Context, stx *Tx, in ExtensionInput) (req ExtensionRequest, replaced *ExtensionRequest, err error) {
	var due plan.Date
	if err := stx.tx.GetContext(ctx, &due, `SELECT due FROM occurrences WHERE id = $1 FOR UPDATE`, in.OccurrenceID); err != nil {
		return req, nil, fmt.Errorf("store: extension of occurrence %d: %w", in.OccurrenceID, notFound(err))
	}
	var old []ExtensionRequest
	if err := sqlx.SelectContext(ctx, stx.tx, &old, extensionQuery+`
		WHERE e.occurrence_id = $1 AND e.status = 'pending'`, in.OccurrenceID); err != nil {
		return req, nil, fmt.Errorf("store: pending extension of occurrence %d: %w", in.OccurrenceID, err)
	}
	if len(old) > 0 {
		if _, err := stx.tx.ExecContext(ctx, `
			UPDATE extension_requests SET status = 'replaced' WHERE id = $1`, old[0].ID); err != nil {
			return req, nil, fmt.Errorf("store: replace extension request %d: %w", old[0].ID, err)
		}
		replaced = &old[0]
	}
	var id int64
	if err := stx.tx.GetContext(ctx, &id, `
		INSERT INTO extension_requests (occurrence_id, requester_id, requested_at, current_due, requested_due, reason, approver_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		in.OccurrenceID, in.RequesterID, in.Now, due, in.RequestedDue, in.Reason, nullID(in.ApproverID)); err != nil {
		return req, nil, fmt.Errorf("store: record extension request of occurrence %d: %w", in.OccurrenceID, err)
	}
	req, err = ExtensionRequestByID(ctx, stx, id)
	return req, replaced, err
}

// ExtensionRequestByID returns the request id, or ErrNotFound.
func ExtensionRequestByID(ctx context.Context, rd Reader, id int64) (ExtensionRequest, error) {
	var r ExtensionRequest
	if err := sqlx.GetContext(ctx, rd.queryer(), &r, extensionQuery+` WHERE e.id = $1`, id); err != nil {
		return r, fmt.Errorf("store: extension request %d: %w", id, notFound(err))
	}
	return r, nil
}

// ExtensionRequestsOf returns the requests of the occurrences ids, oldest
// first.
func ExtensionRequestsOf(ctx context.Context, rd Reader, ids []int64) ([]ExtensionRequest, error) {
	var out []ExtensionRequest
	if len(ids) == 0 {
		return nil, nil
	}
	if err := sqlx.SelectContext(ctx, rd.queryer(), &out, extensionQuery+`
		WHERE e.occurrence_id = ANY($1) ORDER BY e.occurrence_id, e.requested_at, e.id`, pq.Int64Array(ids)); err != nil {
		return nil, fmt.Errorf("store: extension requests: %w", err)
	}
	return out, nil
}

// ExtensionDecision is the decision on a pending request.
type ExtensionDecision struct {
	RequestID int64
	DecidedBy int64
	Approve   bool
	// Due is the new due date of an approval (the requested date rolled
	// to a working day); ignored for a rejection.
	Due plan.Date
	// Today is the local date of the decision: an approval clears the
	// occurrence's escalation when the new due date is not before it.
	Today plan.Date
	Now   time.Time
}

// DecideExtension records, in stx, the decision on a pending request: an
// approval also moves its occurrence's due date to d.Due, keeps the plan's
// due date in original_due on the first approval (later ones keep it) and
// clears the escalation mark when the occurrence is no longer overdue. A
// request no longer pending returns ErrExtensionDecided and changes
// nothing.
func DecideExtension(ctx context.Context, stx *Tx, d ExtensionDecision) (ExtensionRequest, error) {
	status := ExtensionRejected
	var due any
	if d.Approve {
		status, due = ExtensionApproved, d.Due.String()
	}
	var occ int64
	err := stx.tx.GetContext(ctx, &occ, `
		UPDATE extension_requests SET status = $2, decided_by = $3, decided_at = $4, decided_due = $5
		WHERE id = $1 AND status = 'pending' RETURNING occurrence_id`,
		d.RequestID, status, d.DecidedBy, d.Now, due)
	if err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return ExtensionRequest{}, fmt.Errorf("store: decide extension request %d: %w", d.RequestID, ErrExtensionDecided)
		}
		return ExtensionRequest{}, fmt.Errorf("store: decide extension request %d: %w", d.RequestID, err)
	}
	if d.Approve {
		if _, err := stx.tx.ExecContext(ctx, `
			UPDATE occurrences SET original_due = COALESCE(original_due, due), due = $2,
			       escalated_at = CASE WHEN $2::date >= $3::date THEN NULL ELSE escalated_at END,
			       updated_at = $4
			WHERE id = $1`, occ, d.Due.String(), d.Today.String(), d.Now); err != nil {
			return ExtensionRequest{}, fmt.Errorf("store: extend occurrence %d: %w", occ, err)
		}
	}
	return ExtensionRequestByID(ctx, stx, d.RequestID)
}

// OriginalDue returns the plan's due date of an extended occurrence, and
// false when it was never extended.
func OriginalDue(ctx context.Context, rd Reader, occurrenceID int64) (plan.Date, bool, error) {
	var d *plan.Date
	if err := sqlx.GetContext(ctx, rd.queryer(), &d, `SELECT original_due FROM occurrences WHERE id = $1`, occurrenceID); err != nil {
		return plan.Date{}, false, fmt.Errorf("store: original due of occurrence %d: %w", occurrenceID, notFound(err))
	}
	if d == nil {
		return plan.Date{}, false, nil
	}
	return *d, true, nil
}

// Approver is who decides an occurrence's extension requests on a day.
type Approver struct {
	// ID is the approver (0: nobody can decide).
	ID int64
	// For is the official the approver stands in for (on leave), 0 when
	// the approver decides in their own right.
	For int64
}

// ExtensionApprover resolves who decides an extension of the occurrence
// occurrenceID on day: the supervisor of its task's area, else the unit's
// chairman; when that official is on leave that day, their stand-in
// present, else (for a supervisor) the chairman, and for a chairman or a
// vice-chairman a chairman or vice-chairman present (AbsencesOn).
func ExtensionApprover(ctx context.Context, rd Reader, occurrenceID int64, day plan.Date) (Approver, error) {
	var row struct {
		UnitID       int64  `db:"unit_id"`
		SupervisorID *int64 `db:"supervisor_id"`
		ChairmanID   *int64 `db:"chairman_id"`
	}
	err := sqlx.GetContext(ctx, rd.queryer(), &row, `
		SELECT p.unit_id,
		       (SELECT s.id FROM officials s WHERE s.id = a.supervisor_id AND s.archived_at IS NULL) AS supervisor_id,
		       (SELECT c.id FROM officials c WHERE c.unit_id = p.unit_id AND c.archived_at IS NULL
		          AND 'chairman' = ANY(c.roles) ORDER BY c.id LIMIT 1) AS chairman_id
		FROM occurrences o
		JOIN tasks t ON t.id = o.task_id
		JOIN plans p ON p.id = t.plan_id
		JOIN areas a ON a.id = t.area_id
		WHERE o.id = $1`, occurrenceID)
	if err != nil {
		return Approver{}, fmt.Errorf("store: approver of occurrence %d: %w", occurrenceID, notFound(err))
	}
	abs, err := AbsencesOn(ctx, rd, []int64{row.UnitID}, []plan.Date{day})
	if err != nil {
		return Approver{}, err
	}
	absent := make(map[int64]Absence, len(abs))
	for _, a := range abs {
		absent[a.OfficialID] = a
	}
	resolve := func(id int64) (Approver, bool) {
		a, away := absent[id]
		switch {
		case !away:
			return Approver{ID: id}, true
		case a.StandinID != nil:
			return Approver{ID: *a.StandinID, For: id}, true
		case a.CoverID != nil:
			return Approver{ID: *a.CoverID, For: id}, true
		}
		return Approver{}, false
	}
	if row.SupervisorID != nil {
		if ap, ok := resolve(*row.SupervisorID); ok {
			return ap, nil
		}
	}
	if row.ChairmanID != nil {
		if ap, ok := resolve(*row.ChairmanID); ok {
			if row.SupervisorID != nil && ap.For == 0 {
				ap.For = *row.SupervisorID
			}
			return ap, nil
		}
	}
	return Approver{}, nil
}

// TaskOccurrencesByKey returns the occurrences (not archived) of the task
// key of unit unitID's plans, by due date, with ErrNotFound when the unit
// has no such task (or it is archived).
func TaskOccurrencesByKey(ctx context.Context, rd Reader, unitID int64, key string) ([]ReportableOccurrence, error) {
	var out []ReportableOccurrence
	if err := sqlx.SelectContext(ctx, rd.queryer(), &out, occurrenceInfoQuery+`
		WHERE p.unit_id = $1 AND lower(t.key) = lower($2) AND t.archived_at IS NULL AND o.archived_at IS NULL
		ORDER BY o.due, o.id`, unitID, key); err != nil {
		return nil, fmt.Errorf("store: occurrences of task %s: %w", key, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: task %s: %w", key, ErrNotFound)
	}
	return out, nil
}
