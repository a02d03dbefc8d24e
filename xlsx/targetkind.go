package xlsx

import "strings"

// targetKinds maps what an office types in the "Loại chỉ tiêu" column, in
// lower case, to a target kind of the plan file. The plan file's own words
// (level, cumulative, year_end, external) pass unchanged; anything else is
// left for planfile to report at its cell.
var targetKinds = map[string]string{
	"theo kỳ":           "level",
	"theo ky":           "level",
	"lũy kế":            "cumulative",
	"luỹ kế":            "cumulative",
	"luy ke":            "cumulative",
	"cộng dồn":          "cumulative",
	"cuối năm":          "year_end",
	"cuoi nam":          "year_end",
	"cấp trên đánh giá": "external",
	"cap tren danh gia": "external",
	"bên ngoài":         "external",
	"year-end":          "year_end",
}

// targetKindCell rewrites the kind cell of a targets row in the plan
// file's words ("Lũy kế" becomes cumulative).
func targetKindCell(r row) {
	v, ok := r.values["kind"]
	if !ok {
		return
	}
	if k, known := targetKinds[strings.ToLower(strings.Join(strings.Fields(v), " "))]; known {
		r.values["kind"] = k
	}
}
