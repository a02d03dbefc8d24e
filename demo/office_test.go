package demo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/report"
)

// officeHelp says how to get the office suite the report is checked with.
const officeHelp = "the period report is checked with LibreOffice and poppler-utils; install them with\n" +
	"  apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-liberation\n" +
	"(.ci/run does so when they are missing)"

// checkInOffice converts the demo's quarterly report (.docx) to PDF with
// LibreOffice, as an office opening it would, and checks that it opens,
// has at least minPages pages (A4) with page numbers from page 2, and
// holds the header, the subject, the digest's totals in the table by area,
// the sections and the signature. Without soffice or pdftotext it fails,
// saying how to install them.
func checkInOffice(t *testing.T, docxPath string, d *report.Digest, minPages int) {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatalf("soffice not found: %s", officeHelp)
	}
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: %s", tool, officeHelp)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	began := time.Now()
	// A profile of its own, so that a desktop session or a parallel test
	// does not hold the conversion.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, docxPath)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to pdf: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, strings.TrimSuffix(filepath.Base(docxPath), ".docx")+".pdf")
	info, err := exec.CommandContext(ctx, "pdfinfo", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", info)
	}
	pages, _ := strconv.Atoi(string(m[1]))
	if !regexp.MustCompile(`Page size:\s+595(\.\d+)? x 84[12]`).Match(info) {
		t.Errorf("not A4:\n%s", info)
	}
	text, err := exec.CommandContext(ctx, "pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	t.Logf("LibreOffice converted the report to %d pages in %s", pages, time.Since(began).Round(time.Millisecond))
	if pages < minPages || pages > 60 {
		t.Errorf("%d pages, want %d to 60", pages, minPages)
	}
	s := string(text)
	tot := d.Totals
	for _, want := range []string{
		`CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`,
		`Độc lập - Tự do - Hạnh phúc`,
		`Số: …/BC-UBND`,
		`BÁO CÁO`,
		`Kết quả thực hiện công tác cải cách hành chính quý I năm 2025`,
		`I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH`,
		`V. ĐỀ XUẤT, KIẾN NGHỊ`,
		fmt.Sprintf(`Tổng cộng\s+%d\s+%d\s+%d\s+%d\s+%d`, tot.DoneOnTime, tot.DoneLate, tot.OpenOnTime, tot.OpenOverdue, tot.Total),
		`Nơi nhận:`,
		`TM. ỦY BAN NHÂN DÂN`,
		`Vương Văn Toàn`,
		// Page 2 is numbered in its header: a line with the number alone.
		`(?m)^\s*2\s*$`,
	} {
		if !regexp.MustCompile(want).MatchString(s) {
			t.Errorf("the PDF lacks %s", want)
		}
	}
}
