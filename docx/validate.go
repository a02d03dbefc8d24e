package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Validate checks that data is a .docx package a word processor opens: the
// zip opens; every part is well-formed XML; [Content_Types].xml gives every
// part a content type and names the main document's; the package
// relationships point at the main document, whose relationships point at
// parts present; the main document has a body ending with its section's
// properties.
func Validate(data []byte) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("docx: not a zip package: %w", err)
	}
	parts := make(map[string][]byte, len(z.File))
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("docx: open part %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("docx: read part %s: %w", f.Name, err)
		}
		if _, dup := parts[f.Name]; dup {
			return fmt.Errorf("docx: part %s twice", f.Name)
		}
		parts[f.Name] = b
	}
	for name, b := range parts {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			if err := wellFormed(b); err != nil {
				return fmt.Errorf("docx: part %s: %w", name, err)
			}
		}
	}
	ct, ok := parts["[Content_Types].xml"]
	if !ok {
		return errors.New("docx: no [Content_Types].xml")
	}
	var types struct {
		Default []struct {
			Extension   string `xml:"Extension,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Default"`
		Override []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(ct, &types); err != nil {
		return fmt.Errorf("docx: [Content_Types].xml: %w", err)
	}
	exts := map[string]bool{}
	for _, d := range types.Default {
		exts[strings.ToLower(d.Extension)] = true
	}
	overrides := map[string]string{}
	for _, o := range types.Override {
		overrides[o.PartName] = o.ContentType
	}
	for name := range parts {
		if name == "[Content_Types].xml" {
			continue
		}
		if _, ok := overrides["/"+name]; ok {
			continue
		}
		if !exts[strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))] {
			return fmt.Errorf("docx: part %s has no content type", name)
		}
	}
	for o := range overrides {
		if _, ok := parts[strings.TrimPrefix(o, "/")]; !ok {
			return fmt.Errorf("docx: content type for missing part %s", o)
		}
	}
	main := ""
	rels, err := relationships(parts, "_rels/.rels", "")
	if err != nil {
		return err
	}
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			main = r.Target
		}
	}
	if main == "" {
		return errors.New("docx: _rels/.rels names no main document")
	}
	if overrides["/"+main] != "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" {
		return fmt.Errorf("docx: main document %s lacks its content type", main)
	}
	dir, file := path.Split(main)
	if _, err := relationships(parts, dir+"_rels/"+file+".rels", dir); err != nil {
		return err
	}
	doc := parts[main]
	if !bytes.Contains(doc, []byte("<w:body>")) || !bytes.Contains(doc, []byte("</w:sectPr></w:body>")) {
		return errors.New("docx: the main document has no body ending with its section properties")
	}
	return nil
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// relationships reads the relationships part name and checks that each
// target, relative to dir, is a part present.
func relationships(parts map[string][]byte, name, dir string) ([]relationship, error) {
	b, ok := parts[name]
	if !ok {
		return nil, fmt.Errorf("docx: no %s", name)
	}
	var rels struct {
		Rel []relationship `xml:"Relationship"`
	}
	if err := xml.Unmarshal(b, &rels); err != nil {
		return nil, fmt.Errorf("docx: %s: %w", name, err)
	}
	ids := map[string]bool{}
	for i, r := range rels.Rel {
		if ids[r.ID] {
			return nil, fmt.Errorf("docx: %s: id %s twice", name, r.ID)
		}
		ids[r.ID] = true
		target := path.Clean(dir + r.Target)
		if _, ok := parts[target]; !ok {
			return nil, fmt.Errorf("docx: %s: relationship %s points at missing part %s", name, r.ID, target)
		}
		rels.Rel[i].Target = target
	}
	return rels.Rel, nil
}

// wellFormed reads b to its end as XML.
func wellFormed(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if depth != 0 {
				return errors.New("unclosed element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// Part returns the named part of the package data.
func Part(data []byte, name string) ([]byte, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("docx: not a zip package: %w", err)
	}
	for _, f := range z.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("docx: open %s: %w", name, err)
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, fmt.Errorf("docx: no part %s", name)
}

// Content is the text of a document: its paragraphs outside tables, and
// its tables as rows of cell texts.
type Content struct {
	Paragraphs []string
	Tables     [][][]string
}

// Read returns the text of the main document of the package data, for
// tests and checks: each paragraph's text (a line break as "\n", a tab as
// "\t") and each table's cells.
func Read(data []byte) (Content, error) {
	doc, err := Part(data, "word/document.xml")
	if err != nil {
		return Content{}, err
	}
	var c Content
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var (
		para    strings.Builder
		inText  bool
		tables  [][][]string // the tables being read, innermost last
		cell    strings.Builder
		inCells int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return Content{}, fmt.Errorf("docx: document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				tables = append(tables, nil)
			case "tr":
				tables[len(tables)-1] = append(tables[len(tables)-1], nil)
			case "tc":
				inCells++
				cell.Reset()
			case "p":
				para.Reset()
			case "t":
				inText = true
			case "br":
				para.WriteByte('\n')
			case "tab":
				para.WriteByte('\t')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if inCells > 0 {
					if cell.Len() > 0 {
						cell.WriteByte('\n')
					}
					cell.WriteString(para.String())
				} else if len(tables) == 0 {
					c.Paragraphs = append(c.Paragraphs, para.String())
				}
			case "tc":
				inCells--
				tb := tables[len(tables)-1]
				tb[len(tb)-1] = append(tb[len(tb)-1], cell.String())
			case "tbl":
				c.Tables = append(c.Tables, tables[len(tables)-1])
				tables = tables[:len(tables)-1]
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
}
