package planfile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a position in a plan file: 1-based line and column.
type Pos struct {
	Line int
	Col  int
}

// String formats the position as line:column.
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Error is one mistake in a plan file, located at the node it is about.
type Error struct {
	File  string // the name given to Parse
	Line  int    // 1-based; 0 when the position is unknown
	Col   int    // 1-based; 0 when the position is unknown
	Field string // path of the field, e.g. areas[1].tasks[3].lead; may be empty
	Msg   string
}

// Error formats the mistake as file:line:column: field: message.
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every mistake found in a plan file, sorted by position. Parse
// returns it as its error; it is never empty when returned.
type Errors []Error

// Error joins the mistakes, one a line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sortErrors orders es by line, then column, keeping the order of
// discovery among errors at the same position.
func sortErrors(es Errors) {
	slices.SortStableFunc(es, func(a, b Error) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Col, b.Col)
	})
}
