package bot

import "github.com/go-telegram/bot/models"

// SetBeforeDispatch installs a hook run before every update's handler.
func (b *Bot) SetBeforeDispatch(fn func(*models.Update)) { b.beforeDispatch = fn }
