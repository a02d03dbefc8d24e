// Package examples ships the example plans inside the binary, so that
// `nhacviec demo` runs from anywhere with nothing else:
//
//   - phan-dinh-phung-2025.yaml, the seed's real 2025 administrative-reform
//     plan of UBND phường Phan Đình Phùng (individual officials, dated and
//     recurring tasks), the default;
//   - hoa-an-2026.yaml, an illustrative 2026 plan of a ward of the two-tier
//     local government, written from the public structure of such plans:
//     deadlines as "Quý I/2026", "6 tháng đầu năm 2026", "Thường xuyên",
//     "Hàng tháng, trước ngày 15", and cumulative, year-end and external
//     targets.
package examples

import (
	_ "embed"
	"fmt"
)

// PlanFile is the file name of the default example plan (the seed's).
const PlanFile = "phan-dinh-phung-2025.yaml"

//go:embed phan-dinh-phung-2025.yaml
var planYAML []byte

//go:embed hoa-an-2026.yaml
var plan2026YAML []byte

// Plan returns a copy of the default example plan file's bytes.
func Plan() []byte {
	return append([]byte(nil), planYAML...)
}

// Example is a shipped plan file.
type Example struct {
	Name string // what `demo --plan` calls it: "2025", "2026"
	File string // its file name
	Year int    // the plan year
	data []byte
}

// Data returns a copy of the plan file's bytes.
func (e Example) Data() []byte { return append([]byte(nil), e.data...) }

// All returns the shipped plans, the default first.
func All() []Example {
	return []Example{
		{Name: "2025", File: PlanFile, Year: 2025, data: planYAML},
		{Name: "2026", File: "hoa-an-2026.yaml", Year: 2026, data: plan2026YAML},
	}
}

// Lookup returns the shipped plan called name ("2025", "2026"; "" is the
// default), or an error listing the names there are.
func Lookup(name string) (Example, error) {
	all := All()
	if name == "" {
		return all[0], nil
	}
	names := make([]string, len(all))
	for i, e := range all {
		if e.Name == name {
			return e, nil
		}
		names[i] = e.Name
	}
	return Example{}, fmt.Errorf("no example plan %q: there are %v", name, names)
}
