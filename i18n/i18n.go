// Package i18n is the message catalog of nhacviec: every text a person
// reads comes from here, in Vietnamese (the default) or English.
//
// Messages are format strings for fmt.Sprintf. They are plain text: callers
// escape arguments for Telegram HTML (package tghtml) where they need to.
// Each area of the product keeps its messages in its own file (jobs.go,
// bot.go, ...), as a function returning its entries.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a supported interface language.
type Lang string

// The supported languages.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// ParseLang returns the language named s ("vi" or "en"); the empty string
// means Vietnamese.
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "vi":
		return VI, nil
	case "en":
		return EN, nil
	}
	return "", fmt.Errorf("unknown language %q: want vi or en", s)
}

// Key names a message.
type Key string

// Entry is one message in both languages.
type Entry struct {
	VI string
	EN string
}

// Printer formats messages in one language.
type Printer struct {
	lang     Lang
	messages map[Key]Entry
}

// New returns a Printer for lang (Vietnamese when lang is empty or unknown).
func New(lang Lang) *Printer {
	if lang != EN {
		lang = VI
	}
	return &Printer{lang: lang, messages: catalog()}
}

// Lang returns the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// T formats the message key with args. An unknown key is returned as
// "!key" so a missing translation is visible, never a crash.
func (p *Printer) T(key Key, args ...any) string {
	e, ok := p.messages[key]
	if !ok {
		return "!" + string(key)
	}
	format := e.VI
	if p.lang == EN && e.EN != "" {
		format = e.EN
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Has reports whether key is in the catalog.
func (p *Printer) Has(key Key) bool {
	_, ok := p.messages[key]
	return ok
}

// catalog merges the per-area message tables.
func catalog() map[Key]Entry {
	m := make(map[Key]Entry)
	for _, part := range []map[Key]Entry{commonMessages(), jobsMessages(), botMessages(), reportMessages(), labelMessages(), targetMessages(), departmentMessages(), leaveMessages(), extensionMessages(), wardReportMessages(), briefMessages(), channelMessages(), botsMessages(), zaloMessages(), typedMessages()} {
		for k, v := range part {
			m[k] = v
		}
	}
	return m
}

// commonMessages are words shared by every area: statuses, roles, periods.
func commonMessages() map[Key]Entry {
	return map[Key]Entry{
		"status.done_on_time": {VI: "Hoàn thành đúng hạn", EN: "Done on time"},
		"status.done_late":    {VI: "Hoàn thành quá hạn", EN: "Done late"},
		"status.open_on_time": {VI: "Đang thực hiện trong hạn", EN: "In progress, within deadline"},
		"status.open_overdue": {VI: "Đang thực hiện quá hạn", EN: "In progress, overdue"},
		"status.ongoing":      {VI: "Thường xuyên", EN: "Ongoing"},
		"button.done":         {VI: "✅ Hoàn thành", EN: "✅ Done"},
		"role.chairman":       {VI: "Chủ tịch", EN: "Chairman"},
		"role.office":         {VI: "Văn phòng", EN: "Office"},
		"role.member":         {VI: "Cán bộ, công chức", EN: "Official"},
		"period.week":         {VI: "tuần", EN: "week"},
		"period.month":        {VI: "tháng", EN: "month"},
		"period.quarter":      {VI: "quý", EN: "quarter"},
		"period.half":         {VI: "6 tháng", EN: "half-year"},
		"period.year":         {VI: "năm", EN: "year"},
	}
}
