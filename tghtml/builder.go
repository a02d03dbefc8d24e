package tghtml

import "strings"

// Builder accumulates a message and keeps its length as Len counts it, so
// that a list can be filled up to a limit by measuring each item once
// rather than the whole text again for every item (quadratic in the items:
// a fifth of the morning's fan-out went there). Len adds up over pieces
// that are each whole — no tag or entity cut between two pieces — as the
// pieces of a message built from Escape'd text and complete tags are.
type Builder struct {
	b strings.Builder
	n int
}

// WriteString appends the whole HTML piece s.
func (b *Builder) WriteString(s string) {
	b.b.WriteString(s)
	b.n += Len(s)
}

// Len is Len of the text written so far.
func (b *Builder) Len() int { return b.n }

// Append writes the whole HTML piece when the text written so far,
// piece and then the pieces of tail (each whole) are at most limit long,
// and reports whether it did. piece is measured once, whether written or
// not; tail is what must still fit after it (a count of the items left
// out, a closing line), measured each call: a caller with a long closing
// line takes its length off limit once instead.
func (b *Builder) Append(limit int, piece string, tail ...string) bool {
	pn := Len(piece)
	n := b.n + pn
	for _, t := range tail {
		n += Len(t)
	}
	if n > limit {
		return false
	}
	b.b.WriteString(piece)
	b.n += pn
	return true
}

// String returns the text written so far.
func (b *Builder) String() string { return b.b.String() }
