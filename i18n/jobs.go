package i18n

// jobsMessages are the texts of scheduled messages: reminders, nags,
// escalations, progress and reading requests, digests.
func jobsMessages() map[Key]Entry {
	return map[Key]Entry{}
}
