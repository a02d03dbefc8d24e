package store

import "github.com/jmoiron/sqlx"

// OpenDueThroughSQL exposes the query of OpenDueThrough to the external
// tests, which check its plan.
const OpenDueThroughSQL = openDueThroughSQL

// QueryerOf exposes the connection or transaction behind a Reader to the
// external tests, which inspect a snapshot's settings with their own SQL.
func QueryerOf(rd Reader) sqlx.QueryerContext { return rd.queryer() }

// OfficialOccurrencesSQL exposes the query of OfficialOccurrences to the
// external tests of its plan.
const OfficialOccurrencesSQL = officialOccurrencesSQL

// MarkSentSQL exposes the statement of MarkOutboxSentMany to the external
// tests of its plan.
const MarkSentSQL = markSentSQL

// UnassignedOfHeadSQL exposes the query of UnassignedOfHead to the external
// tests of its plan.
const UnassignedOfHeadSQL = unassignedOfHeadSQL
