package message

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
)

func TestSayEscapesNamesButNotHTML(t *testing.T) {
	vi := i18n.New(i18n.VI)
	got := Say(vi, "bot.start_linked", "Lê <b>Văn</b> & Cường", "Chánh Văn phòng")
	if !strings.Contains(got, "Lê &lt;b&gt;Văn&lt;/b&gt; &amp; Cường") {
		t.Errorf("Say did not escape the name: %q", got)
	}
	if strings.Contains(got, "<b>Văn</b>") {
		t.Errorf("Say let markup of a name through: %q", got)
	}

	hint := vi.T("bot.report_hint_count")
	got = Say(vi, "bot.report_ask_value", "Số <lượt>", "quý I/2026", HTML(hint))
	if !strings.Contains(got, hint) {
		t.Errorf("Say escaped an HTML argument: %q does not contain %q", got, hint)
	}
	if !strings.Contains(got, "Số &lt;lượt&gt;") {
		t.Errorf("Say did not escape the target text: %q", got)
	}
}
