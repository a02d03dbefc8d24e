package plan

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The entities below are what the store keeps of a plan and its people.
// Their db tags name the columns the store reads them from; the rules
// about them (who may report, who is a manager) live here with them.

// Unit is a People's Committee (đơn vị): a ward or commune, or a parent
// unit (a province) whose digests roll its units up.
type Unit struct {
	ID       int64  `db:"id"`
	Code     string `db:"code"`
	Name     string `db:"name"`
	ParentID *int64 `db:"parent_id"`
	Timezone string `db:"timezone"`
}

// Location is the unit's time zone, or fallback when the unit names none
// or one this system does not know.
func (u Unit) Location(fallback *time.Location) *time.Location {
	if u.Timezone == "" {
		return fallback
	}
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		return fallback
	}
	return loc
}

// Official is a person of a unit who leads, supports or oversees its work.
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

// Partner reports whether the official is a body outside the committee
// (role partner): reminded once, never nagged, escalated or counted as a
// missing report.
func (o Official) Partner() bool { return o.HasRole(RolePartner) }

// HasRole reports whether the official holds role r.
func (o Official) HasRole(r Role) bool { return slices.Contains(o.Roles, r) }

// Manager reports whether the official may see plan-wide views and digests
// (chairman or office).
func (o Official) Manager() bool { return slices.ContainsFunc(o.Roles, Role.Manager) }

// Linked reports whether the official has a Telegram chat.
func (o Official) Linked() bool { return o.TelegramChatID != nil }

// Roles are an official's roles. In the store they are a text array.
type Roles []Role

// Scan reads a PostgreSQL text array of roles ({chairman,office}). Roles
// are plain words, so the array needs no quoting rules.
func (r *Roles) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*r = nil
		return nil
	case []byte:
		s = string(v)
	case string:
		s = v
	default:
		return fmt.Errorf("plan: roles: cannot scan %T", src)
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return fmt.Errorf("plan: roles: %q is not a text array", s)
	}
	s = s[1 : len(s)-1]
	if s == "" {
		*r = Roles{}
		return nil
	}
	parts := strings.Split(s, ",")
	roles := make(Roles, len(parts))
	for i, p := range parts {
		roles[i] = Role(strings.Trim(p, `"`))
	}
	*r = roles
	return nil
}

// Value writes the roles as a text array, empty (never NULL) when there
// are none.
func (r Roles) Value() (driver.Value, error) {
	for _, role := range r {
		if strings.ContainsAny(string(role), `{},"\ `) {
			return nil, fmt.Errorf("plan: role %q cannot be stored", role)
		}
	}
	return "{" + r.String() + "}", nil
}

// String returns the roles separated by commas.
func (r Roles) String() string {
	s := make([]string, len(r))
	for i, role := range r {
		s[i] = string(role)
	}
	return strings.Join(s, ",")
}

// Plan is a unit's plan for a year.
type Plan struct {
	ID     int64  `db:"id"`
	UnitID int64  `db:"unit_id"`
	Code   string `db:"code"`
	Title  string `db:"title"`
	Year   int    `db:"year"`
}

// Area is one of a plan's areas (lĩnh vực).
type Area struct {
	ID       int64  `db:"id"`
	PlanID   int64  `db:"plan_id"`
	Code     string `db:"code"`
	Name     string `db:"name"`
	Position int    `db:"position"`
	// SupervisorID is the chairman or vice-chairman in charge of the area,
	// who receives its escalations instead of the chairman; nil for none.
	SupervisorID *int64 `db:"supervisor_id"`
}

// Department is a phòng, ban of a unit: a head accountable for its tasks
// and members who do the work. The head is a member too.
type Department struct {
	ID         int64      `db:"id"`
	UnitID     int64      `db:"unit_id"`
	Key        string     `db:"key"`
	Name       string     `db:"name"`
	HeadID     int64      `db:"head_id"`
	Position   int        `db:"position"`
	ArchivedAt *time.Time `db:"archived_at"`
}

// DepartmentMember is one membership of an official in a department, from
// JoinedAt until LeftAt (nil while current). A move closes one and opens
// another, so the rows are the history.
type DepartmentMember struct {
	ID           int64      `db:"id"`
	DepartmentID int64      `db:"department_id"`
	OfficialID   int64      `db:"official_id"`
	JoinedAt     time.Time  `db:"joined_at"`
	LeftAt       *time.Time `db:"left_at"`
}

// Current reports whether the membership has not ended.
func (m DepartmentMember) Current() bool { return m.LeftAt == nil }

// TaskRef is a lead or supporter of a task: an official or a department,
// exactly one of OfficialID and DepartmentID set. Position orders a task's
// leads (1 first); it is 0 for supporters.
type TaskRef struct {
	TaskID       int64  `db:"task_id"`
	Position     int    `db:"position"`
	OfficialID   *int64 `db:"official_id"`
	DepartmentID *int64 `db:"department_id"`
}

// Department reports whether the ref names a department.
func (r TaskRef) Department() bool { return r.DepartmentID != nil }

// Target is a measured goal (chỉ tiêu) of an area, with the official who
// reports its readings; Kind says how they are judged.
type Target struct {
	ID         int64      `db:"id"`
	PlanID     int64      `db:"plan_id"`
	AreaID     int64      `db:"area_id"`
	Key        string     `db:"key"`
	Text       string     `db:"text"`
	Measure    string     `db:"measure"`
	Goal       float64    `db:"goal"`
	Comparator Comparator `db:"comparator"`
	OwnerID    int64      `db:"owner_id"`
	Every      string     `db:"every"`
	Kind       TargetKind `db:"kind"`
	Due        Date       `db:"due"` // zero for none
	Position   int        `db:"position"`
	ArchivedAt *time.Time `db:"archived_at"`
}

// Task is a piece of work (nhiệm vụ) of an area: one-off (Due) or
// recurring (Every), with its lead.
//
// A task has one or more leads (TaskRef, in order; the store's task_leads),
// each an official or a department. LeadID is the task's accountable
// official for what reads one person: the first official lead, else the
// head of the first lead department. AssigneeID is the member a lead
// department's head assigned the task to (nil until assigned).
type Task struct {
	ID         int64      `db:"id"`
	PlanID     int64      `db:"plan_id"`
	AreaID     int64      `db:"area_id"`
	Key        string     `db:"key"`
	Title      string     `db:"title"`
	LeadID     int64      `db:"lead_id"`
	AssigneeID *int64     `db:"assignee_id"`
	Due        Date       `db:"due"`
	Every      *string    `db:"every"`
	DueDay     *int       `db:"due_day"`
	StartDate  Date       `db:"start_date"`
	EndDate    Date       `db:"end_date"`
	Position   int        `db:"position"`
	ArchivedAt *time.Time `db:"archived_at"`
}

// Occurrence is one instance of a task with its own due date: the single
// one of a one-off task, or one per period of a recurring task.
type Occurrence struct {
	ID           int64      `db:"id"`
	TaskID       int64      `db:"task_id"`
	Key          string     `db:"key"`
	NominalDue   Date       `db:"nominal_due"`
	Due          Date       `db:"due"`
	Percent      int        `db:"percent"`
	DoneAt       *time.Time `db:"done_at"`
	DoneBy       *int64     `db:"done_by"`
	LastReportAt *time.Time `db:"last_report_at"`
	ArchivedAt   *time.Time `db:"archived_at"`
}

// ProgressReport is one report of progress on an occurrence, by an
// official (through a channel) or by the office.
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
