package message

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

func TestSayEscapesNamesButNotHTML(t *testing.T) {
	vi := i18n.New(i18n.VI)
	got := Say(vi, "bot.start_linked", "Telegram", "Lê <b>Văn</b> & Cường", "Chánh Văn phòng", HTML(vi.T("bot.start_linked_how")))
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

func TestSentencesNameTheChatsMessenger(t *testing.T) {
	vi := i18n.New(i18n.VI)
	const tg, zalo = int64(5001), store.ZaloChatBase + 7
	if got := MovedAway(vi, "An", nil, tg, zalo); !strings.Contains(got, "chuyển sang một tài khoản Zalo bằng") ||
		!strings.Contains(got, "tài khoản Telegram này không còn") {
		t.Errorf("Telegram to Zalo: %q", got)
	}
	if got := MovedAway(vi, "An", nil, zalo, zalo+1); !strings.Contains(got, "một tài khoản Zalo khác") ||
		!strings.Contains(got, "tài khoản Zalo này") || strings.Contains(got, "Telegram") {
		t.Errorf("Zalo to Zalo: %q", got)
	}
	if got := LinkedNotice(vi, "An", "an", Account{Chat: zalo, Username: "An <Zalo>", ID: zalo}); !strings.Contains(got, "Zalo «An &lt;Zalo&gt;»") || strings.Contains(got, "Telegram") {
		t.Errorf("Zalo link notice: %q", got)
	}
	if got := LinkedNotice(vi, "An", "an", Account{Chat: tg, Username: "an", ID: tg}); !strings.Contains(got, "Telegram @an, ID 5001") {
		t.Errorf("Telegram link notice: %q", got)
	}
	if got := GroupLinkNotice(vi, "An", "an", Account{Chat: zalo, ID: zalo}); !strings.Contains(got, "một nhóm Zalo") {
		t.Errorf("Zalo group notice: %q", got)
	}
	if got := LinkedElsewhere(vi, zalo, tg); got != "một tài khoản Telegram" {
		t.Errorf("linked elsewhere, Zalo code for a Telegram official: %q", got)
	}
	if got := LinkedElsewhere(vi, tg, tg+1); got != "một tài khoản Telegram khác" {
		t.Errorf("linked elsewhere, same messenger: %q", got)
	}
	zid := zalo
	p := Unreachable(i18n.VI)(plan.Official{}, plan.Official{Name: "An", Key: "an", TelegramChatID: &zid})
	if !strings.Contains(p.Text, "tin nhắn Zalo đến <b>An</b>") || strings.Contains(p.Text, "Telegram") {
		t.Errorf("unreachable on Zalo: %q", p.Text)
	}
	if HintFor(tg, "x") != "" || HintFor(zalo, "x") != "x" {
		t.Error("HintFor: a hint only for Zalo chats")
	}
	if got := ApprovalHint(vi, 12); got != "Trả lời «đồng ý 12» hoặc «không đồng ý 12»." {
		t.Errorf("approval hint: %q", got)
	}
	text, _ := TypedBrief(vi, []BriefItem{{Task: Task{Title: "Việc"}}}, 0)
	if !strings.Contains(text, "2 hoãn") || strings.Contains(text, "bấm") {
		t.Errorf("typed brief: %q", text)
	}
}
