package wardreport_test

import (
	"context"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
	"github.com/nhacviec/nhacviec/wardreport"
)

// BenchmarkWardReport drafts the quarterly report of one ward among 20
// generated ones (tools/gen: 60 tasks, a year of history) as of the
// generated history's instant: report.Compile of the quarter and of the
// next one, the ward's activity, and the .docx.
func BenchmarkWardReport(b *testing.B) {
	benchReport(b, 20, false)
}

// BenchmarkProvinceReport drafts the quarterly report of a parent unit of
// 100 generated wards: the roll-up digest and the .docx with its table of
// wards. It also reports the time per ward (ns/ward).
func BenchmarkProvinceReport(b *testing.B) {
	benchReport(b, 100, true)
}

func benchReport(b *testing.B, units int, parent bool) {
	ctx := context.Background()
	st, parentCode, ward := generated(b, units, gen.Options{})
	code := ward
	if parent {
		code = parentCode
	}
	u, err := st.UnitByCode(ctx, code)
	if err != nil {
		b.Fatal(err)
	}
	asOf := gen.DefaultAsOf()
	p := quarter(asOf)
	pr := i18n.New(i18n.VI)
	size := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := wardreport.Compile(ctx, st, u, p, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if parent && len(r.Result.Rollup.ByUnit) != units {
			b.Fatalf("%d wards, want %d", len(r.Result.Rollup.ByUnit), units)
		}
		data, err := r.DOCX(pr)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "bytes/doc")
	if parent {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*units), "ns/ward")
	}
}
