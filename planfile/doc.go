// Package planfile reads a reform plan from its YAML file (see the plan file
// section of the design) and validates it strictly: Parse reports every
// mistake it finds at once, each as "file:line:column: field: message", and
// returns a File only when there is none.
//
// The file has four top-level fields, unit, plan, officials and areas, and
// an optional fifth, departments.
//
//	unit:        {code, name, timezone, parent}
//	plan:        {code, title, year}
//	officials:   [{key, name, position, roles, email, language}]
//	departments: [{key, name, head, members}]
//	areas:       [{code, name, supervisor, targets, tasks}]
//	targets:   [{key, text, measure, goal, comparator, owner, every}]
//	tasks:     [{key, title, lead, support, due | every + due_day [+ start, until], note}]
//
// Defaults: an official's roles are [member]; a target's comparator is
// ">=" and its reading cadence (every) monthly; a recurring task starts on
// 1 January of the plan's year; a unit's timezone is Asia/Ho_Chi_Minh.
//
// Extensions to the schema of the design (documented for the README):
//
//	unit.parent         optional code of the parent unit (the province or
//	                    other unit a ward reports to); the parent unit must
//	                    already be known to the database
//	officials[].email   optional e-mail address of the official
//	officials[].language optional "vi" or "en": the language of the
//	                    official's messages, overriding the configured one
//	tasks[].until       optional last date (YYYY-MM-DD) on which a recurring
//	                    task's occurrence may be due; open-ended when omitted
//	tasks[].note        optional free text kept with the task (for example
//	                    the reference of the document it comes from)
//	targets[].kind      optional level (default), cumulative, year_end or
//	                    external (the contract's "Targets of several kinds");
//	                    a cumulative target takes >= or > and is not yes/no
//	targets[].due       optional date or period key (2026-Q2: its calendar
//	                    last day) by which the target must be met, not
//	                    before the plan year
//
// Departments, deputies and partners (the contract's section of that
// name): roles are chairman, vice_chairman, office, member and partner; a
// task's lead is one official or department key or a list of them (several
// leads share the task; Task.Lead is the first), its support official or
// department keys, one or a list; a department has a head and members
// (officials; the head listed again is counted once); an area's supervisor
// is the chairman or a vice-chairman. Each of these is a located mistake:
// a head or member unknown, an official in two departments (as head or
// member), a partner heading, joining or leading, a department key that is
// an official's, a department leading no task, a supervisor who is neither
// the chairman nor a vice-chairman.
//
// Other rules: keys (unit code, official, area, target and task keys) match
// [a-z0-9-]+; target and task keys are unique across the whole plan; goals
// of percent targets lie in 0..100 and those of yes/no targets are 0 or 1
// (yes/no/true/false are accepted); a supporting official may not be listed
// twice nor be the task's lead; YAML aliases are not supported.
package planfile
