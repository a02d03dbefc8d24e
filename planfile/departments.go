package planfile

import (
	"slices"

	"github.com/goccy/go-yaml/ast"

	"github.com/nhacviec/nhacviec/plan"
)

// Department is a phòng, ban of the unit: a head accountable for the tasks
// it leads and the members who do them. An official belongs to one
// department at most; the head is a member too.
type Department struct {
	Key     string
	Name    string
	Head    string   // official key
	Members []string // official keys in file order, the head first, each once
	Pos     Pos
}

// Department returns the department with the given key.
func (f *File) Department(key string) (Department, bool) {
	for _, d := range f.Departments {
		if d.Key == key {
			return d, true
		}
	}
	return Department{}, false
}

// IsDepartment reports whether key names one of the file's departments
// (else, in a lead or support, it names an official).
func (f *File) IsDepartment(key string) bool {
	_, ok := f.Department(key)
	return ok
}

var departmentFields = []string{"key", "name", "head", "members"}

// membership is where an official was made a member of a department.
type membership struct {
	department string
	pos        Pos
}

// department decodes one department. memberOf records, across the file's
// departments, which department each official already belongs to.
func (d *decoder) department(n ast.Node, path string, officials seen, memberOf map[string]membership) (Department, bool) {
	m := d.mapping(n, path, departmentFields)
	if m == nil {
		return Department{}, false
	}
	dep := Department{Pos: m.pos}
	key, pos := d.key(m, "key", true)
	if first, clash := officials[key]; clash && key != "" {
		d.errorf(pos, join(path, "key"), "department key %q is also an official's key (line %d): a key names one official or one department", key, first.Line)
		key = "" // the key names the official: no department to check further
	} else {
		d.departments.check(d, key, pos, join(path, "key"), "department key")
	}
	dep.Key = key
	dep.Name, _ = d.str(m, "name", true)

	join1 := func(official string, pos Pos, field string) {
		if first, in := memberOf[official]; in {
			if first.department != key {
				d.errorf(pos, field, "official %q is already in department %q (line %d): an official belongs to one department", official, first.department, first.pos.Line)
			}
			return
		}
		memberOf[official] = membership{department: key, pos: pos}
	}
	head, headPos := d.str(m, "head", true)
	if head != "" {
		switch _, known := officials[head]; {
		case !known:
			d.errorf(headPos, join(path, "head"), "unknown official %q", head)
		case d.partner(head):
			d.errorf(headPos, join(path, "head"), "official %q is a partner (a body outside the committee): it cannot head a department", head)
		default:
			dep.Head = head
			dep.Members = append(dep.Members, head)
			join1(head, headPos, join(path, "head"))
		}
	}
	listed := seen{}
	for i, item := range d.oneOrList(m, "members") {
		field := index(join(path, "members"), i)
		official, ok := d.text(item, field)
		if !ok {
			continue
		}
		pos := posOf(item)
		switch _, known := officials[official]; {
		case official == "":
			d.errorf(pos, field, "must not be empty")
		case !known:
			d.errorf(pos, field, "unknown official %q", official)
		case d.partner(official):
			d.errorf(pos, field, "official %q is a partner (a body outside the committee): it cannot be a department's member", official)
		case official == head:
			// The head is a member already; listing them again is harmless.
		default:
			if first, dup := listed[official]; dup {
				d.errorf(pos, field, "official %q listed twice (first at line %d)", official, first.Line)
				continue
			}
			listed[official] = pos
			dep.Members = append(dep.Members, official)
			join1(official, pos, field)
		}
	}
	return dep, true
}

// partner reports whether the official key holds the role partner.
func (d *decoder) partner(key string) bool {
	return slices.Contains(d.roles[key], plan.RolePartner)
}

// oneOrList decodes a field that takes one value or a list of them and
// returns the value nodes.
func (d *decoder) oneOrList(m *mapping, name string) []ast.Node {
	n, _ := m.field(name)
	if n == nil {
		return nil
	}
	if _, ok := unwrap(n).(*ast.SequenceNode); ok {
		return d.list(m, name)
	}
	return []ast.Node{n}
}

// supervisor decodes an area's supervisor: an official who is the
// chairman or a vice-chairman.
func (d *decoder) supervisor(m *mapping, officials seen) string {
	key, pos := d.str(m, "supervisor", false)
	if key == "" {
		return ""
	}
	field := join(m.path, "supervisor")
	_, isDepartment := d.departments[key]
	switch _, known := officials[key]; {
	case !known && isDepartment:
		d.errorf(pos, field, "%q is a department: an area's supervisor is an official (the chairman or a vice-chairman)", key)
	case !known:
		d.errorf(pos, field, "unknown official %q", key)
	case !slices.ContainsFunc(d.roles[key], plan.Role.Supervises):
		d.errorf(pos, field, "official %q is neither the chairman nor a vice-chairman (roles chairman, vice_chairman): an area's supervisor receives its escalations", key)
	default:
		return key
	}
	return ""
}

// ref checks one official or department key named as a task's lead or
// supporter, reporting what is wrong with it.
func (d *decoder) ref(key string, pos Pos, field string, officials seen) bool {
	if key == "" {
		d.errorf(pos, field, "must not be empty")
		return false
	}
	if _, ok := officials[key]; ok {
		return true
	}
	if _, ok := d.departments[key]; ok {
		return true
	}
	if len(d.departments) == 0 {
		d.errorf(pos, field, "unknown official %q", key)
	} else {
		d.errorf(pos, field, "unknown official or department %q", key)
	}
	return false
}

// kind names what key is, "official" or "department", for messages.
func (d *decoder) kind(key string) string {
	if _, ok := d.departments[key]; ok {
		return "department"
	}
	return "official"
}

// leads decodes a task's leads: one official or department key, or a list
// of them (several leads share the task). A partner does not lead.
func (d *decoder) leads(m *mapping, officials seen) []string {
	if d.require(m, "lead") == nil {
		return nil
	}
	items := d.oneOrList(m, "lead")
	if n, _ := m.field("lead"); n != nil && len(items) == 0 {
		if _, ok := unwrap(n).(*ast.SequenceNode); ok {
			d.errorf(posOf(n), join(m.path, "lead"), "list at least one lead")
		}
	}
	var out []string
	listed := seen{}
	for i, item := range items {
		field := join(m.path, "lead")
		if len(items) > 1 || isSequence(m, "lead") {
			field = index(field, i)
		}
		key, ok := d.text(item, field)
		if !ok {
			continue
		}
		pos := posOf(item)
		if !d.ref(key, pos, field, officials) {
			continue
		}
		if d.partner(key) {
			d.errorf(pos, field, "official %q is a partner (a body outside the committee): a partner supports tasks, it does not lead them; put it in support", key)
			continue
		}
		if first, dup := listed[key]; dup {
			d.errorf(pos, field, "%s %q listed twice as lead (first at line %d)", d.kind(key), key, first.Line)
			continue
		}
		listed[key] = pos
		if _, dep := d.departments[key]; dep {
			d.leading[key] = true
		}
		out = append(out, key)
	}
	return out
}

// isSequence reports whether the field name of m holds a list.
func isSequence(m *mapping, name string) bool {
	n, _ := m.field(name)
	if n == nil {
		return false
	}
	_, ok := unwrap(n).(*ast.SequenceNode)
	return ok
}

// support decodes a task's supporters: official or department keys, one or
// a list, none of them a lead.
func (d *decoder) support(m *mapping, leads []string, officials seen) []string {
	var out []string
	listed := seen{}
	for i, item := range d.oneOrList(m, "support") {
		field := join(m.path, "support")
		if isSequence(m, "support") {
			field = index(field, i)
		}
		key, ok := d.text(item, field)
		if !ok {
			continue
		}
		pos := posOf(item)
		if !d.ref(key, pos, field, officials) {
			continue
		}
		if slices.Contains(leads, key) {
			d.errorf(pos, field, "%s %q is the lead; list only others as support", d.kind(key), key)
			continue
		}
		if first, dup := listed[key]; dup {
			d.errorf(pos, field, "%s %q listed twice (first at line %d)", d.kind(key), key, first.Line)
			continue
		}
		listed[key] = pos
		out = append(out, key)
	}
	return out
}
