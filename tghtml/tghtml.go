// Package tghtml helps build messages in Telegram's HTML parse mode: it
// escapes text, measures a message the way Telegram does and splits long
// messages into parts Telegram accepts.
//
// Telegram limits a text message to 4096 characters counted after entity
// parsing: tags do not count, an entity such as "&lt;" counts as the one
// character it stands for, and characters are UTF-16 code units, so a
// Vietnamese letter with diacritics counts 1 and an emoji outside the Basic
// Multilingual Plane (📌) counts 2.
//
// The tokenizer follows Telegram's own parser: the only named entities are
// &lt; &gt; &amp; and &quot;, numeric entities (&#123; &#x7B;) are decoded,
// and any other "&" is an ordinary character. Invalid UTF-8 is replaced
// with U+FFFD, as Telegram rejects it.
package tghtml

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxMessage is the longest text message Telegram accepts, in UTF-16 code
// units after entity parsing.
const MaxMessage = 4096

// Escape returns s with the characters that are special in Telegram HTML
// (<, >, & and ") replaced by entities, so s can be placed in a message as
// text or inside a quoted attribute value. Invalid UTF-8 is replaced with
// U+FFFD.
func Escape(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&', '"':
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 5*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Len returns the length Telegram counts for the HTML message s: the text
// left after removing tags and decoding entities, in UTF-16 code units.
func Len(s string) int {
	s = strings.ToValidUTF8(s, "\uFFFD")
	n := 0
	for i := 0; i < len(s); {
		t := next(s, i)
		n += int(t.units)
		i = t.end
	}
	return n
}

// StripTags returns the plain text of the HTML message s: tags removed and
// entities decoded, as a reader sees the message. Invalid UTF-8 is replaced
// with U+FFFD.
func StripTags(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		t := next(s, i)
		i = t.end
		switch t.kind {
		case kindOpen, kindClose:
		case kindEntity:
			b.WriteRune(t.r)
		default:
			b.WriteString(s[t.start:t.end])
		}
	}
	return b.String()
}

// Messages returns the Telegram messages the HTML text is sent as: the
// text itself when it fits in one message (MaxMessage), else the parts
// Split cuts it into; none for an empty text. Every sender of long text
// (the digest job, the bot, the delivery worker) splits through here.
func Messages(text string) []string {
	if text == "" {
		return nil
	}
	if Len(text) <= MaxMessage {
		return []string{text}
	}
	return Split(text, MaxMessage)
}

// Split cuts the HTML message text into parts whose Len is at most limit,
// ready to be sent one after another. A limit of zero or less means
// MaxMessage.
//
// A text that fits is returned unchanged as the only part; an empty text
// gives no parts. Otherwise each part ends at a line boundary ("\n") where
// possible; a single line longer than the limit is cut at a space, and a
// word longer than the limit between two characters. A cut never falls
// inside a tag or an entity. Tags open across a cut are closed at the end of
// the part and reopened, with their attributes, at the start of the next,
// so every part is well-formed on its own. The whitespace around a cut is
// dropped, as Telegram would trim it, and parts are never blank. A single
// character longer than the limit (an emoji of 2 units with a limit of 1)
// becomes a part of its own.
func Split(text string, limit int) []string {
	if limit <= 0 {
		limit = MaxMessage
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	if text == "" {
		return nil
	}
	toks := tokenize(text)
	total := 0
	for _, t := range toks {
		total += int(t.units)
	}
	if total <= limit {
		return []string{text}
	}

	var parts []string
	var stack []openTag
	var b strings.Builder
	i := 0
	for {
		// Skip whitespace and tags before the part's first character; the
		// tags still change what is open.
		for i < len(toks) && (toks[i].isTag() || toks[i].isSpace()) {
			stack = applyTag(stack, text, toks[i])
			i++
		}
		if i == len(toks) {
			break
		}

		// Take as many tokens as fit, remembering the last places a cut
		// may fall: before a newline, else before a space.
		sum, j := 0, i
		lastNL, lastSpace := -1, -1
		for j < len(toks) && sum+int(toks[j].units) <= limit {
			switch toks[j].kind {
			case kindNewline:
				lastNL = j
			case kindSpace:
				lastSpace = j
			}
			sum += int(toks[j].units)
			j++
		}
		cut := j
		if j < len(toks) {
			switch {
			case toks[j].kind == kindNewline:
				cut = j
			case lastNL > i:
				cut = lastNL
			case toks[j].kind == kindSpace:
				cut = j
			case lastSpace > i:
				cut = lastSpace
			case j == i:
				cut = i + 1 // a single character longer than the limit
			}
		}

		// The last character of the part, so trailing whitespace is dropped
		// while closing tags after it are kept.
		last := cut - 1
		for last > i && (toks[last].isSpace() || toks[last].isTag()) {
			last--
		}

		b.Reset()
		for _, o := range stack {
			b.WriteString(o.tag)
		}
		for k := i; k < cut; k++ {
			t := toks[k]
			stack = applyTag(stack, text, t)
			if k > last && t.isSpace() {
				continue
			}
			b.WriteString(text[t.start:t.end])
		}
		for k := len(stack) - 1; k >= 0; k-- {
			b.WriteString("</")
			b.WriteString(stack[k].name)
			b.WriteString(">")
		}
		parts = append(parts, b.String())
		i = cut
	}
	return parts
}

// openTag is a tag open at some point of a message.
type openTag struct {
	name string // lower-case element name, such as "b" or "a"
	tag  string // the opening tag as written, attributes included
}

// applyTag returns stack updated by the token t: an opening tag is pushed,
// a closing tag removes the innermost open element of its name. Other
// tokens leave it unchanged.
func applyTag(stack []openTag, text string, t token) []openTag {
	switch t.kind {
	case kindOpen:
		raw := text[t.start:t.end]
		return append(stack, openTag{name: tagName(raw), tag: raw})
	case kindClose:
		name := tagName(text[t.start:t.end])
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].name == name {
				return append(stack[:k], stack[k+1:]...)
			}
		}
	}
	return stack
}

// tagName returns the lower-case element name of the tag raw ("<b>",
// "</b>", `<a href="…">`).
func tagName(raw string) string {
	s := strings.TrimPrefix(raw[1:], "/")
	end := 0
	for end < len(s) && isNameByte(s[end]) {
		end++
	}
	return strings.ToLower(s[:end])
}

// Validate reports whether Telegram accepts s in HTML parse mode: s is
// valid UTF-8, every "<" starts a supported tag (b, strong, i, em, u, ins,
// s, strike, del, span, tg-spoiler, a, tg-emoji, code, pre, blockquote),
// and tags nest properly, each opened tag being closed. The error reads
// like the description Telegram answers with after "can't parse entities".
func Validate(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("text must be encoded in UTF-8")
	}
	var open []string
	for _, t := range tokenize(s) {
		switch t.kind {
		case kindChar:
			if s[t.start] == '<' {
				return fmt.Errorf("unsupported start tag at byte offset %d", t.start)
			}
		case kindOpen:
			name := tagName(s[t.start:t.end])
			if !isSupportedTag(name) {
				return fmt.Errorf("unsupported start tag %q at byte offset %d", name, t.start)
			}
			open = append(open, name)
		case kindClose:
			name := tagName(s[t.start:t.end])
			if len(open) == 0 {
				return fmt.Errorf("unexpected end tag at byte offset %d", t.start)
			}
			if want := open[len(open)-1]; want != name {
				return fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", t.start, want, name)
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("can't find end tag corresponding to start tag %q", open[len(open)-1])
	}
	return nil
}

// isSupportedTag reports whether Telegram's HTML parse mode knows the
// element name.
func isSupportedTag(name string) bool {
	switch name {
	case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
		"span", "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote":
		return true
	}
	return false
}
