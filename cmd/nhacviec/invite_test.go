package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
)

// TestInviteAllSkipsLinked checks that invite --all issues no code for a
// linked official (a code that could take the account over) and says on
// stderr whom it skipped and how to relink them.
func TestInviteAllSkipsLinked(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	if _, err := c.store().DB().Exec(`UPDATE officials SET telegram_chat_id = 42, telegram_user_id = 42,
		telegram_username = 'toan', linked_at = now() WHERE key = 'chu-tich'`); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := c.run("invite", "--all")
	if code != 0 {
		t.Fatalf("invite --all: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 9 {
		t.Errorf("%d lines, want 9 (every official but the linked Chairman):\n%s", len(lines), out)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "chu-tich\t") {
			t.Errorf("a code was issued for the linked Chairman: %q", l)
		}
	}
	if !strings.Contains(stderr, "skipped 1 linked official(s): chu-tich") || !strings.Contains(stderr, "nhacviec invite KEY --relink") {
		t.Errorf("stderr %q does not name the skipped official and how to relink", stderr)
	}
	if code, _, _ := c.run("invite", "--all", "--relink"); code != 2 {
		t.Errorf("invite --all --relink: exit %d, want 2", code)
	}
}

// TestInviteRevokeAndRelink checks that a new code revokes the older one,
// that invite revoke KEY revokes the rest, and that only a --relink code
// moves a linked official.
func TestInviteRevokeAndRelink(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	st := c.store()
	ctx := context.Background()
	codeOf := func(args ...string) string {
		t.Helper()
		f := strings.Split(strings.TrimSpace(c.mustRun(args...)), "\t")
		if len(f) != 3 {
			t.Fatalf("nhacviec %s: %q, want KEY<TAB>CODE<TAB>LINK", strings.Join(args, " "), f)
		}
		return f[1]
	}
	now := time.Now().Add(time.Minute)

	first := codeOf("invite", "tu-phap")
	second := codeOf("invite", "tu-phap")
	if _, err := st.RedeemInvite(ctx, first, 70, 70, "", now); !errors.Is(err, store.ErrInviteRevoked) {
		t.Errorf("the first code after a second was issued: %v, want ErrInviteRevoked", err)
	}
	out := c.mustRun("invite", "revoke", "tu-phap")
	if out != "tu-phap\trevoked 1 unused code(s)\n" {
		t.Errorf("invite revoke tu-phap = %q", out)
	}
	if _, err := st.RedeemInvite(ctx, second, 70, 70, "", now); !errors.Is(err, store.ErrInviteRevoked) {
		t.Errorf("a revoked code: %v, want ErrInviteRevoked", err)
	}
	for _, args := range [][]string{{"invite", "revoke"}, {"invite", "revoke", "--all"}} {
		if code, _, _ := c.run(args...); code != 2 {
			t.Errorf("nhacviec %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
	if code, _, stderr := c.run("invite", "revoke", "khong-co"); code != 1 || !strings.Contains(stderr, `unknown official "khong-co"`) {
		t.Errorf("invite revoke of an unknown key: exit %d, %q", code, stderr)
	}

	// Linked, tu-phap gets a plain code only with a warning, and the code
	// links no other chat; a --relink code does.
	if _, err := st.RedeemInvite(ctx, codeOf("invite", "tu-phap"), 70, 70, "", now); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := c.run("invite", "tu-phap")
	if code != 0 || !strings.Contains(stderr, "tu-phap is linked") || !strings.Contains(stderr, "--relink") {
		t.Errorf("invite of a linked official: exit %d, stderr %q; want a warning naming --relink", code, stderr)
	}
	plain := strings.Split(strings.TrimSpace(out), "\t")[1]
	if _, err := st.RedeemInvite(ctx, plain, 71, 71, "", now); !errors.Is(err, store.ErrInviteLinkedElsewhere) {
		t.Errorf("a plain code from another chat: %v, want ErrInviteLinkedElsewhere", err)
	}
	link, err := st.RedeemInvite(ctx, codeOf("invite", "tu-phap", "--relink"), 71, 71, "", now)
	if err != nil || link.Outcome != store.LinkRelinked || link.PreviousChatID != 70 {
		t.Errorf("a --relink code: %+v, %v; want tu-phap moved from chat 70", link, err)
	}
}

// TestInviteTellsHowToFindTheZaloBot checks that with Zalo configured,
// invite prints after its codes how to find the bot on Zalo (its name and
// QR link), and that officials shows each official's channel.
func TestInviteTellsHowToFindTheZaloBot(t *testing.T) {
	c := newCLI(t)
	c.env["NHACVIEC_ZALO_TOKEN"] = "12345689:abc-xyz"
	c.env["NHACVIEC_ZALO_BOT_NAME"] = "Bot Nhắc việc Phường"
	c.env["NHACVIEC_ZALO_QR_URL"] = "https://qr.example.vn/bot"
	c.mustRun("import", examplePlan)
	out := c.mustRun("invite", "tu-phap")
	for _, want := range []string{"tu-phap\t", "Trên Zalo: tìm bot «Bot Nhắc việc Phường»", "https://qr.example.vn/bot"} {
		if !strings.Contains(out, want) {
			t.Errorf("invite output lacks %q:\n%s", want, out)
		}
	}
	if _, err := c.store().DB().Exec(`UPDATE officials SET telegram_chat_id = $1, telegram_user_id = $1,
		telegram_username = 'Hộ tịch', linked_at = now() WHERE key = 'tu-phap'`, store.ZaloChatBase+7); err != nil {
		t.Fatal(err)
	}
	list := c.mustRun("officials")
	var line string
	for _, l := range strings.Split(list, "\n") {
		if strings.HasPrefix(l, "tu-phap ") {
			line = l
		}
	}
	if !strings.Contains(line, "zalo") || !strings.Contains(line, "linked (Hộ tịch)") {
		t.Errorf("officials shows tu-phap as %q, want on zalo, linked", line)
	}
	if !strings.Contains(list, "(Telegram 0, Zalo 1)") {
		t.Errorf("officials summary lacks the count per channel:\n%s", list)
	}
}

// TestInviteNamesTheUnitsBot: with telegram.bots, a code's link opens the
// bot of the official's unit: its configured username, else the one serve
// recorded from getMe; the other units' the default bot's.
func TestInviteNamesTheUnitsBot(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "nhacviec.yaml")
	write := func(units string) {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(`
telegram:
  bot_username: nhacviec_bot
  bots:
    - name: ha-tinh
      token: "7000000002:AAHaTinhBotToken"
      units: [`+units+`]
`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	linkOf := func() string {
		t.Helper()
		f := strings.Split(strings.TrimSpace(c.mustRun("invite", "tu-phap", "--config", cfg)), "\t")
		if len(f) != 3 {
			t.Fatalf("invite: %q", f)
		}
		return f[2]
	}
	if _, err := c.store().DB().Exec(`INSERT INTO telegram_bots (name, username, updated_at) VALUES ('ha-tinh', 'ha_tinh_nhacviec_bot', now())`); err != nil {
		t.Fatal(err)
	}
	write("pdp")
	if link := linkOf(); !strings.HasPrefix(link, "https://t.me/ha_tinh_nhacviec_bot?start=") {
		t.Errorf("link of an official of a unit of bot ha-tinh = %q", link)
	}
	write("another-unit")
	if link := linkOf(); !strings.HasPrefix(link, "https://t.me/nhacviec_bot?start=") {
		t.Errorf("link once the unit is back on the default bot = %q", link)
	}
}
