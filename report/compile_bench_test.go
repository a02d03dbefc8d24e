package report_test

import (
	"context"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

// BenchmarkCompileGenerated compiles and renders the quarterly digest of
// one ward among 20 generated ones (tools/gen: 60 tasks, a year of
// history), as of the generated history's instant. The limit is 50 ms.
func BenchmarkCompileGenerated(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	if _, err := gen.Generate(ctx, st, gen.Options{Units: 20}); err != nil {
		b.Fatal(err)
	}
	var code string
	if err := st.DB().GetContext(ctx, &code, `SELECT code FROM units WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	asOf := gen.DefaultAsOf()
	p := plan.PeriodContaining(plan.Quarter, plan.DateIn(asOf, asOf.Location()), plan.CutoffDecree09)
	pr := i18n.New(i18n.VI)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := compileWard(ctx, st, code, p, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Tasks) == 0 {
			b.Fatal("empty digest")
		}
		_ = message.DigestTelegram(report.Result{Unit: d}, pr)
	}
}

// BenchmarkCompileRollup compiles the town digest of a town of 100 generated
// wards (report.Compile of a town: the rows of all the wards in a handful of
// queries, then each ward's digest built in Go, then the per-ward table).
// The limit is 1 s. It also reports the time per ward (ns/ward).
func BenchmarkCompileRollup(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	if _, err := gen.Generate(ctx, st, gen.Options{Units: 100}); err != nil {
		b.Fatal(err)
	}
	var town string
	if err := st.DB().GetContext(ctx, &town, `
		SELECT p.code FROM units p WHERE EXISTS (SELECT 1 FROM units c WHERE c.parent_id = p.id)
		ORDER BY p.id LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	asOf := gen.DefaultAsOf()
	p := plan.PeriodContaining(plan.Quarter, plan.DateIn(asOf, asOf.Location()), plan.CutoffDecree09)
	const wards = 100
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := compileRollup(ctx, st, town, p, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if len(d.ByUnit) != wards {
			b.Fatalf("%d wards, want %d", len(d.ByUnit), wards)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*wards), "ns/ward")
}
