package tghtml

import (
	"unicode"
	"unicode/utf8"
)

// kind classifies a token of a message.
type kind uint8

const (
	kindChar    kind = iota // one character of text
	kindSpace               // a space, tab or carriage return
	kindNewline             // "\n"
	kindEntity              // &lt; &gt; &amp; &quot; or a numeric entity
	kindOpen                // an opening tag, attributes included
	kindClose               // a closing tag
)

// token is an indivisible piece of a message: a cut never falls inside one.
type token struct {
	start, end int   // byte offsets in the message
	r          rune  // the decoded character of an entity
	units      uint8 // UTF-16 code units Telegram counts; 0 for a tag
	kind       kind  // what the token is
}

// isTag reports whether t is an opening or closing tag.
func (t token) isTag() bool { return t.kind == kindOpen || t.kind == kindClose }

// isSpace reports whether t is whitespace that may be dropped at a cut.
func (t token) isSpace() bool { return t.kind == kindSpace || t.kind == kindNewline }

// tokenize splits the valid UTF-8 message s into tokens. Text that is not a
// well-formed tag or entity ("a < b", "AT&T") is ordinary characters, the
// way Telegram reads it.
func tokenize(s string) []token {
	toks := make([]token, 0, utf8.RuneCountInString(s))
	for i := 0; i < len(s); {
		t := next(s, i)
		toks = append(toks, t)
		i = t.end
	}
	return toks
}

// next returns the token of the valid UTF-8 message s that starts at byte
// i (< len(s)). Reading a message token by token with it, as Len and
// StripTags do, allocates nothing; tokenize keeps them all.
func next(s string, i int) token {
	switch c := s[i]; c {
	case '<':
		if end, k := scanTag(s, i); end > 0 {
			return token{start: i, end: end, kind: k}
		}
	case '&':
		if end, r := scanEntity(s, i); end > 0 {
			return token{start: i, end: end, units: utf16Len(r), kind: kindEntity, r: r}
		}
	case '\n':
		return token{start: i, end: i + 1, units: 1, kind: kindNewline}
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	k := kindChar
	if isBreakingSpace(r) {
		k = kindSpace
	}
	return token{start: i, end: i + size, units: utf16Len(r), kind: k}
}

// isBreakingSpace reports whether r is whitespace a line may be cut at:
// Unicode white space except the no-break spaces.
func isBreakingSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
	}
	switch r {
	case '\u00A0', '\u2007', '\u202F', '\uFEFF':
		return false
	}
	return unicode.IsSpace(r)
}

// utf16Len returns how many UTF-16 code units encode r.
func utf16Len(r rune) uint8 {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// isNameByte reports whether c may appear in an element or attribute name.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// isLetter reports whether c is an ASCII letter.
func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// scanTag reads the tag starting at s[i] == '<'. It returns the offset just
// after the tag and its kind, or 0 when s[i:] does not start a tag. Quoted
// attribute values may contain '>'.
func scanTag(s string, i int) (int, kind) {
	j := i + 1
	k := kindOpen
	if j < len(s) && s[j] == '/' {
		k = kindClose
		j++
	}
	if j >= len(s) || !isLetter(s[j]) {
		return 0, 0
	}
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	if k == kindClose {
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
			j++
		}
		if j < len(s) && s[j] == '>' {
			return j + 1, k
		}
		return 0, 0
	}
	if j < len(s) && s[j] != '>' && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' {
		return 0, 0 // "<b!": not a tag name followed by attributes
	}
	for j < len(s) {
		switch s[j] {
		case '>':
			return j + 1, k
		case '<':
			return 0, 0
		case '"', '\'':
			q := s[j]
			j++
			for j < len(s) && s[j] != q {
				j++
			}
			if j == len(s) {
				return 0, 0
			}
		}
		j++
	}
	return 0, 0
}

// scanEntity reads the entity starting at s[i] == '&'. It returns the
// offset just after it and the character it stands for, or 0 when s[i:]
// does not start an entity Telegram decodes.
func scanEntity(s string, i int) (int, rune) {
	rest := s[i+1:]
	for _, e := range [...]struct {
		name string
		r    rune
	}{{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}} {
		if len(rest) >= len(e.name) && rest[:len(e.name)] == e.name {
			return i + 1 + len(e.name), e.r
		}
	}
	if len(rest) < 3 || rest[0] != '#' {
		return 0, 0
	}
	j, base := 1, rune(10)
	if rest[1] == 'x' || rest[1] == 'X' {
		j, base = 2, 16
	}
	var r rune
	digits := 0
	for ; j < len(rest) && rest[j] != ';'; j++ {
		d := digitValue(rest[j], base)
		if d < 0 {
			return 0, 0
		}
		r = r*base + d
		digits++
		if r > utf8.MaxRune {
			return 0, 0
		}
	}
	if j == len(rest) || digits == 0 || r == 0 || !utf8.ValidRune(r) {
		return 0, 0
	}
	return i + 1 + j + 1, r
}

// digitValue returns the value of the digit c in base 10 or 16, or -1.
func digitValue(c byte, base rune) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case base == 16 && c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case base == 16 && c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}
