package i18n

// botMessages are the texts of the Telegram conversation: linking, commands,
// confirmations and errors.
func botMessages() map[Key]Entry {
	return map[Key]Entry{}
}
