package store

import "github.com/jmoiron/sqlx"

// OpenDueThroughSQL exposes the query of OpenDueThrough to the external
// tests, which check its plan.
const OpenDueThroughSQL = openDueThroughSQL

// QueryerOf exposes the connection or transaction behind a Reader to the
// external tests, which inspect a snapshot's settings with their own SQL.
func QueryerOf(rd Reader) sqlx.QueryerContext { return rd.queryer() }
