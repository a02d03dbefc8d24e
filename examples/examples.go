// Package examples ships the example plan of the seed — the 2025
// administrative-reform plan of UBND phường Phan Đình Phùng — inside the
// binary, so that `nhacviec demo` runs from anywhere with nothing else.
package examples

import _ "embed"

// PlanFile is the file name of the example plan.
const PlanFile = "phan-dinh-phung-2025.yaml"

//go:embed phan-dinh-phung-2025.yaml
var planYAML []byte

// Plan returns a copy of the example plan file's bytes.
func Plan() []byte {
	return append([]byte(nil), planYAML...)
}
