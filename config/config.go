// Package config is nhacviec's typed configuration: built-in defaults, then
// a YAML file, then environment variables (NHACVIEC_SECTION_KEY; secrets
// also from NHACVIEC_SECTION_KEY_FILE), then Validate.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/robfig/cron/v3"

	"github.com/nhacviec/nhacviec/plan"
)

// Config is the whole configuration. The yaml tags are the external
// contract, described in the README's "Configuration" section; fields
// marked "extension" are the README's extensions.
type Config struct {
	Database  Database  `yaml:"database"`
	Telegram  Telegram  `yaml:"telegram"`
	Zalo      Zalo      `yaml:"zalo"`
	Language  string    `yaml:"language"`
	Schedule  Schedule  `yaml:"schedule"`
	Reminders Reminders `yaml:"reminders"`
	Periods   Periods   `yaml:"periods"`
	Calendar  Calendar  `yaml:"calendar"`
	HTTP      HTTP      `yaml:"http"`
	Email     Email     `yaml:"email"`
	Log       Log       `yaml:"log"`
	// Retention (extension) says how long machinery rows are kept.
	Retention Retention `yaml:"retention"`

	// Limits (extension) bounds what inbound chatter may cost.
	Limits Limits `yaml:"limits"`

	// File is the absolute path of the configuration file read by Load,
	// empty when none was (built-in defaults and environment only). A
	// relative database.data_dir is relative to its folder.
	File string `yaml:"-"`
}

// Database says where PostgreSQL is.
type Database struct {
	// URL of an existing server; empty starts a managed local cluster.
	URL string `yaml:"url" secret:"true"`
	// DataDir holds the managed local cluster.
	DataDir string `yaml:"data_dir"`
	// ReadURL (extension) is a read replica of URL's database: the
	// digests read from it, the rest from URL. Empty reads everything from
	// URL.
	ReadURL string `yaml:"read_url" secret:"true"`
}

// Telegram configures the bot.
type Telegram struct {
	Token         string  `yaml:"token" secret:"true"`
	APIURL        string  `yaml:"api_url"`
	Mode          string  `yaml:"mode"` // polling | webhook | console (extension: print, do not send)
	RatePerSecond float64 `yaml:"rate_per_second"`
	// MaxInFlight (extension) is how many messages are sent at once; each
	// one Telegram accepted but not yet recorded may be sent again after a
	// crash, so 1 (the default) means at most one duplicate per crash.
	MaxInFlight int `yaml:"max_in_flight"`
	// ScheduledShare (extension) is the least percentage of the send
	// budget left to scheduled messages (reminders, digests) while they
	// wait: replies go first, but take at most the rest of each claim, so
	// a flood of replies cannot hold the reminders back. 0 lets replies
	// always go first.
	ScheduledShare int `yaml:"scheduled_share"`
	// BotUsername (extension) is used for invite links when getMe cannot be
	// asked (no token); empty asks Telegram.
	BotUsername string `yaml:"bot_username"`
	// WebhookURL (extension) is the public HTTPS URL Telegram posts to in
	// webhook mode.
	WebhookURL string `yaml:"webhook_url"`
	// WebhookListen (extension) is the local address of the webhook server.
	WebhookListen string `yaml:"webhook_listen"`
	// WebhookSecret (extension) is checked against the
	// X-Telegram-Bot-Api-Secret-Token header.
	WebhookSecret string `yaml:"webhook_secret" secret:"true"`
	// ButtonMaxAge (extension) is how long an inline button stays usable
	// after its message was built; an older press is answered as expired.
	ButtonMaxAge time.Duration `yaml:"button_max_age"`
	// Bots are more bots, each serving the units it lists and the units
	// below them (the nearest listed ancestor wins); the other units are
	// served by the bot of Token, named DefaultBot.
	Bots []Bot `yaml:"bots"`
}

// DefaultBot names the bot of telegram.token among the bots of
// telegram.bots; no bot of telegram.bots may take the name.
const DefaultBot = "default"

// Bot is one bot of telegram.bots. It has its own send budget and
// per-chat limits, its own polling loop (or webhook path, telegram.
// webhook_url with "/<name>" appended), its own invite links and its own
// health check; the other settings are telegram's.
type Bot struct {
	// Name names the bot in logs, metrics, /healthz, the database and the
	// webhook path: lower-case letters, digits, "-" and "_".
	Name string `yaml:"name"`
	// Token is the bot's token from @BotFather; NHACVIEC_TELEGRAM_BOTS_<NAME>_TOKEN
	// (or _TOKEN_FILE) overrides it, NAME upper-cased with "-" as "_".
	Token string `yaml:"token" secret:"true"`
	// Units are the codes of the units the bot serves, with the units
	// below them. A unit is listed by one bot at most.
	Units []string `yaml:"units"`
	// Username (extension) is used for invite links when getMe cannot be
	// asked; empty asks Telegram.
	Username string `yaml:"username"`
	// RatePerSecond (extension) is the bot's own send budget; 0 takes
	// telegram.rate_per_second.
	RatePerSecond float64 `yaml:"rate_per_second"`
}

// BotEnv is the environment variable that overrides the token of the bot
// named name: NHACVIEC_TELEGRAM_BOTS_<NAME>_TOKEN.
func BotEnv(name string) string {
	return "NHACVIEC_TELEGRAM_BOTS_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_TOKEN"
}

// BotOf returns the bot of telegram.bots named name; ok is false for
// DefaultBot and for a name not configured.
func (t Telegram) BotOf(name string) (Bot, bool) {
	for _, b := range t.Bots {
		if b.Name == name {
			return b, true
		}
	}
	return Bot{}, false
}

// BotUnits maps each unit code listed under telegram.bots to the name of
// the bot listing it.
func (t Telegram) BotUnits() map[string]string {
	m := make(map[string]string)
	for _, b := range t.Bots {
		for _, u := range b.Units {
			m[u] = b.Name
		}
	}
	return m
}

// Schedule holds the cron specs (5 fields, in Timezone).
type Schedule struct {
	Timezone        string `yaml:"timezone"`
	Reminders       string `yaml:"reminders"`
	ProgressRequest string `yaml:"progress_request"`
	DigestWeekly    string `yaml:"digest_weekly"`
	DigestMonthly   string `yaml:"digest_monthly"`
	DigestQuarterly string `yaml:"digest_quarterly"`
	// DigestHalfYearly and DigestYearly (extensions) are off when empty.
	DigestHalfYearly string `yaml:"digest_half_yearly"`
	DigestYearly     string `yaml:"digest_yearly"`
	// Materialize (extension) creates occurrences of recurring tasks.
	Materialize string `yaml:"materialize"`
	// TargetReadings (extension) asks target owners for readings when a
	// target's period closes.
	TargetReadings string `yaml:"target_readings"`
	// Retention (extension) runs the retention sweeper (see Retention);
	// empty disables it.
	Retention string `yaml:"retention"`
	// CatchUp (extension) is how far back missed runs are caught up on start.
	CatchUp time.Duration `yaml:"catch_up"`
}

// Reminders tunes deadline reminders and overdue handling.
type Reminders struct {
	BeforeDays        []int `yaml:"before_days"`
	OverdueEveryDays  int   `yaml:"overdue_every_days"`
	EscalateAfterDays int   `yaml:"escalate_after_days"`
	NotifySupport     bool  `yaml:"notify_support"`
	// OnNonWorkingDays (extension) sends reminders on weekends and holidays.
	OnNonWorkingDays bool `yaml:"on_non_working_days"`
	// InviteTTL (extension) is how long an invite code stays valid.
	InviteTTL time.Duration `yaml:"invite_ttl"`
	// Style is how a reminder run reaches an official: StyleBrief (one
	// morning brief listing every item, the default) or StyleEach (one
	// message per occurrence).
	Style string `yaml:"style"`
}

// The values of reminders.style.
const (
	StyleBrief = "brief"
	StyleEach  = "each"
)

// Periods selects the reporting cut-off convention.
type Periods struct {
	Cutoff string `yaml:"cutoff"` // decree09 | calendar
}

// Calendar is the working-day calendar.
type Calendar struct {
	Workdays []int `yaml:"workdays"`
	// Rules (extension) computes the holidays of every year: vietnam (the
	// default: Bộ luật Lao động 2019 and the Government's announced
	// schedules shipped with the program) or none (only Holidays).
	Rules string `yaml:"rules"`
	// Holidays are days off added to those the rules compute.
	Holidays []string `yaml:"holidays"`
	// MakeupWorkdays (extension) are official make-up working days (ngày làm
	// bù) that fall on a weekend.
	MakeupWorkdays []string `yaml:"makeup_workdays"`
}

// HTTP (extension) serves /healthz and /metrics; empty Listen disables it.
type HTTP struct {
	Listen string `yaml:"listen"`
	// PublicURL (extension) is the public HTTPS address at which a reverse
	// proxy reaches http.listen. When set, serve publishes the charts (and
	// the workbooks and reports) a Zalo message carries at unguessable,
	// expiring URLs under it (/f/<token>): the Zalo platform sends a photo
	// only by URL and no documents at all.
	PublicURL string `yaml:"public_url"`
	// PublishTTL (extension) is how long such a URL answers; default 7 days.
	PublishTTL time.Duration `yaml:"publish_ttl"`
}

// Zalo configures the second channel, the Zalo Bot Platform. With a token
// set, serve runs it beside Telegram.
type Zalo struct {
	Token  string `yaml:"token" secret:"true"`
	APIURL string `yaml:"api_url"`
	Mode   string `yaml:"mode"` // polling (development) | webhook
	// WebhookURL is the public HTTPS URL the platform posts events to.
	WebhookURL string `yaml:"webhook_url"`
	// WebhookSecret is checked, in constant time, against the
	// X-Bot-Api-Secret-Token header of every event (8 to 256 characters).
	WebhookSecret string `yaml:"webhook_secret" secret:"true"`
	// WebhookListen is the local address of the webhook server.
	WebhookListen string `yaml:"webhook_listen"`
	// RatePerSecond is the send budget across all Zalo chats.
	RatePerSecond float64 `yaml:"rate_per_second"`
	// BotName (extension) is the bot's name as officials search for it in
	// Zalo; `invite` prints it. Empty asks the platform (getMe).
	BotName string `yaml:"bot_name"`
	// QRURL (extension) is the link of the bot's QR code, printed by
	// `invite` for officials to scan.
	QRURL string `yaml:"qr_url"`
}

// Enabled reports whether Zalo is configured (a token is set).
func (z Zalo) Enabled() bool { return z.Token != "" }

// Email (extension) sends copies of the digests by e-mail over SMTP; empty
// SMTPAddr disables it.
type Email struct {
	// SMTPAddr is the host:port of the SMTP server (submission, usually 587).
	SMTPAddr string `yaml:"smtp_addr"`
	// Username and Password authenticate with AUTH PLAIN; empty Username
	// sends without authentication.
	Username string `yaml:"username"`
	Password string `yaml:"password" secret:"true"`
	// From is the sender address, e.g. "UBND phường <ubnd@example.gov.vn>".
	From string `yaml:"from"`
	// DigestTo are the addresses that receive every digest.
	DigestTo []string `yaml:"digest_to"`
	// StartTLS is auto (when the server offers it), always or never.
	StartTLS string `yaml:"starttls"`
}

// Enabled reports whether e-mail is configured.
func (e Email) Enabled() bool { return e.SMTPAddr != "" }

// validate appends the problems of the e-mail section to add.
func (e Email) validate(add func(key, format string, args ...any)) {
	switch e.StartTLS {
	case "auto", "always", "never":
	default:
		add("email.starttls", "%q is not auto, always or never", e.StartTLS)
	}
	for i, a := range e.DigestTo {
		if _, err := mail.ParseAddress(a); err != nil {
			add(fmt.Sprintf("email.digest_to[%d]", i), "%q is not an e-mail address: %v", a, err)
		}
	}
	if e.From != "" {
		if _, err := mail.ParseAddress(e.From); err != nil {
			add("email.from", "%q is not an e-mail address: %v", e.From, err)
		}
	}
	if !e.Enabled() {
		return
	}
	if _, _, err := net.SplitHostPort(e.SMTPAddr); err != nil {
		add("email.smtp_addr", "%q is not host:port: %v", e.SMTPAddr, err)
	}
	if e.From == "" {
		add("email.from", "required when email.smtp_addr is set")
	}
	if e.Password != "" && e.Username == "" {
		add("email.username", "required when email.password is set")
	}
}

// Limits (extension) bounds inbound chatter: per-chat throttling of what
// linked officials send, how often an unlinked chat is answered, and how
// long the expensive answers are reused. They are kept in the database, so
// every serve process sharing it enforces the same limits.
type Limits struct {
	// ChatBurst is how many messages a linked chat may send at once.
	ChatBurst int `yaml:"chat_burst"`
	// ChatEvery is how often a throttled chat regains one message.
	ChatEvery time.Duration `yaml:"chat_every"`
	// UnlinkedEvery is how often a chat no official is linked to is
	// answered at most; /start with a code is always handled.
	UnlinkedEvery time.Duration `yaml:"unlinked_every"`
	// NoticeEvery is how often a throttled chat is told to slow down at most.
	NoticeEvery time.Duration `yaml:"notice_every"`
	// AnswerCache is how long the answers of /tonghop, /chuabaocao and
	// /quahan are reused for a unit.
	AnswerCache time.Duration `yaml:"answer_cache"`
}

// validate appends the problems of the limits section to add.
func (l Limits) validate(add func(key, format string, args ...any)) {
	if l.ChatBurst < 1 {
		add("limits.chat_burst", "%d must be at least 1", l.ChatBurst)
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"limits.chat_every", l.ChatEvery},
		{"limits.unlinked_every", l.UnlinkedEvery},
		{"limits.notice_every", l.NoticeEvery},
		{"limits.answer_cache", l.AnswerCache},
	} {
		if d.v <= 0 {
			add(d.key, "must be positive")
		}
	}
}

// Retention (extension) is how many days the retention sweeper (job
// "retention", schedule.retention) keeps the rows only the machinery
// needs; 0 keeps them for ever. Progress, readings, occurrences, digests'
// inputs and the job ledger are never deleted.
type Retention struct {
	// ProcessedUpdatesDays keeps the ids of processed inbound updates
	// (duplicate detection; Telegram re-sends an update for at most a day).
	ProcessedUpdatesDays int `yaml:"processed_updates_days"`
	// OutboxSentDays keeps sent Telegram and e-mail messages, from when
	// they were sent; a reply to an older message is answered with a
	// pointer to /viec.
	OutboxSentDays int `yaml:"outbox_sent_days"`
	// OutboxDeadDays keeps the messages given up on (the audit of what
	// never arrived), from when they were enqueued.
	OutboxDeadDays int `yaml:"outbox_dead_days"`
	// LinkAttemptsDays keeps failed /start attempts (rate limiting looks
	// at the last hour).
	LinkAttemptsDays int `yaml:"link_attempts_days"`
	// RemindBatchesDays keeps the reminder runs' decisions once fanned out,
	// and the reminders held for officials on leave once released.
	RemindBatchesDays int `yaml:"remind_batches_days"`
	// BatchSize is the number of rows one DELETE removes, in its own short
	// transaction.
	BatchSize int `yaml:"batch_size"`
}

// Minimum retention ages (days) that Validate accepts. A message's dedupe
// key is what keeps a job from deciding it again while the job may still
// decide it: a target reading request for up to readingGraceDays (10)
// after its period, a weekly progress request for a week; processed
// update ids are what UpdateOffset reads (six days).
const (
	MinProcessedUpdatesDays = 7
	MinOutboxDays           = 30
)

// validate appends the problems of the retention section to add.
func (r Retention) validate(add func(key, format string, args ...any)) {
	for _, a := range []struct {
		key  string
		days int
		min  int
	}{
		{"retention.processed_updates_days", r.ProcessedUpdatesDays, MinProcessedUpdatesDays},
		{"retention.outbox_sent_days", r.OutboxSentDays, MinOutboxDays},
		{"retention.outbox_dead_days", r.OutboxDeadDays, MinOutboxDays},
		{"retention.link_attempts_days", r.LinkAttemptsDays, 1},
		{"retention.remind_batches_days", r.RemindBatchesDays, 1},
	} {
		if a.days < 0 || (a.days > 0 && a.days < a.min) {
			add(a.key, "%d must be 0 (keep for ever) or at least %d", a.days, a.min)
		}
	}
	if r.BatchSize < 1 || r.BatchSize > 100000 {
		add("retention.batch_size", "%d is not between 1 and 100000", r.BatchSize)
	}
}

// Log (extension) configures log/slog.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // text | json
}

// Default returns the configuration with every key at its built-in default.
func Default() Config {
	return Config{
		Database: Database{DataDir: "./data"},
		Telegram: Telegram{
			APIURL:        "https://api.telegram.org",
			Mode:          "polling",
			RatePerSecond: 25,
			MaxInFlight:   1,
			// Loopback: a reverse proxy terminates TLS in front of it.
			WebhookListen: "127.0.0.1:8443",
			ButtonMaxAge:  60 * 24 * time.Hour,

			ScheduledShare: 25,
		},
		Zalo: Zalo{
			APIURL:        "https://bot-api.zaloplatforms.com",
			Mode:          "polling",
			WebhookListen: "127.0.0.1:8444",
			RatePerSecond: 5,
		},
		HTTP:     HTTP{PublishTTL: 7 * 24 * time.Hour},
		Language: "vi",
		Schedule: Schedule{
			Timezone:        "Asia/Ho_Chi_Minh",
			Reminders:       "0 8 * * 1-5",
			ProgressRequest: "0 14 * * 5",
			DigestWeekly:    "30 7 * * 1",
			DigestMonthly:   "0 8 15 * *",
			DigestQuarterly: "0 8 15 3,6,9,12 *",
			Materialize:     "5 0 * * *",
			TargetReadings:  "0 9 * * *",
			Retention:       "20 3 * * *",
			CatchUp:         24 * time.Hour,
		},
		Reminders: Reminders{
			BeforeDays:        []int{7, 3, 1, 0},
			OverdueEveryDays:  1,
			EscalateAfterDays: 3,
			NotifySupport:     true,
			InviteTTL:         7 * 24 * time.Hour,
			Style:             StyleBrief,
		},
		Periods: Periods{Cutoff: string(plan.CutoffDecree09)},
		Calendar: Calendar{
			Workdays: []int{1, 2, 3, 4, 5},
			// The public holidays of every year are computed.
			Rules: string(plan.RulesVietnam),
		},
		Email: Email{StartTLS: "auto"},
		Log:   Log{Level: "info", Format: "text"},
		Limits: Limits{
			ChatBurst:     10,
			ChatEvery:     3 * time.Second,
			UnlinkedEvery: 5 * time.Minute,
			NoticeEvery:   time.Minute,
			AnswerCache:   time.Minute,
		},
		Retention: Retention{
			ProcessedUpdatesDays: 7,
			OutboxSentDays:       90,
			OutboxDeadDays:       365,
			LinkAttemptsDays:     30,
			RemindBatchesDays:    30,
			BatchSize:            5000,
		},
	}
}

// Load returns the defaults overlaid with the YAML file at path (when it
// exists, or always when required is true) and the environment, validated.
func Load(path string, required bool, getenv func(string) string) (Config, error) {
	cfg, err := Read(path, required, getenv)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Read is Load without Validate: the defaults overlaid with the YAML file
// at path (when it exists, or always when required is true) and the
// environment. Every unknown key and every value that is not a duration
// where one is expected is reported, each with its line and key; a YAML
// syntax error is reported with an excerpt of the file.
func Read(path string, required bool, getenv func(string) string) (Config, error) {
	cfg := Default()
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		abs, err := filepath.Abs(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		cfg.File = abs
		if len(strings.TrimSpace(string(data))) > 0 {
			if err := decode(path, data, &cfg); err != nil {
				return Config{}, err
			}
		}
	case errors.Is(err, os.ErrNotExist) && !required:
	default:
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// decode reads the YAML data of the file path into cfg. The keys and the
// durations are checked first against the tree of the file, so that every
// such mistake is reported at once with its position and key (the
// decoder stops at the first, and names no key for a bad duration).
func decode(path string, data []byte, cfg *Config) error {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return fmt.Errorf("config %s: %s", path, yaml.FormatError(err, false, true))
	}
	var errs []error
	for _, doc := range file.Docs {
		if doc.Body != nil {
			checkNode(doc.Body, reflect.TypeOf(*cfg), "", func(n ast.Node, key, format string, args ...any) {
				pos := n.GetToken().Position
				errs = append(errs, fmt.Errorf("%s:%d:%d: %s: %s", path, pos.Line, pos.Column, key, fmt.Sprintf(format, args...)))
			})
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := yaml.UnmarshalWithOptions(data, cfg, yaml.Strict()); err != nil {
		return fmt.Errorf("config %s: %s", path, yaml.FormatError(err, false, true))
	}
	return nil
}

// checkNode checks the YAML node n against the Go type t of the key path
// key: unknown keys in a mapping read into a struct, and strings that do
// not parse as durations. Anything else is left to the decoder.
func checkNode(n ast.Node, t reflect.Type, key string, report func(n ast.Node, key, format string, args ...any)) {
	switch t.Kind() {
	case reflect.Struct:
		var pairs []*ast.MappingValueNode
		switch m := n.(type) {
		case *ast.MappingNode:
			pairs = m.Values
		case *ast.MappingValueNode:
			pairs = []*ast.MappingValueNode{m}
		default:
			return
		}
		for _, kv := range pairs {
			if kv.Key == nil || kv.Key.IsMergeKey() {
				continue
			}
			name := kv.Key.GetToken().Value
			full := name
			if key != "" {
				full = key + "." + name
			}
			field, ok := fieldByTag(t, name)
			if !ok {
				report(kv.Key, full, "unknown key%s", suggestKeys(t, key))
				continue
			}
			checkNode(kv.Value, field.Type, full, report)
		}
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			return
		}
		for i, v := range seq.Values {
			checkNode(v, t.Elem(), fmt.Sprintf("%s[%d]", key, i), report)
		}
	case reflect.Int64:
		if t != reflect.TypeOf(time.Duration(0)) {
			return
		}
		s, ok := n.(*ast.StringNode)
		if !ok {
			return
		}
		if _, err := time.ParseDuration(s.Value); err != nil {
			report(n, key, "%q is not a duration: write it in hours, minutes or seconds, e.g. 24h, 168h (a week), 90m, 30s", s.Value)
		}
	}
}

// fieldByTag returns the field of the struct type t whose yaml tag is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" && tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// suggestKeys lists the keys of the struct type t, for an unknown key's
// message.
func suggestKeys(t reflect.Type, key string) string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			keys = append(keys, tag)
		}
	}
	where := "here"
	if key != "" {
		where = "under " + key
	}
	return fmt.Sprintf(" (%s: %s)", where, strings.Join(keys, ", "))
}

// DataDir returns database.data_dir as an absolute path: a relative one is
// relative to the folder of the configuration file, or to the working
// directory when no file was read.
func (c Config) DataDir() (string, error) {
	dir := c.Database.DataDir
	if !filepath.IsAbs(dir) && c.File != "" {
		dir = filepath.Join(filepath.Dir(c.File), dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("config: database.data_dir: %w", err)
	}
	return abs, nil
}

// ValidateServe reports what `serve` needs beyond Validate: a bot token,
// unless telegram.mode is console. Without one, messages would have
// nowhere to go.
func (c Config) ValidateServe() error {
	if c.Telegram.Mode != "console" && c.Telegram.Token == "" {
		return fmt.Errorf("telegram.token: required in %s mode (NHACVIEC_TELEGRAM_TOKEN or NHACVIEC_TELEGRAM_TOKEN_FILE); "+
			"set telegram.mode: console to print messages instead of sending them", c.Telegram.Mode)
	}
	var errs []error
	for i, b := range c.Telegram.Bots {
		if c.Telegram.Mode != "console" && b.Token == "" {
			errs = append(errs, fmt.Errorf("telegram.bots[%d].token: required for bot %q in %s mode (or %s)",
				i, b.Name, c.Telegram.Mode, BotEnv(b.Name)))
		}
	}
	return errors.Join(errs...)
}

// Validate checks every value and reports all problems at once.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Database.URL == "" && c.Database.DataDir == "" {
		add("database.data_dir", "must be set when database.url is empty")
	}
	if c.Database.ReadURL != "" && c.Database.URL == "" {
		add("database.read_url", "needs database.url: a read replica is a replica of a server of your own, not of the managed local cluster")
	}
	switch c.Telegram.Mode {
	case "polling", "webhook", "console":
	default:
		add("telegram.mode", "%q is not polling, webhook or console", c.Telegram.Mode)
	}
	if c.Telegram.Mode == "webhook" && c.Telegram.WebhookURL == "" {
		add("telegram.webhook_url", "required in webhook mode")
	}
	if c.Telegram.Mode == "webhook" && c.Telegram.WebhookSecret == "" {
		add("telegram.webhook_secret", "required in webhook mode: without it anyone could post forged updates")
	}
	if c.Telegram.Mode == "webhook" && c.Telegram.WebhookSecret != "" {
		if problem := webhookSecretProblem(c.Telegram.WebhookSecret); problem != "" {
			add("telegram.webhook_secret", "%s", problem)
		}
	}
	if c.Telegram.Mode == "webhook" {
		if _, _, err := net.SplitHostPort(c.Telegram.WebhookListen); err != nil {
			add("telegram.webhook_listen", "%q is not host:port: %v", c.Telegram.WebhookListen, err)
		}
	}
	if c.Telegram.RatePerSecond <= 0 || c.Telegram.RatePerSecond > 30 {
		add("telegram.rate_per_second", "%v must be above 0 and at most 30 (Telegram's limit)", c.Telegram.RatePerSecond)
	}
	if c.Telegram.MaxInFlight < 1 || c.Telegram.MaxInFlight > 100 {
		add("telegram.max_in_flight", "%d is not between 1 and 100", c.Telegram.MaxInFlight)
	}
	if c.Telegram.ButtonMaxAge <= 0 {
		add("telegram.button_max_age", "must be positive (e.g. 1440h, 60 days)")
	}
	if c.Telegram.ScheduledShare < 0 || c.Telegram.ScheduledShare > 90 {
		add("telegram.scheduled_share", "%d is not a percentage between 0 and 90", c.Telegram.ScheduledShare)
	}
	if c.Telegram.APIURL == "" {
		add("telegram.api_url", "must not be empty")
	}
	if c.Language != "vi" && c.Language != "en" {
		add("language", "%q is not vi or en", c.Language)
	}
	if _, err := time.LoadLocation(c.Schedule.Timezone); err != nil || c.Schedule.Timezone == "" {
		add("schedule.timezone", "unknown time zone %q", c.Schedule.Timezone)
	}
	for _, s := range c.Specs() {
		if s.Spec == "" {
			if s.Required {
				add("schedule."+s.Key, "must not be empty")
			}
			continue
		}
		if _, err := cron.ParseStandard(s.Spec); err != nil {
			add("schedule."+s.Key, "invalid cron spec %q: %v", s.Spec, err)
		}
	}
	if c.Schedule.CatchUp < 0 {
		add("schedule.catch_up", "must not be negative")
	}
	for _, d := range c.Reminders.BeforeDays {
		if d < 0 || d > 366 {
			add("reminders.before_days", "%d is not between 0 and 366", d)
		}
	}
	if c.Reminders.OverdueEveryDays < 0 {
		add("reminders.overdue_every_days", "must not be negative (0 disables nags)")
	}
	if c.Reminders.EscalateAfterDays < 0 {
		add("reminders.escalate_after_days", "must not be negative (0 disables escalation)")
	}
	if c.Reminders.InviteTTL <= 0 {
		add("reminders.invite_ttl", "must be positive")
	}
	if c.Reminders.Style != StyleBrief && c.Reminders.Style != StyleEach {
		add("reminders.style", "%q is not brief or each", c.Reminders.Style)
	}
	if _, err := plan.ParseCutoff(c.Periods.Cutoff); err != nil {
		add("periods.cutoff", "%q is not decree09 or calendar", c.Periods.Cutoff)
	}
	if _, err := plan.ParseRules(c.Calendar.Rules); err != nil && c.Calendar.Rules != "" {
		add("calendar.rules", "%v", err)
	} else if _, err := c.WorkCalendar(); err != nil {
		add("calendar", "%v", err)
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			add("http.listen", "%q is not host:port: %v", c.HTTP.Listen, err)
		}
		if c.Telegram.Mode == "webhook" && c.HTTP.Listen == c.Telegram.WebhookListen {
			add("http.listen", "must differ from telegram.webhook_listen")
		}
	}
	c.Telegram.validateBots(add)
	c.validateZalo(add)
	c.Email.validate(add)
	c.Limits.validate(add)
	c.Retention.validate(add)
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		add("log.format", "%q is not text or json", c.Log.Format)
	}
	return errors.Join(errs...)
}

// botName is the shape of a bot's name in telegram.bots.
var botName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// unitCode is the shape of a unit's code.
var unitCode = regexp.MustCompile(`^[a-z0-9-]+$`)

// validateBots checks telegram.bots: names well formed and distinct,
// tokens distinct, and every unit listed by one bot at most (two bots
// claiming a unit is an error at the second listing, naming the first).
func (t Telegram) validateBots(add func(key, format string, args ...any)) {
	names := make(map[string]int)
	tokens := map[string]string{}
	if t.Token != "" {
		tokens[t.Token] = "telegram.token"
	}
	listed := make(map[string]string) // unit code → where it is listed
	for i, b := range t.Bots {
		key := fmt.Sprintf("telegram.bots[%d]", i)
		switch {
		case b.Name == "":
			add(key+".name", "required: a short name for the bot (e.g. the province's code)")
		case b.Name == DefaultBot:
			add(key+".name", "%q names the bot of telegram.token; choose another name", b.Name)
		case !botName.MatchString(b.Name):
			add(key+".name", "%q must be 1 to 32 lower-case letters, digits, - or _, starting with a letter or digit", b.Name)
		default:
			if j, dup := names[b.Name]; dup {
				add(key+".name", "%q is also the name of telegram.bots[%d]", b.Name, j)
			} else {
				names[b.Name] = i
			}
		}
		if b.Token != "" {
			if other, dup := tokens[b.Token]; dup {
				add(key+".token", "is the same token as %s: each bot needs its own (one token is one send budget)", other)
			} else {
				tokens[b.Token] = key + ".token"
			}
		}
		if len(b.Units) == 0 {
			add(key+".units", "required: the codes of the units the bot serves (with the units below them)")
		}
		for j, u := range b.Units {
			ukey := fmt.Sprintf("%s.units[%d]", key, j)
			if !unitCode.MatchString(u) {
				add(ukey, "%q is not a unit code (lower-case letters, digits and -)", u)
				continue
			}
			if where, dup := listed[u]; dup {
				add(ukey, "unit %q is already listed by %s: a unit is served by one bot", u, where)
				continue
			}
			listed[u] = fmt.Sprintf("%s (%s)", key, b.Name)
		}
		if b.RatePerSecond < 0 || b.RatePerSecond > 30 {
			add(key+".rate_per_second", "%v must be at most 30 (Telegram's limit), or 0 for telegram.rate_per_second", b.RatePerSecond)
		}
	}
}

// validateZalo checks the zalo section (when a token is set) and
// http.public_url.
func (c Config) validateZalo(add func(key, format string, args ...any)) {
	if c.HTTP.PublicURL != "" {
		u, err := url.Parse(c.HTTP.PublicURL)
		switch {
		case err != nil:
			add("http.public_url", "%q is not a URL: %v", c.HTTP.PublicURL, err)
		case u.Scheme != "https" && u.Scheme != "http" || u.Host == "":
			add("http.public_url", "%q is not an http(s) URL with a host", c.HTTP.PublicURL)
		}
		if c.HTTP.Listen == "" {
			add("http.public_url", "needs http.listen: the published files are served there")
		}
		if c.HTTP.PublishTTL < time.Minute {
			add("http.publish_ttl", "%s is shorter than a minute", c.HTTP.PublishTTL)
		}
	}
	z := c.Zalo
	if !z.Enabled() {
		return
	}
	if u, err := url.Parse(z.APIURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		add("zalo.api_url", "%q is not an http(s) URL with a host", z.APIURL)
	}
	switch z.Mode {
	case "polling":
	case "webhook":
		if u, err := url.Parse(z.WebhookURL); z.WebhookURL == "" || err != nil || u.Scheme != "https" || u.Host == "" {
			add("zalo.webhook_url", "%q must be the public https URL the platform posts to (required in webhook mode)", z.WebhookURL)
		}
		if n := len(z.WebhookSecret); n < 8 || n > 256 {
			add("zalo.webhook_secret", "has %d characters, the platform needs 8 to 256 (e.g. the output of: openssl rand -hex 32)", n)
		}
		if _, _, err := net.SplitHostPort(z.WebhookListen); err != nil {
			add("zalo.webhook_listen", "%q is not host:port: %v", z.WebhookListen, err)
		}
		if z.WebhookListen == c.HTTP.Listen || (c.Telegram.Mode == "webhook" && z.WebhookListen == c.Telegram.WebhookListen) {
			add("zalo.webhook_listen", "%q must differ from http.listen and telegram.webhook_listen", z.WebhookListen)
		}
	default:
		add("zalo.mode", "%q is not polling or webhook", z.Mode)
	}
	if z.RatePerSecond <= 0 || z.RatePerSecond > 100 {
		add("zalo.rate_per_second", "%v must be above 0 and at most 100", z.RatePerSecond)
	}
}

// MinWebhookSecret is the shortest telegram.webhook_secret accepted:
// 32 characters of Telegram's set carry about 190 bits.
const MinWebhookSecret = 32

// webhookSecretProblem says what is wrong with a webhook secret, or ""
// when nothing is. Telegram accepts 1 to 256 characters of A-Z, a-z, 0-9,
// "_" and "-" as secret_token; nhacviec asks for at least 32 of them. The
// secret itself is never part of the message.
func webhookSecretProblem(secret string) string {
	if len(secret) < MinWebhookSecret {
		return fmt.Sprintf("has %d characters, needs at least %d (e.g. the output of: openssl rand -hex 32)", len(secret), MinWebhookSecret)
	}
	if len(secret) > 256 {
		return fmt.Sprintf("has %d characters, Telegram accepts at most 256", len(secret))
	}
	for _, r := range secret {
		ok := (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '-'
		if !ok {
			return "may contain only A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)"
		}
	}
	return ""
}

// Spec is one named cron schedule.
type Spec struct {
	Key      string // config key under schedule
	Job      string // job name
	Spec     string
	Required bool
}

// Specs lists the configured schedules with their job names.
func (c Config) Specs() []Spec {
	s := c.Schedule
	return []Spec{
		{Key: "materialize", Job: "materialize", Spec: s.Materialize, Required: true},
		{Key: "reminders", Job: "remind", Spec: s.Reminders, Required: true},
		{Key: "progress_request", Job: "progress_request", Spec: s.ProgressRequest, Required: true},
		{Key: "target_readings", Job: "target_readings", Spec: s.TargetReadings},
		{Key: "digest_weekly", Job: "digest_weekly", Spec: s.DigestWeekly},
		{Key: "digest_monthly", Job: "digest_monthly", Spec: s.DigestMonthly},
		{Key: "digest_quarterly", Job: "digest_quarterly", Spec: s.DigestQuarterly},
		{Key: "digest_half_yearly", Job: "digest_half_yearly", Spec: s.DigestHalfYearly},
		{Key: "digest_yearly", Job: "digest_yearly", Spec: s.DigestYearly},
		{Key: "retention", Job: "retention", Spec: s.Retention},
	}
}

// Location loads the schedule time zone.
func (c Config) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.Schedule.Timezone)
	if err != nil {
		return nil, fmt.Errorf("config: schedule.timezone: %w", err)
	}
	return loc, nil
}

// Cutoff returns the parsed cut-off convention.
func (c Config) Cutoff() plan.Cutoff {
	co, err := plan.ParseCutoff(c.Periods.Cutoff)
	if err != nil {
		return plan.CutoffDecree09
	}
	return co
}

// WorkCalendar builds the working-day calendar.
func (c Config) WorkCalendar() (*plan.Calendar, error) {
	parse := func(key string, list []string) ([]plan.Date, error) {
		out := make([]plan.Date, 0, len(list))
		for i, s := range list {
			d, err := parseCalendarDate(s)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %w", key, i, err)
			}
			out = append(out, d)
		}
		return out, nil
	}
	holidays, err := parse("holidays", c.Calendar.Holidays)
	if err != nil {
		return nil, err
	}
	makeup, err := parse("makeup_workdays", c.Calendar.MakeupWorkdays)
	if err != nil {
		return nil, err
	}
	rules := c.Calendar.Rules
	if rules == "" {
		rules = string(plan.RulesVietnam)
	}
	return plan.BuildCalendar(plan.CalendarConfig{
		Workdays:       c.Calendar.Workdays,
		Rules:          plan.Rules(rules),
		Holidays:       holidays,
		MakeupWorkdays: makeup,
	})
}

// parseCalendarDate parses a date of the calendar section and says, for
// one that cannot exist, what to write instead.
func parseCalendarDate(s string) (plan.Date, error) {
	d, err := plan.ParseDate(s)
	if err == nil {
		return d, nil
	}
	var y, m, day int
	if n, _ := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &day); n == 3 && m >= 1 && m <= 12 && day > plan.DaysIn(y, time.Month(m)) {
		last := plan.NewDate(y, time.Month(m), plan.DaysIn(y, time.Month(m)))
		return plan.Date{}, fmt.Errorf("%q does not exist: %s %d has %d days (write %q for its last day)",
			s, time.Month(m), y, last.Day, last.String())
	}
	return plan.Date{}, fmt.Errorf("%q is not a date: write YYYY-MM-DD, e.g. \"2027-02-08\"", s)
}

// CalendarWarnings says what in the calendar section the office should
// look at, one located sentence each, saying what to write instead:
// listed days that contradict the law or change nothing, and, for each of
// years (the plans' years), a year whose announced schedule does not ship
// with this version (rules vietnam: the statutory pattern is used) or
// that has no holiday at all (rules none). It assumes Validate passed.
func (c Config) CalendarWarnings(years ...int) []string {
	cal, err := c.WorkCalendar()
	if err != nil {
		return nil
	}
	var workdays [8]bool
	for _, wd := range c.Calendar.Workdays {
		if wd >= 1 && wd <= 7 {
			workdays[wd] = true
		}
	}
	var out []string
	listed := map[plan.Date]bool{}
	listedYears := map[int]bool{}
	law := func(d plan.Date) (plan.Day, bool) {
		for _, day := range plan.VietnamDays(d.Year, workdays) {
			if day.Date == d {
				return day, true
			}
		}
		return plan.Day{}, false
	}
	for i, s := range c.Calendar.Holidays {
		d, err := parseCalendarDate(s)
		if err != nil {
			continue
		}
		listed[d] = true
		listedYears[d.Year] = true
		if cal.Rules() == plan.RulesVietnam {
			if day, ok := law(d); ok && day.Kind == plan.DayHoliday {
				out = append(out, fmt.Sprintf("calendar.holidays[%d]: %s is already a day off (%s, %s): remove it", i, d, day.Name, day.Source))
			}
		}
	}
	for i, s := range c.Calendar.MakeupWorkdays {
		d, err := parseCalendarDate(s)
		if err != nil {
			continue
		}
		listed[d] = true
		day, isLaw := law(d)
		switch {
		case isLaw && day.Kind == plan.DayHoliday:
			out = append(out, fmt.Sprintf("calendar.makeup_workdays[%d]: %s is %s, a day off by %s: the office will work it; remove it unless the Government moved that day", i, d, day.Name, day.Source))
		case workdays[d.ISOWeekday()] && !(isLaw && day.Kind == plan.DayMakeupWorkday):
			out = append(out, fmt.Sprintf("calendar.makeup_workdays[%d]: %s is a %s, already a working day: list only weekly rest days worked (e.g. a Saturday)", i, d, d.Weekday()))
		}
	}
	if cal.Rules() == plan.RulesNone {
		// A year the office lists its own holidays for should have the
		// law's: a working weekday the law gives off, not listed as a
		// make-up day, contradicts it.
		ys := make([]int, 0, len(listedYears))
		for y := range listedYears {
			ys = append(ys, y)
		}
		sort.Ints(ys)
		for _, y := range ys {
			for _, day := range plan.VietnamDays(y, workdays) {
				if day.Kind != plan.DayHoliday || !workdays[day.Date.ISOWeekday()] || listed[day.Date] {
					continue
				}
				out = append(out, fmt.Sprintf("calendar.holidays: %s (%s) is a day off by %s but a working day here: add %q to calendar.holidays, or to calendar.makeup_workdays if the office works that day (or set calendar.rules: vietnam)",
					day.Date, day.Name, day.Source, day.Date.String()))
			}
		}
	}
	seen := map[int]bool{}
	for _, y := range years {
		if seen[y] {
			continue
		}
		seen[y] = true
		switch {
		case cal.Rules() == plan.RulesVietnam && !plan.HasAnnouncedSchedule(y):
			out = append(out, fmt.Sprintf("calendar: the Government's schedule for %d (days moved, make-up working Saturdays) does not ship with this version: the statutory pattern is used (see nhacviec calendar %d); when it is announced, list the days moved in calendar.holidays and the make-up days in calendar.makeup_workdays", y, y))
		case cal.Rules() == plan.RulesNone && !listedYears[y]:
			out = append(out, fmt.Sprintf("calendar: rules is none and calendar.holidays lists no day of %d: every weekday of %d is a working day, Tết included; set calendar.rules: vietnam or list the holidays", y, y))
		}
	}
	return out
}

// applyEnv overlays NHACVIEC_SECTION_KEY variables (and *_FILE for secrets)
// on cfg, walking the yaml tags.
func applyEnv(cfg *Config, getenv func(string) string) error {
	if err := walk(reflect.ValueOf(cfg).Elem(), "NHACVIEC", "", getenv); err != nil {
		return err
	}
	// Each bot of telegram.bots takes its token from
	// NHACVIEC_TELEGRAM_BOTS_<NAME>_TOKEN (or _TOKEN_FILE) when set.
	bots := slices.Clone(cfg.Telegram.Bots)
	for i, b := range bots {
		env := BotEnv(b.Name)
		val := getenv(env)
		if file := getenv(env + "_FILE"); file != "" {
			data, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("%s_FILE: %w", env, err)
			}
			val = strings.TrimSpace(string(data))
		}
		if val != "" {
			bots[i].Token = val
		}
	}
	cfg.Telegram.Bots = bots
	return nil
}

func walk(v reflect.Value, envPrefix, keyPrefix string, getenv func(string) string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		env := envPrefix + "_" + strings.ToUpper(tag)
		key := tag
		if keyPrefix != "" {
			key = keyPrefix + "." + tag
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct {
			if err := walk(fv, env, key, getenv); err != nil {
				return err
			}
			continue
		}
		if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct {
			continue // a list of sections (telegram.bots): see applyEnv
		}
		val := getenv(env)
		if f.Tag.Get("secret") == "true" {
			if file := getenv(env + "_FILE"); file != "" {
				data, err := os.ReadFile(file)
				if err != nil {
					return fmt.Errorf("%s_FILE: %w", env, err)
				}
				val = strings.TrimSpace(string(data))
			}
		}
		if val == "" {
			continue
		}
		if err := setFromString(fv, val); err != nil {
			return fmt.Errorf("%s (%s): %w", env, key, err)
		}
	}
	return nil
}

func setFromString(v reflect.Value, s string) error {
	if v.Type() == reflect.TypeOf(time.Duration(0)) {
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		v.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return err
		}
		v.SetFloat(n)
	case reflect.Slice:
		parts := strings.Split(s, ",")
		out := reflect.MakeSlice(v.Type(), 0, len(parts))
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			if err := setFromString(e, p); err != nil {
				return err
			}
			out = reflect.Append(out, e)
		}
		v.Set(out)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

// Secrets returns the values of every field tagged secret (database.url,
// telegram.token, telegram.webhook_secret, email.password), empty ones
// included, for redacting logs.
func (c Config) Secrets() []string {
	var out []string
	eachSecret(reflect.ValueOf(&c).Elem(), func(v reflect.Value) { out = append(out, v.String()) })
	return out
}

// Masked returns c with every non-empty secret replaced by "********", for
// printing.
func (c Config) Masked() Config {
	c.Telegram.Bots = slices.Clone(c.Telegram.Bots) // not the caller's
	eachSecret(reflect.ValueOf(&c).Elem(), func(v reflect.Value) {
		if v.String() != "" {
			v.SetString("********")
		}
	})
	return c
}

// eachSecret calls fn with every string field of v tagged secret:"true".
func eachSecret(v reflect.Value, fn func(reflect.Value)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Struct:
			eachSecret(fv, fn)
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			for j := 0; j < fv.Len(); j++ {
				eachSecret(fv.Index(j), fn)
			}
		case t.Field(i).Tag.Get("secret") == "true" && fv.Kind() == reflect.String:
			fn(fv)
		}
	}
}
