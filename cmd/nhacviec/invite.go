package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/store"
)

func runInvite(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "invite", "KEY... | --all [--unit CODE]",
		"Issue fresh single-use codes that link officials to their Telegram chats.\n"+
			"Prints KEY<TAB>CODE<TAB>LINK per official; LINK is - when the bot's username is unknown.\n"+
			"Only a hash of each code is stored; earlier unused codes stay valid until they expire.")
	all := fs.Bool("all", false, "issue codes for every active official of the unit")
	unit := fs.String("unit", "", "unit `CODE` (default: the only unit)")
	keys, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *all == (len(keys) > 0) {
		return usageError{"name official keys or use --all (not both)"}
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
	var officials []store.Official
	if *all {
		list, err := a.Store.Officials(ctx, u.Code)
		if err != nil {
			return err
		}
		for _, o := range list {
			if o.ArchivedAt == nil {
				officials = append(officials, o)
			}
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
	username := botUsername(ctx, a.Cfg)
	now := a.Clock.Now()
	for _, o := range officials {
		code, err := store.NewInviteCode()
		if err != nil {
			return err
		}
		if err := a.Store.IssueInvite(ctx, o.ID, code, now, now.Add(a.Cfg.Reminders.InviteTTL)); err != nil {
			return err
		}
		link := "-"
		if username != "" {
			link = "https://t.me/" + url.PathEscape(username) + "?start=" + code
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", o.Key, code, link)
	}
	return nil
}

// botUsername returns telegram.bot_username, else asks getMe when a token is
// configured, else "".
func botUsername(ctx context.Context, cfg config.Config) string {
	if cfg.Telegram.BotUsername != "" {
		return cfg.Telegram.BotUsername
	}
	if cfg.Telegram.Token == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	b, err := tgbot.New(cfg.Telegram.Token, tgbot.WithServerURL(cfg.Telegram.APIURL), tgbot.WithSkipGetMe())
	if err != nil {
		return ""
	}
	me, err := b.GetMe(ctx)
	if err != nil || me == nil {
		return ""
	}
	return me.Username
}
