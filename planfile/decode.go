package planfile

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/nhacviec/nhacviec/plan"
)

// keyPattern is what every key and code of a plan file must match.
var keyPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// decoder walks the YAML syntax tree of one plan file and collects every
// mistake it meets instead of stopping at the first.
type decoder struct {
	name string
	errs Errors

	roles       map[string][]plan.Role // official key → roles
	departments seen                   // department key → where it is defined
	leading     map[string]bool        // department keys named as a task's lead
}

// errorf records a mistake at pos about field.
func (d *decoder) errorf(pos Pos, field, format string, args ...any) {
	d.errs = append(d.errs, Error{
		File:  d.name,
		Line:  pos.Line,
		Col:   pos.Col,
		Field: field,
		Msg:   fmt.Sprintf(format, args...),
	})
}

// parseYAML parses data into a syntax tree and returns the body of its
// single document, or nil after recording why there is none. Duplicate
// mapping keys are let through the parser so that mapping can report all of
// them, not only the first.
func (d *decoder) parseYAML(data []byte) ast.Node {
	file, err := parseBytes(data)
	if err != nil {
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil {
			p := yerr.GetToken().Position
			d.errorf(Pos{Line: p.Line, Col: p.Column}, "", "invalid YAML: %s", yerr.GetMessage())
		} else {
			d.errorf(Pos{}, "", "invalid YAML: %v", err)
		}
		return nil
	}
	var bodies []ast.Node
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			bodies = append(bodies, doc.Body)
		}
	}
	switch len(bodies) {
	case 0:
		d.errorf(Pos{Line: 1, Col: 1}, "", "empty plan file: want the fields unit, plan, officials and areas")
		return nil
	case 1:
		return bodies[0]
	default:
		d.errorf(posOf(bodies[1]), "", "a plan file holds one YAML document, found %d", len(bodies))
		return nil
	}
}

// parseBytes runs the YAML parser, turning a panic inside it (a parser bug
// on malformed input) into an error so that Parse never panics.
func parseBytes(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this input: %v", r)
		}
	}()
	return parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
}

// unwrap strips anchors and tags, which carry no meaning in a plan file.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

// posOf returns where n starts: the first key of a block mapping, the
// opening bracket of a flow collection, the token of a scalar.
func posOf(n ast.Node) Pos {
	if n == nil {
		return Pos{}
	}
	switch v := n.(type) {
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return posOf(v.Values[0].Key)
		}
		if v.Start != nil {
			return Pos{Line: v.Start.Position.Line, Col: v.Start.Position.Column}
		}
	case *ast.MappingValueNode:
		return posOf(v.Key)
	case *ast.SequenceNode:
		if v.Start != nil {
			return Pos{Line: v.Start.Position.Line, Col: v.Start.Position.Column}
		}
	case *ast.AnchorNode:
		if v.Start != nil {
			return Pos{Line: v.Start.Position.Line, Col: v.Start.Position.Column}
		}
	case *ast.TagNode:
		if v.Start != nil {
			return Pos{Line: v.Start.Position.Line, Col: v.Start.Position.Column}
		}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

// describe names the kind of a node for messages.
func describe(n ast.Node) string {
	switch unwrap(n).(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.AliasNode:
		return "an alias"
	default:
		return "a string"
	}
}

// join appends a field name to a path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// index appends a list index to a path.
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// mapping is a YAML mapping whose keys have been checked: no duplicates,
// no unknown fields.
type mapping struct {
	path string
	pos  Pos
	vals map[string]*ast.MappingValueNode
}

// mapping checks that n is a mapping whose keys are all in known and
// appear once, recording every offending key. It returns nil when n is not
// a mapping at all.
func (d *decoder) mapping(n ast.Node, path string, known []string) *mapping {
	n = unwrap(n)
	var values []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	default:
		d.errorf(posOf(n), path, "want a mapping (field: value), found %s", describe(n))
		return nil
	}
	m := &mapping{path: path, pos: posOf(n), vals: make(map[string]*ast.MappingValueNode, len(values))}
	first := make(map[string]Pos, len(values))
	for _, mv := range values {
		kpos := posOf(mv.Key)
		name, ok := keyText(mv.Key)
		if !ok {
			d.errorf(kpos, path, "a field name must be a plain word, found %s", describe(mv.Key))
			continue
		}
		field := join(path, name)
		if p, dup := first[name]; dup {
			d.errorf(kpos, field, "duplicate key %q (first at line %d)", name, p.Line)
			continue
		}
		first[name] = kpos
		if !slices.Contains(known, name) {
			d.errorf(kpos, field, "unknown field %q (known: %s)", name, strings.Join(known, ", "))
			continue
		}
		m.vals[name] = mv
	}
	return m
}

// keyText returns the text of a mapping key when it is a plain scalar.
func keyText(k ast.MapKeyNode) (string, bool) {
	switch v := unwrap(k).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, true
	}
	return "", false
}

// field returns the value node of name and the position of its key, or a
// nil node when the field is absent or explicitly empty (null).
func (m *mapping) field(name string) (ast.Node, Pos) {
	mv, ok := m.vals[name]
	if !ok {
		return nil, m.pos
	}
	v := unwrap(mv.Value)
	if _, null := v.(*ast.NullNode); null || v == nil {
		return nil, posOf(mv.Key)
	}
	return mv.Value, posOf(mv.Key)
}

// has reports whether name is present with a non-null value.
func (m *mapping) has(name string) bool {
	n, _ := m.field(name)
	return n != nil
}

// require returns the value node of name, recording a mistake when it is
// absent or null.
func (d *decoder) require(m *mapping, name string) ast.Node {
	n, pos := m.field(name)
	if n != nil {
		return n
	}
	if _, present := m.vals[name]; present {
		d.errorf(pos, join(m.path, name), "missing value")
	} else {
		d.errorf(pos, join(m.path, name), "missing required field")
	}
	return nil
}

// scalarText returns the text of a scalar node: strings as they are, numbers
// and booleans as written.
func scalarText(n ast.Node) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, true
	}
	return "", false
}

// text decodes a string value. An alias or a collection is a mistake.
func (d *decoder) text(n ast.Node, field string) (string, bool) {
	if _, alias := unwrap(n).(*ast.AliasNode); alias {
		d.errorf(posOf(n), field, "YAML aliases are not supported in a plan file")
		return "", false
	}
	s, ok := scalarText(n)
	if !ok {
		d.errorf(posOf(n), field, "want a string, found %s", describe(n))
		return "", false
	}
	return s, true
}

// str decodes the string field name of m; required fields must be present
// and not blank.
func (d *decoder) str(m *mapping, name string, required bool) (string, Pos) {
	var n ast.Node
	if required {
		n = d.require(m, name)
	} else {
		n, _ = m.field(name)
	}
	if n == nil {
		return "", Pos{}
	}
	s, ok := d.text(n, join(m.path, name))
	if !ok {
		return "", posOf(n)
	}
	s = strings.TrimSpace(s)
	if required && s == "" {
		d.errorf(posOf(n), join(m.path, name), "must not be empty")
	}
	return s, posOf(n)
}

// optional decodes an optional string field; ok is false when the field
// is absent, null or not a string (the last recorded as a mistake).
func (d *decoder) optional(m *mapping, name string) (s string, pos Pos, ok bool) {
	n, _ := m.field(name)
	if n == nil {
		return "", Pos{}, false
	}
	s, ok = d.text(n, join(m.path, name))
	return strings.TrimSpace(s), posOf(n), ok
}

// key decodes the key field name of m, which must match [a-z0-9-]+.
func (d *decoder) key(m *mapping, name string, required bool) (string, Pos) {
	s, pos := d.str(m, name, required)
	if s != "" && !keyPattern.MatchString(s) {
		d.errorf(pos, join(m.path, name), "invalid key %q: use lowercase letters a-z, digits and hyphens", s)
	}
	return s, pos
}

// integer decodes a whole-number field.
func (d *decoder) integer(m *mapping, name string, required bool) (int, Pos, bool) {
	var n ast.Node
	if required {
		n = d.require(m, name)
	} else {
		n, _ = m.field(name)
	}
	if n == nil {
		return 0, Pos{}, false
	}
	field, pos := join(m.path, name), posOf(n)
	v, ok := unwrap(n).(*ast.IntegerNode)
	if !ok {
		d.errorf(pos, field, "want a whole number, found %s", describe(n))
		return 0, pos, false
	}
	switch i := v.Value.(type) {
	case int64:
		if i >= math.MinInt32 && i <= math.MaxInt32 {
			return int(i), pos, true
		}
	case uint64:
		if i <= math.MaxInt32 {
			return int(i), pos, true
		}
	}
	d.errorf(pos, field, "number %s is out of range", v.GetToken().Value)
	return 0, pos, false
}

// number decodes a numeric value.
func (d *decoder) number(n ast.Node, field string) (float64, bool) {
	switch v := unwrap(n).(type) {
	case *ast.IntegerNode:
		switch i := v.Value.(type) {
		case int64:
			return float64(i), true
		case uint64:
			return float64(i), true
		}
	case *ast.FloatNode:
		if !math.IsInf(v.Value, 0) && !math.IsNaN(v.Value) {
			return v.Value, true
		}
	}
	d.errorf(posOf(n), field, "want a number, found %s", describe(n))
	return 0, false
}

// date decodes a date field written YYYY-MM-DD.
func (d *decoder) date(m *mapping, name string, required bool) (plan.Date, Pos, bool) {
	s, pos := d.str(m, name, required)
	if s == "" {
		return plan.Date{}, pos, false
	}
	v, err := plan.ParseDate(s)
	if err != nil {
		d.errorf(pos, join(m.path, name), "impossible date %q: want YYYY-MM-DD, a real calendar date", s)
		return plan.Date{}, pos, false
	}
	return v, pos, true
}

// list decodes an optional list field and returns its items.
func (d *decoder) list(m *mapping, name string) []ast.Node {
	n, _ := m.field(name)
	if n == nil {
		return nil
	}
	seq, ok := unwrap(n).(*ast.SequenceNode)
	if !ok {
		d.errorf(posOf(n), join(m.path, name), "want a list, found %s", describe(n))
		return nil
	}
	return seq.Values
}
