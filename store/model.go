package store

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
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
	ID               int64      `db:"id"`
	UnitID           int64      `db:"unit_id"`
	Key              string     `db:"key"`
	Name             string     `db:"name"`
	Position         string     `db:"position"`
	Roles            Roles      `db:"roles"`
	Email            string     `db:"email"`
	Language         string     `db:"language"`
	TelegramUserID   *int64     `db:"telegram_user_id"`
	TelegramChatID   *int64     `db:"telegram_chat_id"`
	TelegramUsername string     `db:"telegram_username"`
	LinkedAt         *time.Time `db:"linked_at"`
	UnreachableAt    *time.Time `db:"unreachable_at"`
	ArchivedAt       *time.Time `db:"archived_at"`
}

// HasRole reports whether the official holds role r.
func (o Official) HasRole(r plan.Role) bool { return slices.Contains(o.Roles, r) }

// Manager reports whether the official may see plan-wide views and digests
// (chairman or office).
func (o Official) Manager() bool { return slices.ContainsFunc(o.Roles, plan.Role.Manager) }

// Linked reports whether the official has a Telegram chat.
func (o Official) Linked() bool { return o.TelegramChatID != nil }

// Roles is the roles column of officials: an official's roles, stored as
// a text array.
type Roles []plan.Role

// Scan reads a text array of roles.
func (r *Roles) Scan(src any) error {
	var a pq.StringArray
	if err := a.Scan(src); err != nil {
		return fmt.Errorf("store: roles: %w", err)
	}
	if a == nil {
		*r = nil
		return nil
	}
	roles := make(Roles, len(a))
	for i, s := range a {
		roles[i] = plan.Role(s)
	}
	*r = roles
	return nil
}

// Value writes the roles as a text array, empty (never NULL) when there
// are none.
func (r Roles) Value() (driver.Value, error) {
	a := make(pq.StringArray, len(r))
	for i, role := range r {
		a[i] = string(role)
	}
	return a.Value()
}

// String returns the roles separated by commas.
func (r Roles) String() string {
	s := make([]string, len(r))
	for i, role := range r {
		s[i] = string(role)
	}
	return strings.Join(s, ",")
}

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
	ID         int64           `db:"id"`
	PlanID     int64           `db:"plan_id"`
	AreaID     int64           `db:"area_id"`
	Key        string          `db:"key"`
	Text       string          `db:"text"`
	Measure    string          `db:"measure"`
	Goal       float64         `db:"goal"`
	Comparator plan.Comparator `db:"comparator"`
	OwnerID    int64           `db:"owner_id"`
	Every      string          `db:"every"`
	Kind       plan.TargetKind `db:"kind"`
	Due        plan.Date       `db:"due"` // zero for none
	Position   int             `db:"position"`
	ArchivedAt *time.Time      `db:"archived_at"`
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
