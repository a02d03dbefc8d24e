package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/zalo"
)

func runInvite(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "invite", "KEY... [--relink] | --all | revoke KEY... [--unit CODE]",
		"Issue fresh single-use codes that link officials to their Telegram (or Zalo) chats.\n"+
			"Prints KEY<TAB>CODE<TAB>LINK per official; LINK is - when the bot's username is unknown.\n"+
			"Only a hash of each code is stored. Issuing a code revokes the official's older unused codes.\n"+
			"A code links only in a private chat, and only an official not linked to another chat,\n"+
			"unless issued with --relink: then it moves the official and tells the previous chat.\n"+
			"--all skips linked officials. \"invite revoke KEY...\" revokes the unused codes of officials.")
	all := fs.Bool("all", false, "issue codes for every active official of the unit not linked yet")
	relink := fs.Bool("relink", false, "the codes may move officials already linked to another chat")
	unit := fs.String("unit", "", "unit `CODE` (default: the only unit)")
	keys, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	revoke := len(keys) > 0 && keys[0] == "revoke"
	if revoke {
		keys = keys[1:]
		if len(keys) == 0 || *all || *relink {
			return usageError{"invite revoke takes official keys (no --all, no --relink)"}
		}
	}
	if *all == (len(keys) > 0) {
		return usageError{"name official keys or use --all (not both)"}
	}
	if *all && *relink {
		return usageError{"--relink moves officials one at a time: name their keys (not --all)"}
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	u, err := pickUnit(ctx, a.Store, *unit)
	if err != nil {
		return err
	}
	var officials []plan.Official
	if *all {
		list, err := a.Store.Officials(ctx, u.Code)
		if err != nil {
			return err
		}
		var skipped []string
		for _, o := range list {
			switch {
			case o.ArchivedAt != nil:
			case o.Linked():
				skipped = append(skipped, o.Key)
			default:
				officials = append(officials, o)
			}
		}
		if len(skipped) > 0 {
			fmt.Fprintf(e.stderr, "skipped %d linked official(s): %s\n"+
				"to move one to another Telegram chat: nhacviec invite KEY --relink\n",
				len(skipped), strings.Join(skipped, " "))
		}
	} else {
		for _, k := range keys {
			o, err := a.Store.OfficialByKey(ctx, u.Code, k)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("unknown official %q in unit %s", k, u.Code)
			}
			if err != nil {
				return err
			}
			if o.ArchivedAt != nil {
				return fmt.Errorf("official %q is archived (no longer in the plan file)", k)
			}
			officials = append(officials, o)
		}
	}
	now := a.Clock.Now()
	if revoke {
		for _, o := range officials {
			n, err := a.Store.RevokeInvites(ctx, o.ID, now)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\trevoked %d unused code(s)\n", o.Key, n)
		}
		return nil
	}
	// A code's link opens the bot of the official's unit (telegram.bots).
	if _, _, err := a.Store.AssignUnitBots(ctx, a.Cfg.Telegram.BotUnits()); err != nil {
		return err
	}
	linkers := make(map[string]telegram.Linker)
	linkerOf := func(unit int64) (telegram.Linker, error) {
		bot, err := store.UnitBot(ctx, a.Store, unit)
		if err != nil {
			return telegram.Linker{}, err
		}
		l, ok := linkers[bot]
		if !ok {
			l = telegram.NewLinker(botUsername(ctx, a.Store, a.Cfg, bot))
			linkers[bot] = l
		}
		return l, nil
	}
	issue := a.Store.IssueInvite
	if *relink {
		issue = a.Store.IssueRelinkInvite
	}
	for _, o := range officials {
		code, err := store.NewInviteCode()
		if err != nil {
			return err
		}
		if err := issue(ctx, o.ID, code, now, now.Add(a.Cfg.Reminders.InviteTTL)); err != nil {
			return err
		}
		if o.Linked() && !*relink {
			fmt.Fprintf(e.stderr, "%s is linked to a Telegram chat: this code is refused from any other chat; "+
				"to move the official, issue it with --relink\n", o.Key)
		}
		linker, err := linkerOf(o.UnitID)
		if err != nil {
			return err
		}
		link := linker.InviteLink(code)
		if link == "" {
			link = "-"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", o.Key, code, link)
	}
	if a.Cfg.Zalo.Enabled() {
		printZaloHowTo(ctx, e, a.Cfg)
	}
	return nil
}

// printZaloHowTo tells, after the codes, how an official finds the bot on
// Zalo and sends a code there: the bot's name (zalo.bot_name, else the
// platform's getMe) and the link of its QR code (zalo.qr_url).
func printZaloHowTo(ctx context.Context, e env, cfg config.Config) {
	name := cfg.Zalo.BotName
	if name == "" {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if me, err := zalo.NewClient(cfg.Zalo.Token, zalo.ClientConfig{APIURL: cfg.Zalo.APIURL}).GetMe(ctx); err == nil {
			name = me.AccountName
		}
	}
	if name == "" {
		name = "?"
		fmt.Fprintln(e.stderr, "the Zalo bot's name is unknown: set zalo.bot_name (the platform did not answer getMe)")
	}
	lang, _ := i18n.ParseLang(cfg.Language)
	p := i18n.New(lang)
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, p.T("invite.zalo_find", name))
	if cfg.Zalo.QRURL != "" {
		fmt.Fprintln(e.stdout, p.T("invite.zalo_qr", cfg.Zalo.QRURL))
	}
}

// botUsername returns the username of the Telegram bot named bot: the
// configured one (telegram.bot_username, telegram.bots[].username), else
// the one serve recorded from getMe, else getMe's when the bot has a token,
// else "".
func botUsername(ctx context.Context, st *store.Store, cfg config.Config, bot string) string {
	username, token := cfg.Telegram.BotUsername, cfg.Telegram.Token
	if b, ok := cfg.Telegram.BotOf(bot); ok {
		username, token = b.Username, b.Token
	}
	if username != "" {
		return username
	}
	if known, err := store.BotUsernames(ctx, st); err == nil && known[bot] != "" {
		return known[bot] // recorded by serve from getMe
	}
	if token == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	b, err := tgbot.New(token, tgbot.WithServerURL(cfg.Telegram.APIURL), tgbot.WithSkipGetMe())
	if err != nil {
		return ""
	}
	me, err := b.GetMe(ctx)
	if err != nil || me == nil {
		return ""
	}
	return me.Username
}
