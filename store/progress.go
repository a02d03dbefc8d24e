package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// ReportableOccurrence is an occurrence with what the bot needs to authorise and
// confirm an update to it: its task, the lead and the supporters.
type ReportableOccurrence struct {
	plan.Occurrence
	TaskKey      string        `db:"task_key"`
	TaskTitle    string        `db:"task_title"`
	TaskArchived bool          `db:"task_archived"`
	UnitID       int64         `db:"unit_id"`
	LeadID       int64         `db:"lead_id"`
	SupporterIDs pq.Int64Array `db:"supporter_ids"`
	// ReporterIDs are the others who may report: the official leads, the
	// current members of the lead departments and the heads of the
	// supporting departments (reporterIDsSelect).
	ReporterIDs pq.Int64Array `db:"reporter_ids"`
	AssigneeID  *int64        `db:"assignee_id"`
}

// CanUpdate reports whether the official officialID may report progress
// on the occurrence, by the rule of plan.MayReport, or as one of its
// ReporterIDs (any current member of a lead department).
func (o ReportableOccurrence) CanUpdate(officialID int64) bool {
	return plan.MayReport(officialID, o.LeadID, o.SupporterIDs) || slices.Contains(o.ReporterIDs, officialID)
}

// Done reports whether the occurrence is done.
func (o ReportableOccurrence) Done() bool { return o.DoneAt != nil }

// occurrenceInfoQuery selects ReportableOccurrence rows; callers add the WHERE.
const occurrenceInfoQuery = occurrenceInfoSelect + occurrenceInfoFrom

// occurrenceInfoSelect is the SELECT list of occurrenceInfoQuery, over
// occurrences o, tasks t and plans p.
const occurrenceInfoSelect = `
	SELECT o.id, o.task_id, o.key, o.nominal_due, o.due, o.percent, o.done_at, o.done_by,
	       o.last_report_at, o.archived_at,
	       t.key AS task_key, t.title AS task_title, t.archived_at IS NOT NULL AS task_archived,
	       p.unit_id, t.lead_id,
	       COALESCE((SELECT array_agg(ts.official_id ORDER BY ts.official_id)
	                 FROM task_supporters ts WHERE ts.task_id = t.id), '{}') AS supporter_ids,
	       t.assignee_id,` + reporterIDsSelect

// occurrenceInfoFrom is the FROM clause of occurrenceInfoQuery.
const occurrenceInfoFrom = `
	FROM occurrences o
	JOIN tasks t ON t.id = o.task_id
	JOIN plans p ON p.id = t.plan_id`

// ReportableOccurrenceByID returns the occurrence id with its task, or
// ErrNotFound.
func ReportableOccurrenceByID(ctx context.Context, rd Reader, id int64) (ReportableOccurrence, error) {
	q := rd.queryer()
	var o ReportableOccurrence
	if err := sqlx.GetContext(ctx, q, &o, occurrenceInfoQuery+` WHERE o.id = $1`, id); err != nil {
		return ReportableOccurrence{}, fmt.Errorf("store: occurrence %d: %w", id, notFound(err))
	}
	return o, nil
}

// officialOccurrencesSQL selects the open occurrences of the tasks official
// $1 leads, is assigned, supports or co-leads, due on or before $2, at most
// $3 of them. It starts from those tasks (each way in has an index on the
// official) and reads the occurrences of each task by task (a lateral
// sub-select, kept from being flattened by OFFSET 0, so that the planner
// cannot turn it around): the official's share of the installation,
// whatever its size. Written as a filter on occurrences ("the task's lead
// is $1 or …"), the planner read every open occurrence due by $2 and tested
// each: 10 s at 3,300 units.
const officialOccurrencesSQL = `
	WITH theirs AS MATERIALIZED (
		SELECT id AS task_id FROM tasks WHERE lead_id = $1
		UNION
		SELECT id FROM tasks WHERE assignee_id = $1
		UNION
		SELECT task_id FROM task_supporters WHERE official_id = $1
		UNION
		SELECT task_id FROM task_leads WHERE official_id = $1)` + occurrenceInfoSelect + `
	FROM theirs
	JOIN tasks t ON t.id = theirs.task_id
	JOIN plans p ON p.id = t.plan_id
	CROSS JOIN LATERAL (
		SELECT * FROM occurrences x
		WHERE x.task_id = t.id AND x.done_at IS NULL AND x.archived_at IS NULL AND x.due <= $2
		OFFSET 0) o
	WHERE t.archived_at IS NULL
	ORDER BY o.due, t.position, t.key, o.key
	LIMIT $3`

// OfficialOccurrences returns the open (not done, not archived) occurrences
// the official officialID leads or supports, due on or before through,
// ordered by due date, at most limit of them.
func OfficialOccurrences(ctx context.Context, rd Reader, officialID int64, through plan.Date, limit int) ([]ReportableOccurrence, error) {
	q := rd.queryer()
	var occs []ReportableOccurrence
	if err := sqlx.SelectContext(ctx, q, &occs, officialOccurrencesSQL, officialID, through, limit); err != nil {
		return nil, fmt.Errorf("store: open occurrences of official %d: %w", officialID, err)
	}
	return occs, nil
}

// Sources of a progress report or a target reading.
const (
	SourceTelegram = "telegram"
	SourceZalo     = "zalo"
	SourceCLI      = "cli"
	SourceDemo     = "demo"
)

// Evidence kinds of a progress report.
const (
	EvidencePhoto    = "photo"
	EvidenceDocument = "document"
)

// ProgressInput is one progress report about an occurrence.
type ProgressInput struct {
	OccurrenceID int64
	OfficialID   int64
	Percent      *int // nil: the report does not change the percent
	Done         bool // marks the occurrence done (percent 100)
	Note         string
	EvidenceKind string // "", EvidencePhoto or EvidenceDocument
	EvidenceFile string // Telegram file_id of the evidence
	Source       string
	// Where the report came from on Telegram; zero when not from Telegram.
	ChatID, MessageID, UpdateID int64
	// Bot is the Telegram bot whose update it is; "" for DefaultBot.
	Bot string
	Now time.Time
}

// ProgressResult is what RecordProgress did.
type ProgressResult struct {
	Occurrence ReportableOccurrence // the occurrence after the report
	// Duplicate is true when the Telegram update was already recorded for
	// this occurrence: nothing was changed.
	Duplicate bool
	// WasDone is true when the occurrence was already done before the
	// report; its percent and completion were left unchanged.
	WasDone bool
}

// RecordProgress appends a progress report to the history and applies it to
// the occurrence, under a row lock so that concurrent reports serialise: a
// percent sets occurrences.percent, Done or 100% marks the occurrence done
// by the reporting official at in.Now. An occurrence already done keeps its
// completion (the report is still kept, e.g. late evidence). A report from
// a Telegram update already recorded for the occurrence changes nothing.
func RecordProgress(ctx context.Context, stx *Tx, in ProgressInput) (ProgressResult, error) {
	tx := stx.tx
	if in.Percent != nil && (*in.Percent < 0 || *in.Percent > 100) {
		return ProgressResult{}, fmt.Errorf("store: record progress on occurrence %d: percent %d out of range", in.OccurrenceID, *in.Percent)
	}
	var doneAt *time.Time
	if err := tx.GetContext(ctx, &doneAt, `
		SELECT done_at FROM occurrences WHERE id = $1 FOR UPDATE`, in.OccurrenceID); err != nil {
		return ProgressResult{}, fmt.Errorf("store: record progress on occurrence %d: %w", in.OccurrenceID, notFound(err))
	}
	done := in.Done || (in.Percent != nil && *in.Percent == 100)
	percent := in.Percent
	if done {
		hundred := 100
		percent = &hundred
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO progress_reports (occurrence_id, official_id, percent, done, note, evidence_kind,
		                              evidence_file_id, source, telegram_chat_id, telegram_message_id,
		                              telegram_update_id, reported_at, telegram_bot)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, coalesce(nullif($13, ''), 'default'))
		ON CONFLICT (telegram_bot, telegram_update_id, occurrence_id) DO NOTHING`,
		in.OccurrenceID, nullID(in.OfficialID), percent, done, in.Note, in.EvidenceKind,
		in.EvidenceFile, in.Source, nullID(in.ChatID), nullID(in.MessageID), nullID(in.UpdateID), in.Now, in.Bot)
	if err != nil {
		return ProgressResult{}, fmt.Errorf("store: record progress on occurrence %d: insert report: %w", in.OccurrenceID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return ProgressResult{}, fmt.Errorf("store: record progress on occurrence %d: %w", in.OccurrenceID, err)
	}
	result := ProgressResult{Duplicate: n == 0, WasDone: doneAt != nil}
	if !result.Duplicate {
		_, err = tx.ExecContext(ctx, `
			UPDATE occurrences
			SET percent = CASE WHEN done_at IS NULL THEN COALESCE($2, percent) ELSE percent END,
			    done_at = CASE WHEN done_at IS NULL AND $3 THEN $4 ELSE done_at END,
			    done_by = CASE WHEN done_at IS NULL AND $3 THEN $5 ELSE done_by END,
			    last_report_at = $4, updated_at = $4
			WHERE id = $1`,
			in.OccurrenceID, percent, done, in.Now, nullID(in.OfficialID))
		if err != nil {
			return ProgressResult{}, fmt.Errorf("store: record progress on occurrence %d: update: %w", in.OccurrenceID, err)
		}
	}
	result.Occurrence, err = ReportableOccurrenceByID(ctx, stx, in.OccurrenceID)
	if err != nil {
		return ProgressResult{}, err
	}
	return result, nil
}

// ProgressReports returns the progress history of occurrence id, oldest
// first.
func ProgressReports(ctx context.Context, rd Reader, occurrenceID int64) ([]plan.ProgressReport, error) {
	q := rd.queryer()
	var reports []plan.ProgressReport
	err := sqlx.SelectContext(ctx, q, &reports, `
		SELECT id, occurrence_id, official_id, percent, done, note, evidence_kind, evidence_file_id,
		       source, telegram_chat_id, telegram_message_id, telegram_update_id, reported_at
		FROM progress_reports
		WHERE occurrence_id = $1
		ORDER BY reported_at, id`, occurrenceID)
	if err != nil {
		return nil, fmt.Errorf("store: progress reports of occurrence %d: %w", occurrenceID, err)
	}
	return reports, nil
}

// nullID maps 0 to SQL NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
