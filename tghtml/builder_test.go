package tghtml

import (
	"strings"
	"testing"
)

// TestBuilderLenAddsUp: the Builder's running length is Len of the whole
// text for pieces that are each whole HTML (tags, entities, Vietnamese
// letters, emoji outside the BMP, invalid UTF-8), and Append writes a
// piece exactly when measuring the text it would become (with its tail)
// says it fits.
func TestBuilderLenAddsUp(t *testing.T) {
	pieces := []string{
		"<b>" + Escape("Báo cáo <quý> & \"năm\"") + "</b>\n",
		"1. " + Escape("Rà soát thủ tục hành chính 📌") + "\n",
		"&#123;&#x7B; &amp; & a&b;\n",
		"<i>" + Escape("Trả lời \"2 xong\"") + "</i>",
		"\xff\xfe lỗi\n",
		"<a href=\"https://t.me/bot\">@bot</a>",
		"",
	}
	var b Builder
	var plain strings.Builder
	const tail = "\n<i>" + "Trả lời &quot;2 xong&quot;" + "</i>"
	for i, p := range pieces {
		need := Len(plain.String() + p + tail)
		if b.Append(need-1, p, tail) {
			t.Fatalf("piece %d: Append wrote it with one unit too few", i)
		}
		if b.Len() != Len(plain.String()) {
			t.Fatalf("piece %d: a refused Append changed Len to %d", i, b.Len())
		}
		if !b.Append(need, p, tail) {
			t.Fatalf("piece %d: Append refused it at exactly its length %d", i, need)
		}
		plain.WriteString(p)
		if b.Len() != Len(plain.String()) {
			t.Fatalf("after piece %d: Len = %d, want %d", i, b.Len(), Len(plain.String()))
		}
		b.WriteString(p)
		plain.WriteString(p)
		if b.Len() != Len(plain.String()) {
			t.Fatalf("after writing piece %d again: Len = %d, want %d", i, b.Len(), Len(plain.String()))
		}
	}
	if b.String() != plain.String() {
		t.Fatalf("String = %q, want %q", b.String(), plain.String())
	}
	if !b.Append(b.Len(), "") || b.Append(b.Len()-1, "") {
		t.Fatalf("Append of nothing disagrees with Len %d", b.Len())
	}
}
