package tghtml

import (
	"html"
	"strings"
)

// Piece is one token of a Telegram HTML message as a reader sees it: a
// run of text (entities decoded) or a tag. Channels without HTML render a
// message from its pieces (Pieces).
type Piece struct {
	// Text is the decoded text of a text piece; "" for a tag.
	Text string
	// Tag is the lower-case element name of a tag ("b", "a", …); "" for
	// text.
	Tag string
	// Close is true for a closing tag.
	Close bool
	// Href is the href attribute of an opening <a> tag, decoded.
	Href string
}

// Pieces splits the HTML message s into text runs and tags, with the same
// tokenizer Telegram's length and splitting use: what is not a well-formed
// tag or entity is text ("a < b", "AT&T"), entities are decoded. Adjacent
// characters are merged into one text piece. Invalid UTF-8 is replaced
// with U+FFFD.
func Pieces(s string) []Piece {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var (
		out  []Piece
		text strings.Builder
	)
	flush := func() {
		if text.Len() > 0 {
			out = append(out, Piece{Text: text.String()})
			text.Reset()
		}
	}
	for _, t := range tokenize(s) {
		switch t.kind {
		case kindOpen, kindClose:
			flush()
			raw := s[t.start:t.end]
			p := Piece{Tag: tagName(raw), Close: t.kind == kindClose}
			if p.Tag == "a" && !p.Close {
				p.Href = attribute(raw, "href")
			}
			out = append(out, p)
		case kindEntity:
			text.WriteRune(t.r)
		default:
			text.WriteString(s[t.start:t.end])
		}
	}
	flush()
	return out
}

// attribute returns the decoded value of the attribute name in the
// opening tag raw, or "" when it has none.
func attribute(raw, name string) string {
	i := 1
	for i < len(raw) && isNameByte(raw[i]) {
		i++ // the element name
	}
	for i < len(raw) {
		for i < len(raw) && !isNameByte(raw[i]) {
			i++
		}
		start := i
		for i < len(raw) && isNameByte(raw[i]) {
			i++
		}
		key := strings.ToLower(raw[start:i])
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
			i++
		}
		if i >= len(raw) || raw[i] != '=' {
			continue
		}
		i++
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
			i++
		}
		var val string
		if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
			q := raw[i]
			end := strings.IndexByte(raw[i+1:], q)
			if end < 0 {
				return ""
			}
			val = raw[i+1 : i+1+end]
			i += end + 2
		} else {
			start := i
			for i < len(raw) && raw[i] != ' ' && raw[i] != '>' && raw[i] != '\t' && raw[i] != '\n' {
				i++
			}
			val = raw[start:i]
		}
		if key == name {
			return html.UnescapeString(val)
		}
	}
	return ""
}
