package store

// OpenDueThroughSQL exposes the query of OpenDueThrough to the external
// tests, which check its plan.
const OpenDueThroughSQL = openDueThroughSQL
