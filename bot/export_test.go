package bot

import "github.com/nhacviec/nhacviec/channel"

// SetBeforeDispatch installs a hook run before every update's handler.
func (b *Bot) SetBeforeDispatch(fn func(channel.Update)) { b.beforeDispatch = fn }

// SetOnCompile installs a hook called each time a /tonghop, /chuabaocao or
// /quahan answer is computed rather than reused.
func (b *Bot) SetOnCompile(fn func(what string)) { b.onCompile = fn }
