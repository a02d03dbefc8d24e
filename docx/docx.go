// Package docx writes Word documents (WordprocessingML, ECMA-376 / ISO/IEC
// 29500 transitional) with archive/zip and encoding/xml: paragraphs of
// runs, tables with a header row repeated on every page, an A4 page with
// its margins and a page number in the header. It writes what the product's
// reports need and nothing more; Validate checks a package against the
// format's structural rules (parts, relationships, content types,
// well-formed XML).
//
// Every text given to it is made safe for XML: characters XML 1.0 does not
// allow (control characters, invalid UTF-8) are dropped or replaced, and
// markup such as "<b>" or "&" is written as text.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Align is a paragraph's justification.
type Align string

// The alignments a paragraph can take.
const (
	Left    Align = ""
	Center  Align = "center"
	Right   Align = "right"
	Justify Align = "both"
)

// Run is a stretch of text with one formatting. Size is in points (0: the
// document's default). A newline in Text breaks the line.
type Run struct {
	Text      string
	Bold      bool
	Italic    bool
	Underline bool
	Size      float64
}

// Para is a paragraph. SpaceBefore and SpaceAfter are in points; FirstLine
// indents the first line, in millimetres. KeepNext keeps it on the page of
// the next paragraph (for headings).
type Para struct {
	Runs        []Run
	Align       Align
	SpaceBefore float64
	SpaceAfter  float64
	FirstLine   float64
	KeepNext    bool
	// PageBreak starts the paragraph on a new page.
	PageBreak bool
}

// Text returns a paragraph of one plain run.
func Text(s string) Para { return Para{Runs: []Run{{Text: s}}} }

// Cell is a table cell: its paragraphs (at least one is written).
type Cell struct {
	Paras []Para
}

// TextCell returns a cell of one paragraph of s with the given formatting.
func TextCell(s string, align Align, bold bool, size float64) Cell {
	return Cell{Paras: []Para{{Runs: []Run{{Text: s, Bold: bold, Size: size}}, Align: align}}}
}

// Table is a table. Widths are the columns' widths in millimetres; the
// first HeaderRows rows repeat at the top of every page the table
// continues on. Borders draws single lines around every cell.
type Table struct {
	Widths     []float64
	Rows       [][]Cell
	HeaderRows int
	Borders    bool
}

// Page is the page set-up, lengths in millimetres.
type Page struct {
	Width, Height            float64
	Top, Bottom, Left, Right float64
}

// A4 is an A4 portrait page with the margins of Nghị định 30/2020/NĐ-CP
// (annex I: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm).
var A4 = Page{Width: 210, Height: 297, Top: 20, Bottom: 20, Left: 30, Right: 15}

// Document is a document being written. Its zero value is not usable; use
// New.
type Document struct {
	page     Page
	font     string
	size     float64
	body     bytes.Buffer
	title    string
	creator  string
	created  time.Time
	pageNums bool
}

// Options are a document's settings.
type Options struct {
	Page Page
	// Font and Size are the default font and size (points).
	Font string
	Size float64
	// Title, Creator and Created go into the document's properties.
	Title   string
	Creator string
	Created time.Time
	// PageNumbers puts the page number centred in the header of every
	// page but the first (as Nghị định 30/2020 asks).
	PageNumbers bool
}

// New returns an empty document.
func New(o Options) *Document {
	if o.Page == (Page{}) {
		o.Page = A4
	}
	if o.Font == "" {
		o.Font = "Times New Roman"
	}
	if o.Size == 0 {
		o.Size = 14
	}
	return &Document{page: o.Page, font: o.Font, size: o.Size, title: o.Title, creator: o.Creator, created: o.Created, pageNums: o.PageNumbers}
}

// twips converts millimetres to twentieths of a point.
func twips(mm float64) int { return int(mm*1440/25.4 + 0.5) }

// halfPoints converts points to half-points.
func halfPoints(pt float64) int { return int(pt*2 + 0.5) }

// Clean returns s as text XML 1.0 can hold: invalid UTF-8 becomes U+FFFD,
// carriage returns (and CR LF) become newlines, and the control characters
// other than tab and newline, like the other characters XML forbids
// (U+FFFE, U+FFFF, surrogates), are dropped.
func Clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune('\uFFFD')
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20, r >= 0x7F && r < 0xA0, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r < 0xE000:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// esc writes s escaped for XML character data and attribute values.
func esc(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writing to a bytes.Buffer cannot fail
}

// Paragraph appends p.
func (d *Document) Paragraph(p Para) { writePara(&d.body, p) }

// PageBreak starts a new page.
func (d *Document) PageBreak() { d.body.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`) }

func writePara(b *bytes.Buffer, p Para) {
	b.WriteString("<w:p><w:pPr>")
	if p.KeepNext {
		b.WriteString(`<w:keepNext/>`)
	}
	if p.PageBreak {
		b.WriteString(`<w:pageBreakBefore/>`)
	}
	fmt.Fprintf(b, `<w:spacing w:before="%d" w:after="%d"/>`, int(p.SpaceBefore*20), int(p.SpaceAfter*20))
	if p.FirstLine > 0 {
		fmt.Fprintf(b, `<w:ind w:firstLine="%d"/>`, twips(p.FirstLine))
	}
	if p.Align != Left {
		fmt.Fprintf(b, `<w:jc w:val="%s"/>`, p.Align)
	}
	b.WriteString("</w:pPr>")
	for _, r := range p.Runs {
		writeRun(b, r)
	}
	b.WriteString("</w:p>")
}

func writeRun(b *bytes.Buffer, r Run) {
	b.WriteString("<w:r>")
	if r.Bold || r.Italic || r.Underline || r.Size > 0 {
		b.WriteString("<w:rPr>")
		if r.Bold {
			b.WriteString("<w:b/><w:bCs/>")
		}
		if r.Italic {
			b.WriteString("<w:i/><w:iCs/>")
		}
		if r.Underline {
			b.WriteString(`<w:u w:val="single"/>`)
		}
		if r.Size > 0 {
			fmt.Fprintf(b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, halfPoints(r.Size), halfPoints(r.Size))
		}
		b.WriteString("</w:rPr>")
	}
	lines := strings.Split(Clean(r.Text), "\n")
	for i, line := range lines {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		parts := strings.Split(line, "\t")
		for j, part := range parts {
			if j > 0 {
				b.WriteString("<w:tab/>")
			}
			if part == "" {
				continue
			}
			b.WriteString(`<w:t xml:space="preserve">`)
			esc(b, part)
			b.WriteString("</w:t>")
		}
	}
	b.WriteString("</w:r>")
}

// Table appends t. Rows shorter than the widths are padded with empty
// cells, longer ones are cut.
func (d *Document) Table(t Table) {
	b := &d.body
	total := 0
	for _, w := range t.Widths {
		total += twips(w)
	}
	b.WriteString("<w:tbl><w:tblPr>")
	fmt.Fprintf(b, `<w:tblW w:w="%d" w:type="dxa"/>`, total)
	if t.Borders {
		b.WriteString(`<w:tblBorders>`)
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			fmt.Fprintf(b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
		}
		b.WriteString(`</w:tblBorders>`)
	} else {
		b.WriteString(`<w:tblBorders>`)
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			fmt.Fprintf(b, `<w:%s w:val="nil"/>`, side)
		}
		b.WriteString(`</w:tblBorders>`)
	}
	b.WriteString(`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>`)
	b.WriteString(`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>`)
	b.WriteString("</w:tblPr><w:tblGrid>")
	for _, w := range t.Widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, twips(w))
	}
	b.WriteString("</w:tblGrid>")
	for i, row := range t.Rows {
		b.WriteString("<w:tr>")
		if i < t.HeaderRows {
			b.WriteString(`<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
		} else {
			b.WriteString(`<w:trPr><w:cantSplit/></w:trPr>`)
		}
		for j, w := range t.Widths {
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, twips(w))
			var paras []Para
			if j < len(row) {
				paras = row[j].Paras
			}
			if len(paras) == 0 {
				paras = []Para{{}}
			}
			for _, p := range paras {
				writePara(b, p)
			}
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
	// A table must be followed by a paragraph before the section's end
	// (and two adjacent tables would merge); a small empty one.
	b.WriteString(`<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:rPr><w:sz w:val="8"/></w:rPr></w:pPr></w:p>`)
}

// The namespaces of the parts.
const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsRel = "http://schemas.openxmlformats.org/package/2006/relationships"
	nsCT  = "http://schemas.openxmlformats.org/package/2006/content-types"
	xmlH  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// Bytes returns the document as a .docx package.
func (d *Document) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", contentTypes(d.pageNums)},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", d.core()},
		{"docProps/app.xml", appXML},
		{"word/document.xml", d.document()},
		{"word/_rels/document.xml.rels", documentRels(d.pageNums)},
		{"word/styles.xml", d.styles()},
		{"word/settings.xml", settingsXML},
	}
	if d.pageNums {
		parts = append(parts, struct{ name, data string }{"word/header1.xml", headerXML})
	}
	for _, p := range parts {
		w, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: d.created})
		if err != nil {
			return nil, fmt.Errorf("docx: add %s: %w", p.name, err)
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			return nil, fmt.Errorf("docx: write %s: %w", p.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("docx: close package: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *Document) document() string {
	var b strings.Builder
	b.WriteString(xmlH)
	fmt.Fprintf(&b, `<w:document xmlns:w="%s" xmlns:r="%s"><w:body>`, nsW, nsR)
	b.Write(d.body.Bytes())
	b.WriteString("<w:sectPr>")
	if d.pageNums {
		b.WriteString(`<w:headerReference w:type="default" r:id="rIdHeader1"/>`)
	}
	p := d.page
	fmt.Fprintf(&b, `<w:pgSz w:w="%d" w:h="%d"/>`, twips(p.Width), twips(p.Height))
	fmt.Fprintf(&b, `<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/>`,
		twips(p.Top), twips(p.Right), twips(p.Bottom), twips(p.Left))
	if d.pageNums {
		b.WriteString(`<w:titlePg/>`)
	}
	b.WriteString("</w:sectPr></w:body></w:document>")
	return b.String()
}

func (d *Document) styles() string {
	var b bytes.Buffer
	b.WriteString(xmlH)
	fmt.Fprintf(&b, `<w:styles xmlns:w="%s"><w:docDefaults><w:rPrDefault><w:rPr>`, nsW)
	b.WriteString(`<w:rFonts w:ascii="`)
	esc(&b, d.font)
	b.WriteString(`" w:hAnsi="`)
	esc(&b, d.font)
	b.WriteString(`" w:eastAsia="`)
	esc(&b, d.font)
	b.WriteString(`" w:cs="`)
	esc(&b, d.font)
	fmt.Fprintf(&b, `"/><w:sz w:val="%d"/><w:szCs w:val="%d"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>`, halfPoints(d.size), halfPoints(d.size))
	b.WriteString(`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>`)
	b.WriteString(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>`)
	b.WriteString(`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.WriteString(`</w:styles>`)
	return b.String()
}

func (d *Document) core() string {
	var b bytes.Buffer
	b.WriteString(xmlH)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString("<dc:title>")
	esc(&b, Clean(d.title))
	b.WriteString("</dc:title><dc:creator>")
	esc(&b, Clean(d.creator))
	b.WriteString("</dc:creator>")
	if !d.created.IsZero() {
		fmt.Fprintf(&b, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>`, d.created.UTC().Format(time.RFC3339))
	}
	b.WriteString("</cp:coreProperties>")
	return b.String()
}

func contentTypes(header bool) string {
	var b strings.Builder
	b.WriteString(xmlH)
	fmt.Fprintf(&b, `<Types xmlns="%s">`, nsCT)
	b.WriteString(`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`)
	b.WriteString(`<Default Extension="xml" ContentType="application/xml"/>`)
	b.WriteString(`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>`)
	b.WriteString(`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>`)
	b.WriteString(`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>`)
	if header {
		b.WriteString(`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>`)
	}
	b.WriteString(`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>`)
	b.WriteString(`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>`)
	b.WriteString(`</Types>`)
	return b.String()
}

var rootRels = xmlH + `<Relationships xmlns="` + nsRel + `">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

func documentRels(header bool) string {
	s := xmlH + `<Relationships xmlns="` + nsRel + `">` +
		`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>`
	if header {
		s += `<Relationship Id="rIdHeader1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>`
	}
	return s + `</Relationships>`
}

var appXML = xmlH + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>nhacviec</Application></Properties>`

var settingsXML = xmlH + `<w:settings xmlns:w="` + nsW + `"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`

// headerXML is the header of every page but the first: the page number,
// centred (a PAGE field).
var headerXML = xmlH + `<w:hdr xmlns:w="` + nsW + `"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
	`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
	`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>` + strconv.Itoa(2) + `</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`
