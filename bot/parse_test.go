package bot

import (
	"errors"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
)

func TestParseProgress(t *testing.T) {
	tests := []struct {
		in   string
		want Progress
		err  error
	}{
		{"60%", Progress{HasPercent: true, Percent: 60}, nil},
		{"60 %", Progress{HasPercent: true, Percent: 60}, nil},
		{" 60 ", Progress{HasPercent: true, Percent: 60}, nil},
		{"62,5%", Progress{HasPercent: true, Percent: 63}, nil},
		{"80% đã trình ký", Progress{HasPercent: true, Percent: 80, Note: "đã trình ký"}, nil},
		{"80% - đã trình ký", Progress{HasPercent: true, Percent: 80, Note: "đã trình ký"}, nil},
		{"100%", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"0%", Progress{HasPercent: true, Percent: 0}, nil},
		{"xong", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"Xong rồi!", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"đã xong", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"hoàn thành", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"Hoàn thành", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"HOÀN THÀNH.", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"hoan thanh", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"Đã hoàn thành ✅", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"done", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"Done", Progress{HasPercent: true, Percent: 100, Done: true}, nil},
		{"xong phần dự thảo, còn lấy ý kiến", Progress{Note: "xong phần dự thảo, còn lấy ý kiến"}, nil},
		{"Đang chờ ý kiến Phòng Tư pháp", Progress{Note: "Đang chờ ý kiến Phòng Tư pháp"}, nil},
		{"Đạt 60% kế hoạch", Progress{Note: "Đạt 60% kế hoạch"}, nil},
		{"60 hồ sơ", Progress{Note: "60 hồ sơ"}, nil},
		{"150%", Progress{}, ErrPercentRange},
		{"101", Progress{}, ErrPercentRange},
		{"-5%", Progress{}, ErrPercentRange},
		{"-5", Progress{}, ErrPercentRange},
		{"   ", Progress{}, ErrEmptyProgress},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseProgress(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("ParseProgress(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("ParseProgress(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSplitRef(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		rest string
		ok   bool
	}{
		{"2: 60%", 2, "60%", true},
		{"2 60%", 2, "60%", true},
		{"1. xong", 1, "xong", true},
		{"3) đã trình ký", 3, "đã trình ký", true},
		{"60%", 0, "", false},
		{"xong", 0, "", false},
		{"2", 0, "", false},
	}
	for _, tt := range tests {
		n, rest, ok := splitRef(tt.in)
		if n != tt.n || rest != tt.rest || ok != tt.ok {
			t.Errorf("splitRef(%q) = %d, %q, %v; want %d, %q, %v", tt.in, n, rest, ok, tt.n, tt.rest, tt.ok)
		}
	}
}

func TestParseReading(t *testing.T) {
	tests := []struct {
		in, measure string
		want        float64
		ok          bool
		kind        plan.TargetKind
	}{
		{"112", "percent", 112, true, plan.KindCumulative},
		{"112", "percent", 0, false, plan.KindLevel},
		{"96,5", "percent", 96.5, true, plan.KindLevel},
		{"96.5%", "percent", 96.5, true, plan.KindLevel},
		{"100", "percent", 100, true, plan.KindLevel},
		{"101", "percent", 0, false, plan.KindLevel},
		{"1.234", "count", 1234, true, plan.KindLevel},
		{"12", "count", 12, true, plan.KindLevel},
		{"-3", "count", 0, false, plan.KindLevel},
		{"có", "yesno", 1, true, plan.KindLevel},
		{"Không", "yesno", 0, true, plan.KindLevel},
		{"yes", "yesno", 1, true, plan.KindLevel},
		{"chưa", "yesno", 0, true, plan.KindLevel},
		{"có lẽ", "yesno", 0, false, plan.KindLevel},
		{"nhiều", "count", 0, false, plan.KindLevel},
	}
	for _, tt := range tests {
		got, ok := parseReading(tt.in, tt.measure, tt.kind)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseReading(%q, %s) = %v, %v; want %v, %v", tt.in, tt.measure, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Hoàn thành rồi!": "hoan thanh roi",
		"ĐÃ XONG":         "da xong",
		"  đường   Ỷ  ":   "duong y",
		"✅ Hoàn thành ✅":  "hoan thanh",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseProgress(f *testing.F) {
	for _, s := range []string{"60%", "80% đã trình ký", "xong", "-1", "1e400", "99.9999%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProgress(s)
		if err != nil {
			return
		}
		if p.HasPercent && (p.Percent < 0 || p.Percent > 100) {
			t.Fatalf("ParseProgress(%q) = %+v: percent out of range", s, p)
		}
		if p.Done && p.Percent != 100 {
			t.Fatalf("ParseProgress(%q) = %+v: done below 100%%", s, p)
		}
	})
}

// TestStripOne: a reply to a message about one task may start with its
// number 1 before a progress, an assignment or an extension request; any
// other text, or another number, is kept whole.
func TestStripOne(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1 xong", "xong"},
		{"1: 60%", "60%"},
		{"1 40% chờ số liệu", "40% chờ số liệu"},
		{"1 giao tu-phap", "giao tu-phap"},
		{"1 gia hạn 15/07/2025 chờ số liệu", "gia hạn 15/07/2025 chờ số liệu"},
		{"1 bộ hồ sơ còn thiếu", "1 bộ hồ sơ còn thiếu"},
		{"15 hồ sơ", "15 hồ sơ"},
		{"2 xong", "2 xong"},
		{"60%", "60%"},
	} {
		if got := stripOne("reminder", tc.in); got != tc.want {
			t.Errorf("stripOne(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
