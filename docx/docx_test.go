package docx_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/docx"
)

func build(t *testing.T, text string) []byte {
	t.Helper()
	d := docx.New(docx.Options{Title: text, PageNumbers: true})
	d.Paragraph(docx.Para{Runs: []docx.Run{{Text: text, Bold: true, Size: 13}}, Align: docx.Center})
	d.Table(docx.Table{Widths: []float64{20, 60}, HeaderRows: 1, Borders: true, Rows: [][]docx.Cell{
		{docx.TextCell("STT", docx.Center, true, 13), docx.TextCell(text, docx.Left, true, 13)},
		{docx.TextCell("1", docx.Center, false, 13)},
	}})
	data, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if err := docx.Validate(data); err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return data
}

// TestHostileText writes markup, XML-breaking characters, control
// characters and invalid UTF-8 as text: the package stays valid and the
// text reads back without the characters XML forbids.
func TestHostileText(t *testing.T) {
	for _, s := range []string{
		"<b>đậm</b> & \"nháy\" 'đơn' ]]> <![CDATA[x]]>",
		"a\x00b\x01c\x1fd\x7fe\u0085f\uFFFEg\uFFFF",
		"bad \xff\xfe utf8",
		"dòng 1\r\ndòng 2\rdòng 3\ttab",
		strings.Repeat("Cải cách hành chính ", 250),
	} {
		data := build(t, s)
		c, err := docx.Read(data)
		if err != nil {
			t.Fatal(err)
		}
		want := docx.Clean(s)
		if c.Paragraphs[0] != want {
			t.Errorf("paragraph %q, want %q", c.Paragraphs[0], want)
		}
		if got := c.Tables[0][0][1]; got != want {
			t.Errorf("cell %q, want %q", got, want)
		}
		if len(c.Tables[0][1]) != 2 {
			t.Errorf("short row not padded: %v", c.Tables[0][1])
		}
	}
	if got := docx.Clean("a\x00\x08b\r\nc"); got != "ab\nc" {
		t.Errorf("Clean = %q", got)
	}
}

// TestStructure checks the page set-up, fonts, repeated header rows and
// the page number field, and that Validate refuses broken packages.
func TestStructure(t *testing.T) {
	data := build(t, "x")
	doc, err := docx.Part(data, "word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:left="1701"`, `w:right="850"`, `w:top="1134"`, `<w:tblHeader/>`, `<w:titlePg/>`, `w:headerReference`} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	styles, _ := docx.Part(data, "word/styles.xml")
	if !bytes.Contains(styles, []byte(`w:ascii="Times New Roman"`)) || !bytes.Contains(styles, []byte(`<w:sz w:val="28"/>`)) {
		t.Errorf("styles lack Times New Roman 14: %s", styles)
	}
	hdr, _ := docx.Part(data, "word/header1.xml")
	if !bytes.Contains(hdr, []byte(" PAGE ")) {
		t.Errorf("no PAGE field: %s", hdr)
	}

	for name, mutate := range map[string]func(name string, b []byte) ([]byte, bool){
		"malformed document": func(n string, b []byte) ([]byte, bool) {
			if n == "word/document.xml" {
				return bytes.Replace(b, []byte("</w:body>"), nil, 1), true
			}
			return b, true
		},
		"no content types": func(n string, b []byte) ([]byte, bool) { return b, n != "[Content_Types].xml" },
		"missing styles":   func(n string, b []byte) ([]byte, bool) { return b, n != "word/styles.xml" },
		"dangling rel": func(n string, b []byte) ([]byte, bool) {
			if n == "_rels/.rels" {
				return bytes.Replace(b, []byte("word/document.xml"), []byte("word/nothing.xml"), 1), true
			}
			return b, true
		},
	} {
		if err := docx.Validate(rewrite(t, data, mutate)); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
	if err := docx.Validate([]byte("not a zip")); err == nil {
		t.Error("Validate accepted bytes that are no zip")
	}
}

func rewrite(t *testing.T, data []byte, f func(string, []byte) ([]byte, bool)) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, file := range z.File {
		b, err := docx.Part(data, file.Name)
		if err != nil {
			t.Fatal(err)
		}
		b, keep := f(file.Name, b)
		if !keep {
			continue
		}
		fw, _ := w.Create(file.Name)
		fw.Write(b)
	}
	w.Close()
	return buf.Bytes()
}
