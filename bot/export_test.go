package bot

import "github.com/go-telegram/bot/models"

// SetBeforeDispatch installs a hook run before every update's handler.
func (b *Bot) SetBeforeDispatch(fn func(*models.Update)) { b.beforeDispatch = fn }

// SetOnCompile installs a hook called each time a /tonghop, /chuabaocao or
// /quahan answer is computed rather than reused.
func (b *Bot) SetOnCompile(fn func(what string)) { b.onCompile = fn }
