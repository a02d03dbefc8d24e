package tghtml

import (
	"reflect"
	"testing"
)

func TestPieces(t *testing.T) {
	got := Pieces(`<b>Nhắc &lt;việc&gt;</b> a < b &amp; <a href="https://x.org/?a=1&amp;b='2'" title=t>link</a><a href='y'>z</a></i>&#x1F4CC;`)
	want := []Piece{
		{Tag: "b"},
		{Text: "Nhắc <việc>"},
		{Tag: "b", Close: true},
		{Text: " a < b & "},
		{Tag: "a", Href: "https://x.org/?a=1&b='2'"},
		{Text: "link"},
		{Tag: "a", Close: true},
		{Tag: "a", Href: "y"},
		{Text: "z"},
		{Tag: "a", Close: true},
		{Tag: "i", Close: true},
		{Text: "📌"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Pieces =\n%#v\nwant\n%#v", got, want)
	}
	if got := Pieces(""); got != nil {
		t.Errorf("Pieces of empty = %#v", got)
	}
	if got := Pieces(`<a title="x" href=plain>`); len(got) != 1 || got[0].Href != "plain" {
		t.Errorf("unquoted href: %#v", got)
	}
}
