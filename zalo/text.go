package zalo

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/nhacviec/nhacviec/tghtml"
)

// PlainText renders the product's Telegram HTML as the plain text a Zalo
// message carries (the platform documents no parse mode):
//
//   - tags never appear: entities are decoded, <i>, <u>, <s>, <code>,
//     <pre>, <blockquote> and spoilers keep their text;
//   - bold (<b>, <strong>) is kept as plain emphasis: each of its lines
//     between asterisks ("*Nhắc việc*");
//   - a link is "text (url)", or its text alone when the text is the URL
//     or the URL is not a web address (tg://…);
//   - lines, and so the numbered and dashed lists the messages are
//     written with, are kept as they are.
func PlainText(html string) string {
	var (
		out   strings.Builder
		stack []*run // open bold and link runs, innermost last
	)
	w := func() *strings.Builder {
		if len(stack) > 0 {
			return &stack[len(stack)-1].text
		}
		return &out
	}
	// closeRun closes the innermost open run of tag (and any opened
	// inside it that was left open), writing it to the enclosing one.
	closeRun := func(tag string) {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].tag != tag {
				continue
			}
			for len(stack) > k {
				r := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				w().WriteString(r.render())
			}
			return
		}
	}
	for _, p := range tghtml.Pieces(html) {
		tag := p.Tag
		if tag == "strong" {
			tag = "b"
		}
		switch {
		case tag == "":
			w().WriteString(p.Text)
		case (tag == "b" || tag == "a") && !p.Close:
			stack = append(stack, &run{tag: tag, href: p.Href})
		case tag == "b" || tag == "a":
			closeRun(tag)
		}
	}
	// Unclosed runs (not well-formed HTML) keep their text.
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		w().WriteString(r.render())
	}
	return out.String()
}

// run is an open <b> or <a>: its URL and its text so far.
type run struct {
	tag  string
	href string
	text strings.Builder
}

// render is the run as plain text.
func (l *run) render() string {
	text := l.text.String()
	if l.tag == "b" {
		return emphasize(text)
	}
	href := strings.TrimSpace(l.href)
	web := strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "http://")
	switch {
	case !web || strings.TrimSpace(text) == href:
		return text
	case strings.TrimSpace(text) == "":
		return href
	}
	return text + " (" + href + ")"
}

// emphasize puts each non-blank line of s between asterisks, around its
// text and inside its surrounding spaces.
func emphasize(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		start := strings.Index(line, t)
		lines[i] = line[:start] + "*" + t + "*" + line[start+len(t):]
	}
	return strings.Join(lines, "\n")
}

// Length is the length of the plain text s as counted against MaxText:
// UTF-16 code units (a Vietnamese letter counts 1, an emoji outside the
// Basic Multilingual Plane 2), never less than the count of code points.
func Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Parts splits the plain text s into the messages it is sent as, each at
// most limit characters (Length; limit ≤ 0 means MaxText): s itself when
// it fits, else numbered parts in order, each starting with its number on
// a line of its own ("(1/3)"), cut at line boundaries where possible, else
// at a space, else between two characters. Blank text gives no parts.
func Parts(s string, limit int) []string {
	if limit <= 0 {
		limit = MaxText
	}
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if Length(s) <= limit {
		return []string{s}
	}
	// The label's length depends on the number of parts: split, then
	// split again with the label that count needs until it is stable.
	digits := 1
	for {
		label := len("(/)\n") + 2*digits
		if label >= limit {
			label = limit - 1 // a limit too small for labels: keep them anyway
		}
		raw := splitPlain(s, limit-label)
		if len(strconv.Itoa(len(raw))) <= digits || limit-label <= 1 {
			parts := make([]string, len(raw))
			for i, p := range raw {
				parts[i] = "(" + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(raw)) + ")\n" + p
			}
			return parts
		}
		digits = len(strconv.Itoa(len(raw)))
	}
}

// splitPlain cuts plain text into pieces of at most limit UTF-16 units with
// tghtml.Split, which cuts at line boundaries first and counts as this
// package does: the text is escaped so that nothing in it reads as a tag,
// and each piece decoded back.
func splitPlain(s string, limit int) []string {
	raw := tghtml.Split(tghtml.Escape(s), limit)
	out := make([]string, 0, len(raw))
	for _, p := range raw {
		out = append(out, tghtml.StripTags(p))
	}
	return out
}
