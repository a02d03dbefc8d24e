package message

import (
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
)

// ReportCaption is the plain-text caption of the unit's periodic report
// (the .docx of package wardreport) sent as a document: "📄 Dự thảo báo cáo
// CCHC quý I/2026 (…) – UBND phường …".
func ReportCaption(pr *i18n.Printer, p plan.Period, unitName string) string {
	return pr.T("wr.caption", PeriodLabel(p, pr), unitName)
}

// ReportForbidden is the answer to /baocaoky from someone who is neither
// the chairman nor the office.
func ReportForbidden(pr *i18n.Printer) string { return pr.T("wr.cmd.forbidden") }

// ReportUsage is the answer to /baocaoky with an argument it does not know.
func ReportUsage(pr *i18n.Printer) string { return pr.T("wr.cmd.usage") }
