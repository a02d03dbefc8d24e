package tghtml

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"Phường Phan Đình Phùng", "Phường Phan Đình Phùng"},
		{"tỷ lệ < 95% & > 80%", "tỷ lệ &lt; 95% &amp; &gt; 80%"},
		{`Kế hoạch "CCHC" 2025`, "Kế hoạch &quot;CCHC&quot; 2025"},
		{"<b>không phải thẻ</b>", "&lt;b&gt;không phải thẻ&lt;/b&gt;"},
		{"&lt; đã mã hoá", "&amp;lt; đã mã hoá"},
		{"✅ Hoàn thành 📌", "✅ Hoàn thành 📌"},
		{"hỏng \xff\xfe utf-8", "hỏng \uFFFD utf-8"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := StripTags(Escape(tt.in)); got != strings.ToValidUTF8(tt.in, "\uFFFD") {
			t.Errorf("StripTags(Escape(%q)) = %q, want the input back", tt.in, got)
		}
	}
}

func TestLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		// Precomposed Vietnamese letters are 2 or 3 bytes but one UTF-16 unit.
		{"Cải cách hành chính", 19},
		{"ệ", 1},
		{"✅", 1},
		{"📌", 2},
		{"📌 Nhắc việc", 12},
		{"<b>Hoàn thành</b>", 10},
		{`<a href="https://t.me/nhacviec_bot?start=abc">mở</a>`, 2},
		{`<a href="x>y">liên kết</a>`, 8},
		{"&lt;&gt;&amp;&quot;", 4},
		{"&#128204;", 2},
		{"&#x1F4CC;", 2},
		{"&#7879;", 1},
		{"&nbsp;", 6},         // not an entity Telegram decodes
		{"AT&T", 4},           // a lone ampersand is text
		{"a < b", 5},          // so is a lone "<"
		{"<b>không đóng", 10}, // an unclosed tag still counts nothing
		{"<pre><code class=\"language-go\">x := 1</code></pre>", 6},
		{"\xff", 1},
	}
	for _, tt := range tests {
		if got := Len(tt.in); got != tt.want {
			t.Errorf("Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestStripTags(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"<b>Quá hạn</b>: 3 việc", "Quá hạn: 3 việc"},
		{"Tỷ lệ &lt; 95%&#33; &amp; &#x1F4CC;", "Tỷ lệ < 95%! & 📌"},
		{`<a href="https://example.org/?a=1&amp;b=2">Kế hoạch</a>`, "Kế hoạch"},
		{"<blockquote expandable>Ghi chú\ndòng 2</blockquote>", "Ghi chú\ndòng 2"},
		{"a < b && c", "a < b && c"},
		{"&nbsp;", "&nbsp;"},
	}
	for _, tt := range tests {
		if got := StripTags(tt.in); got != tt.want {
			t.Errorf("StripTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string // a substring of the error; empty for valid input
	}{
		{in: ""},
		{in: "Hạn chót 30/6/2025 &gt; còn 3 ngày"},
		{in: "<b>Quá hạn</b> <i>2 việc</i> AT&T > 1"},
		{in: `<a href="https://t.me/nhacviec_bot?start=abc&amp;x=1"><b>mở</b></a>`},
		{in: "<blockquote expandable>ghi chú</blockquote><pre><code class=\"language-go\">x</code></pre>"},
		{in: `<span class="tg-spoiler">bí mật</span><tg-spoiler>x</tg-spoiler>`},
		{in: "a < b", wantErr: "unsupported start tag at byte offset 2"},
		{in: "<br>dòng", wantErr: `unsupported start tag "br"`},
		{in: "<div>khối</div>", wantErr: `unsupported start tag "div"`},
		{in: "<b>đậm", wantErr: `can't find end tag corresponding to start tag "b"`},
		{in: "đậm</b>", wantErr: "unexpected end tag at byte offset 6"},
		{in: "<b><i>x</b></i>", wantErr: `expected "</i>", found "</b>"`},
		{in: "\xff", wantErr: "UTF-8"},
	}
	for _, tt := range tests {
		err := Validate(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("Validate(%q) = %v, want nil", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Validate(%q) = %v, want an error containing %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestSplit(t *testing.T) {
	line := "Rà soát, đơn giản hóa thủ tục hành chính" // 41 units
	exact := strings.Repeat("ệ", MaxMessage)           // 4096 units, 12288 bytes
	emojiLine := strings.Repeat("📌", 5)                // 10 units
	longWord := strings.Repeat("đ", 25)                // no space to cut at
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{name: "empty", in: "", limit: 10, want: nil},
		{name: "fits unchanged", in: "  <b>Xong</b>\n", limit: 10, want: []string{"  <b>Xong</b>\n"}},
		{name: "exactly the maximum", in: exact, limit: 0, want: []string{exact}},
		{
			name:  "one over the maximum",
			in:    exact + "x",
			limit: MaxMessage,
			want:  []string{exact, "x"},
		},
		{
			name:  "one over the maximum at a line",
			in:    strings.Repeat("ệ", 4095) + "\nx",
			limit: MaxMessage,
			want:  []string{strings.Repeat("ệ", 4095), "x"},
		},
		{
			name:  "lines packed greedily",
			in:    "một\nhai\nba\nbốn\nnăm",
			limit: 8,
			want:  []string{"một\nhai", "ba\nbốn", "năm"},
		},
		{
			name:  "tags only do not count",
			in:    "<b>một</b>\n<i>hai</i>\nba",
			limit: 7,
			want:  []string{"<b>một</b>\n<i>hai</i>", "ba"},
		},
		{
			name:  "bold across lines is closed and reopened",
			in:    "<b>Nhiệm vụ\nquá hạn\ncần xử lý</b> ngay",
			limit: 17,
			want:  []string{"<b>Nhiệm vụ\nquá hạn</b>", "<b>cần xử lý</b> ngay"},
		},
		{
			name:  "nested tags keep attributes and order",
			in:    `<blockquote expandable><a href="https://t.me/x?a=1&amp;b=2"><b>dòng một</b> dòng hai` + "\n" + `dòng ba</a></blockquote>`,
			limit: 18,
			want: []string{
				`<blockquote expandable><a href="https://t.me/x?a=1&amp;b=2"><b>dòng một</b> dòng hai</a></blockquote>`,
				`<blockquote expandable><a href="https://t.me/x?a=1&amp;b=2">dòng ba</a></blockquote>`,
			},
		},
		{
			name:  "long line cut at spaces",
			in:    line,
			limit: 20,
			want:  []string{"Rà soát, đơn giản", "hóa thủ tục hành", "chính"},
		},
		{
			name:  "long word cut between characters",
			in:    longWord,
			limit: 10,
			want:  []string{strings.Repeat("đ", 10), strings.Repeat("đ", 10), strings.Repeat("đ", 5)},
		},
		{
			name:  "surrogate pair never split",
			in:    emojiLine,
			limit: 3,
			want:  []string{"📌", "📌", "📌", "📌", "📌"},
		},
		{
			name:  "entity never split",
			in:    "ab&lt;cd&#128204;e",
			limit: 3,
			want:  []string{"ab&lt;", "cd", "&#128204;e"},
		},
		{
			name:  "blank lines at a cut are dropped",
			in:    "tiêu đề\n\n\n\n\n\n\n\nnội dung",
			limit: 10,
			want:  []string{"tiêu đề", "nội dung"},
		},
		{
			name:  "trailing whitespace and empty tags dropped",
			in:    "<b>chương một</b>\n   \n<i> </i>\n",
			limit: 10,
			want:  []string{"<b>chương một</b>"},
		},
		{
			name:  "invalid utf-8 replaced",
			in:    "ab\xffcd\xfe",
			limit: 3,
			want:  []string{"ab\uFFFD", "cd\uFFFD"},
		},
		{
			name:  "character longer than the limit stands alone",
			in:    "📌📌",
			limit: 1,
			want:  []string{"📌", "📌"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.in, tt.limit)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Fatalf("Split(%q, %d) =\n%q\nwant\n%q", tt.in, tt.limit, got, tt.want)
			}
			if tt.limit >= 2 {
				checkSplit(t, tt.in, tt.limit, got)
			}
		})
	}
}

func TestSplitDigest(t *testing.T) {
	digest := vietnameseDigest(50 * 1024)
	if err := Validate(digest); err != nil {
		t.Fatalf("the test digest is invalid: %v", err)
	}
	parts := Split(digest, MaxMessage)
	if len(parts) < 2 {
		t.Fatalf("a %d-byte digest gave %d parts, want several", len(digest), len(parts))
	}
	checkSplit(t, digest, MaxMessage, parts)
	for i, p := range parts {
		if !strings.HasPrefix(p, "<b>") && i > 0 && !strings.HasPrefix(p, "•") && !strings.HasPrefix(p, "<i>") {
			t.Errorf("part %d starts mid-line: %.40q", i, p)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("<b>Nhiệm vụ\nquá hạn</b> &lt;3 📌 ✅", 5)
	f.Add(`<a href="https://t.me/x?start=a&amp;b">liên kết dài dài dài</a>`, 4)
	f.Add("<pre><code class=\"language-go\">một\nhai\nba</code></pre>", 3)
	f.Add("\xff\xfe<i>\n\n\n</i>  a", 2)
	f.Add("a < b && c > d &#128204; &#x1F4CC; &nbsp;", 3)
	f.Add(vietnameseDigest(600), 100)
	f.Fuzz(func(t *testing.T, in string, limit int) {
		if limit < 2 || limit > 2*MaxMessage {
			limit = 2 + abs(limit)%64
		}
		checkSplit(t, in, limit, Split(in, limit))
	})
}

func BenchmarkSplit(b *testing.B) {
	digest := vietnameseDigest(50 * 1024)
	b.SetBytes(int64(len(digest)))
	b.ReportAllocs()
	for b.Loop() {
		Split(digest, MaxMessage)
	}
}

// checkSplit verifies the contract of Split: every part is non-blank, at
// most limit long and well-formed when the input is; put back together the
// parts hold the input's characters in order, each inside the same open
// tags as in the input, losing only whitespace.
func checkSplit(t *testing.T, in string, limit int, parts []string) {
	t.Helper()
	valid := strings.ToValidUTF8(in, "\uFFFD")
	if Len(valid) <= limit {
		if valid == "" && len(parts) != 0 || valid != "" && (len(parts) != 1 || parts[0] != valid) {
			t.Fatalf("Split(%q, %d) = %q, want the input unchanged", in, limit, parts)
		}
		return
	}
	var got []styled
	for i, p := range parts {
		if !utf8.ValidString(p) {
			t.Fatalf("part %d is not valid UTF-8: %q", i, p)
		}
		if n := Len(p); n > limit {
			t.Fatalf("part %d has length %d > %d: %q", i, n, limit, p)
		}
		chars := styledChars(p)
		if len(chars) == 0 || chars[0].space || chars[len(chars)-1].space {
			t.Fatalf("part %d is blank or has whitespace at an end: %q", i, p)
		}
		if Validate(valid) == nil && Validate(p) != nil {
			t.Fatalf("part %d of a valid message is invalid: %v: %q", i, Validate(p), p)
		}
		if balanced(valid) && !balanced(p) {
			t.Fatalf("part %d is not well-formed: %q", i, p)
		}
		got = append(got, chars...)
	}
	want := styledChars(valid)
	k := 0
	for i, c := range got {
		for k < len(want) && want[k] != c && want[k].space {
			k++ // whitespace dropped at a cut
		}
		if k == len(want) || want[k] != c {
			t.Fatalf("character %d of the parts %+v does not follow the input\ninput: %q\nparts: %q", i, c, valid, parts)
		}
		k++
	}
	for ; k < len(want); k++ {
		if !want[k].space {
			t.Fatalf("input character %+v lost\ninput: %q\nparts: %q", want[k], valid, parts)
		}
	}
}

// styled is a character of a message with the tags open around it.
type styled struct {
	text  string // as written: a character or an entity
	tags  string // the opening tags open around it, outermost first
	space bool   // whitespace Split may drop at a cut
}

// styledChars returns the characters of the valid UTF-8 message s.
func styledChars(s string) []styled {
	var out []styled
	var stack []openTag
	for _, tok := range tokenize(s) {
		if tok.isTag() {
			stack = applyTag(stack, s, tok)
			continue
		}
		var tags strings.Builder
		for _, o := range stack {
			tags.WriteString(o.tag)
		}
		out = append(out, styled{text: s[tok.start:tok.end], tags: tags.String(), space: tok.isSpace()})
	}
	return out
}

// balanced reports whether every closing tag of s closes the innermost open
// element and no element is left open.
func balanced(s string) bool {
	var names []string
	for _, tok := range tokenize(s) {
		switch tok.kind {
		case kindOpen:
			names = append(names, tagName(s[tok.start:tok.end]))
		case kindClose:
			if len(names) == 0 || names[len(names)-1] != tagName(s[tok.start:tok.end]) {
				return false
			}
			names = names[:len(names)-1]
		}
	}
	return len(names) == 0
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// vietnameseDigest returns a digest-like Telegram HTML message of about
// size bytes, in the vocabulary of the ward's reform plan.
func vietnameseDigest(size int) string {
	tasks := []string{
		"Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết",
		"Công khai, minh bạch thủ tục hành chính tại Bộ phận Một cửa",
		"Tiếp nhận, giải quyết hồ sơ trực tuyến trên Cổng Dịch vụ công",
		"Kiểm tra công tác cải cách hành chính & văn thư lưu trữ",
		"Báo cáo kết quả thực hiện Kế hoạch cải cách hành chính <quý>",
	}
	officials := []string{"Văn phòng HĐND-UBND", "Tư pháp - Hộ tịch", "Địa chính - Xây dựng", "Văn hóa - Xã hội"}
	var b strings.Builder
	b.WriteString("<b>📊 TỔNG HỢP TIẾN ĐỘ CẢI CÁCH HÀNH CHÍNH — QUÝ I/2025</b>\n")
	b.WriteString("<i>Phường Phan Đình Phùng, tính đến 08:00 ngày 15/3/2025</i>\n\n")
	for i := 0; b.Len() < size; i++ {
		if i%12 == 0 {
			fmt.Fprintf(&b, "<b>Lĩnh vực %d: %s</b>\n", i/12+1, Escape(tasks[i%len(tasks)]))
		}
		status := "✅ hoàn thành đúng hạn"
		if i%3 == 1 {
			status = "⏰ <b>quá hạn 4 ngày</b>"
		}
		fmt.Fprintf(&b, "• %s — chủ trì: <i>%s</i>, hạn 30/6/2025, tiến độ %d%%, %s\n",
			Escape(tasks[i%len(tasks)]), Escape(officials[i%len(officials)]), (i*7)%101, status)
	}
	return b.String()
}

func TestMessages(t *testing.T) {
	if got := Messages(""); got != nil {
		t.Errorf("Messages(\"\") = %q, want none", got)
	}
	short := "<b>Nhắc việc</b>\nHạn: 30/06/2025"
	if got := Messages(short); len(got) != 1 || got[0] != short {
		t.Errorf("Messages(short) = %q, want the text unchanged", got)
	}
	long := strings.Repeat("Dòng báo cáo tiến độ của cán bộ &amp; công chức.\n", 200)
	got := Messages(long)
	if len(got) < 2 {
		t.Fatalf("Messages(long) = %d parts, want at least 2", len(got))
	}
	if want := Split(long, MaxMessage); !slices.Equal(got, want) {
		t.Errorf("Messages(long) differs from Split(long, MaxMessage)")
	}
	for i, part := range got {
		if n := Len(part); n > MaxMessage {
			t.Errorf("part %d is %d units long, over %d", i, n, MaxMessage)
		}
	}
}

// TestLenAllocatesNothing: Len reads the message token by token. The
// reminder briefs call it once per item on the text so far, and a token
// slice per call (24 bytes a character) was the largest transient
// allocation of a morning's fan-out.
func TestLenAllocatesNothing(t *testing.T) {
	s := strings.Repeat("<b>Việc</b> &amp; báo cáo 😀\n", 200)
	want := Len(s)
	var got int
	if n := testing.AllocsPerRun(20, func() { got = Len(s) }); n != 0 {
		t.Errorf("Len allocates %.0f times a call, want none", n)
	}
	if got != want || want != 200*(len([]rune("Việc & báo cáo \n"))+2) {
		t.Errorf("Len = %d (first %d), want %d", got, want, 200*(len([]rune("Việc & báo cáo \n"))+2))
	}
}
