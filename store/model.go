package store

import (
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// Unit is a row of units.
type Unit struct {
	ID       int64  `db:"id"`
	Code     string `db:"code"`
	Name     string `db:"name"`
	ParentID *int64 `db:"parent_id"`
	Timezone string `db:"timezone"`
}

// Official is a row of officials.
type Official struct {
	ID               int64          `db:"id"`
	UnitID           int64          `db:"unit_id"`
	Key              string         `db:"key"`
	Name             string         `db:"name"`
	Position         string         `db:"position"`
	Roles            pq.StringArray `db:"roles"`
	Email            string         `db:"email"`
	Language         string         `db:"language"`
	TelegramUserID   *int64         `db:"telegram_user_id"`
	TelegramChatID   *int64         `db:"telegram_chat_id"`
	TelegramUsername string         `db:"telegram_username"`
	LinkedAt         *time.Time     `db:"linked_at"`
	UnreachableAt    *time.Time     `db:"unreachable_at"`
	ArchivedAt       *time.Time     `db:"archived_at"`
}

// HasRole reports whether the official holds role r.
func (o Official) HasRole(r plan.Role) bool {
	for _, have := range o.Roles {
		if have == string(r) {
			return true
		}
	}
	return false
}

// Manager reports whether the official may see plan-wide views and digests
// (chairman or office).
func (o Official) Manager() bool {
	return o.HasRole(plan.RoleChairman) || o.HasRole(plan.RoleOffice)
}

// Linked reports whether the official has a Telegram chat.
func (o Official) Linked() bool { return o.TelegramChatID != nil }

// OfficialColumns is the explicit column list matching Official.
const OfficialColumns = `id, unit_id, key, name, position, roles, email, language, telegram_user_id,
	telegram_chat_id, telegram_username, linked_at, unreachable_at, archived_at`

// Plan is a row of plans.
type Plan struct {
	ID     int64  `db:"id"`
	UnitID int64  `db:"unit_id"`
	Code   string `db:"code"`
	Title  string `db:"title"`
	Year   int    `db:"year"`
}

// Area is a row of areas.
type Area struct {
	ID       int64  `db:"id"`
	PlanID   int64  `db:"plan_id"`
	Code     string `db:"code"`
	Name     string `db:"name"`
	Position int    `db:"position"`
}

// Target is a row of targets.
type Target struct {
	ID         int64      `db:"id"`
	PlanID     int64      `db:"plan_id"`
	AreaID     int64      `db:"area_id"`
	Key        string     `db:"key"`
	Text       string     `db:"text"`
	Measure    string     `db:"measure"`
	Goal       float64    `db:"goal"`
	Comparator string     `db:"comparator"`
	OwnerID    int64      `db:"owner_id"`
	Every      string     `db:"every"`
	Position   int        `db:"position"`
	ArchivedAt *time.Time `db:"archived_at"`
}

// Task is a row of tasks.
type Task struct {
	ID         int64      `db:"id"`
	PlanID     int64      `db:"plan_id"`
	AreaID     int64      `db:"area_id"`
	Key        string     `db:"key"`
	Title      string     `db:"title"`
	LeadID     int64      `db:"lead_id"`
	Due        plan.Date  `db:"due"`
	Every      *string    `db:"every"`
	DueDay     *int       `db:"due_day"`
	StartDate  plan.Date  `db:"start_date"`
	EndDate    plan.Date  `db:"end_date"`
	Position   int        `db:"position"`
	ArchivedAt *time.Time `db:"archived_at"`
}

// Occurrence is a row of occurrences.
type Occurrence struct {
	ID           int64      `db:"id"`
	TaskID       int64      `db:"task_id"`
	Key          string     `db:"key"`
	NominalDue   plan.Date  `db:"nominal_due"`
	Due          plan.Date  `db:"due"`
	Percent      int        `db:"percent"`
	DoneAt       *time.Time `db:"done_at"`
	DoneBy       *int64     `db:"done_by"`
	LastReportAt *time.Time `db:"last_report_at"`
	ArchivedAt   *time.Time `db:"archived_at"`
}

// ProgressReport is a row of progress_reports.
type ProgressReport struct {
	ID                int64     `db:"id"`
	OccurrenceID      int64     `db:"occurrence_id"`
	OfficialID        *int64    `db:"official_id"`
	Percent           *int      `db:"percent"`
	Done              bool      `db:"done"`
	Note              string    `db:"note"`
	EvidenceKind      string    `db:"evidence_kind"`
	EvidenceFileID    string    `db:"evidence_file_id"`
	Source            string    `db:"source"`
	TelegramChatID    *int64    `db:"telegram_chat_id"`
	TelegramMessageID *int64    `db:"telegram_message_id"`
	TelegramUpdateID  *int64    `db:"telegram_update_id"`
	ReportedAt        time.Time `db:"reported_at"`
}
