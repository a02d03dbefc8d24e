// Package plan is the domain model of an administrative-reform plan (kế
// hoạch cải cách hành chính): units, officials, areas, targets, tasks and
// their occurrences, the four statuses, reporting periods under both cut-off
// conventions and the working-day calendar. It has no I/O and no clock of
// its own: every judgement takes the instant it is made at.
package plan

import (
	"slices"
)

// Role is what an official may do and see.
type Role string

// The roles of an official.
const (
	RoleChairman     Role = "chairman"      // chủ tịch: receives digests, plan-wide views
	RoleViceChairman Role = "vice_chairman" // phó chủ tịch: sees what the chairman sees; may supervise areas
	RoleOffice       Role = "office"        // văn phòng: administers the plan, receives digests
	RoleMember       Role = "member"        // cán bộ, công chức: leads or supports tasks
	RolePartner      Role = "partner"       // a body outside the committee (công an, MTTQ): supports tasks, reminded once
)

// RoleNames lists the known roles for messages.
const RoleNames = "chairman, vice_chairman, office, member or partner"

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleChairman, RoleViceChairman, RoleOffice, RoleMember, RolePartner:
		return true
	}
	return false
}

// Manager reports whether a holder of r may see plan-wide views and
// receive digests: the chairman, the vice-chairmen and the office may,
// members and partners may not.
func (r Role) Manager() bool {
	return r == RoleChairman || r == RoleViceChairman || r == RoleOffice
}

// Supervises reports whether a holder of r may be an area's supervisor
// (receive its escalations): the chairman and the vice-chairmen.
func (r Role) Supervises() bool {
	return r == RoleChairman || r == RoleViceChairman
}

// MayReport reports whether the official officialID may report progress
// on an occurrence of a task led by leadID and supported by supporterIDs:
// only the lead and the supporters may.
func MayReport(officialID, leadID int64, supporterIDs []int64) bool {
	return officialID == leadID || slices.Contains(supporterIDs, officialID)
}

// Measure is how a target is read.
type Measure string

// The measures of a target.
const (
	MeasurePercent Measure = "percent"
	MeasureCount   Measure = "count"
	MeasureYesNo   Measure = "yesno"
)

// Valid reports whether m is a known measure.
func (m Measure) Valid() bool {
	return m == MeasurePercent || m == MeasureCount || m == MeasureYesNo
}

// Comparator says how a reading is compared with a target's goal.
type Comparator string

// The comparators of a target.
const (
	CmpGE Comparator = ">="
	CmpLE Comparator = "<="
	CmpEQ Comparator = "="
	CmpGT Comparator = ">"
	CmpLT Comparator = "<"
)

// Valid reports whether c is a known comparator.
func (c Comparator) Valid() bool {
	switch c {
	case CmpGE, CmpLE, CmpEQ, CmpGT, CmpLT:
		return true
	}
	return false
}

// Met reports whether actual satisfies the goal under c.
func (c Comparator) Met(actual, goal float64) bool {
	switch c {
	case CmpGE:
		return actual >= goal
	case CmpLE:
		return actual <= goal
	case CmpEQ:
		return actual == goal
	case CmpGT:
		return actual > goal
	case CmpLT:
		return actual < goal
	}
	return false
}

// Cadence is how often a recurring task or a target reading comes round, as
// written in a plan file's `every` field.
type Cadence string

// The cadences of the plan file.
const (
	Weekly     Cadence = "weekly"
	Monthly    Cadence = "monthly"
	Quarterly  Cadence = "quarterly"
	HalfYearly Cadence = "half-yearly"
	Yearly     Cadence = "yearly"
)

// Valid reports whether c is a known cadence.
func (c Cadence) Valid() bool { return c.Kind() != "" }

// Kind returns the period kind of the cadence, or "" when c is unknown.
func (c Cadence) Kind() PeriodKind {
	switch c {
	case Weekly:
		return Week
	case Monthly:
		return Month
	case Quarterly:
		return Quarter
	case HalfYearly:
		return Half
	case Yearly:
		return Year
	}
	return ""
}

// Status is one of the four statuses of government task tracking, judged as
// of an instant.
type Status string

// The four statuses.
const (
	DoneOnTime  Status = "done_on_time" // hoàn thành đúng hạn
	DoneLate    Status = "done_late"    // hoàn thành quá hạn
	OpenOnTime  Status = "open_on_time" // đang thực hiện trong hạn
	OpenOverdue Status = "open_overdue" // đang thực hiện quá hạn
)
