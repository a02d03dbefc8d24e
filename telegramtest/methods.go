package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"  // decode uploaded photos, as Telegram does
	_ "image/jpeg" // decode uploaded photos, as Telegram does
	_ "image/png"  // decode uploaded photos, as Telegram does
	"mime"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/tghtml"
)

// Telegram's limits on what a bot sends.
const (
	maxCaption      = 1024 // UTF-16 units of a caption after entity parsing
	maxCallbackData = 64   // bytes of callback_data
	maxAnswerText   = 200  // characters of an answerCallbackQuery text
	maxCommands     = 100  // commands of setMyCommands
)

func (s *Server) getMe(context.Context, *request) (any, *apiError) {
	return s.BotUser(), nil
}

func (s *Server) sendMessage(_ context.Context, req *request) (any, *apiError) {
	chatID, apiErr := requireChat(req)
	if apiErr != nil {
		return nil, apiErr
	}
	text, mode := req.params["text"], req.params["parse_mode"]
	plain, apiErr := checkText(text, mode, tghtml.MaxMessage, false)
	if apiErr != nil {
		return nil, apiErr
	}
	markup, buttons, apiErr := parseMarkup(req.params["reply_markup"])
	if apiErr != nil {
		return nil, apiErr
	}
	reply, apiErr := parseReply(req)
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	msg, apiErr := s.newBotMessageLocked(chatID, reply)
	if apiErr != nil {
		return nil, apiErr
	}
	msg.Text = plain
	msg.ReplyMarkup = markup
	s.storeSentLocked(msg, SentMessage{
		Method:              "sendMessage",
		Text:                text,
		ParseMode:           mode,
		Buttons:             buttons,
		DisableNotification: req.params["disable_notification"] == "true",
	})
	return msg, nil
}

func (s *Server) sendPhoto(_ context.Context, req *request) (any, *apiError) {
	return s.sendMedia(req, "sendPhoto", "photo")
}

func (s *Server) sendDocument(_ context.Context, req *request) (any, *apiError) {
	return s.sendMedia(req, "sendDocument", "document")
}

// sendMedia sends the photo or document in the field of req with its
// caption.
func (s *Server) sendMedia(req *request, method, field string) (any, *apiError) {
	chatID, apiErr := requireChat(req)
	if apiErr != nil {
		return nil, apiErr
	}
	caption, mode := req.params["caption"], req.params["parse_mode"]
	plain, apiErr := checkText(caption, mode, maxCaption, true)
	if apiErr != nil {
		return nil, apiErr
	}
	markup, buttons, apiErr := parseMarkup(req.params["reply_markup"])
	if apiErr != nil {
		return nil, apiErr
	}
	reply, apiErr := parseReply(req)
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	f, apiErr := s.inputFileLocked(req, field)
	if apiErr != nil {
		return nil, apiErr
	}
	msg, apiErr := s.newBotMessageLocked(chatID, reply)
	if apiErr != nil {
		return nil, apiErr
	}
	msg.Caption = plain
	msg.ReplyMarkup = markup
	sent := SentMessage{
		Method:              method,
		Text:                caption,
		ParseMode:           mode,
		Buttons:             buttons,
		DisableNotification: req.params["disable_notification"] == "true",
	}
	if field == "photo" {
		msg.Photo = []models.PhotoSize{photoSize(f)}
		sent.Photo = f
	} else {
		msg.Document = document(f)
		sent.Document = f
	}
	s.storeSentLocked(msg, sent)
	return msg, nil
}

func (s *Server) editMessageText(_ context.Context, req *request) (any, *apiError) {
	text, mode := req.params["text"], req.params["parse_mode"]
	plain, apiErr := checkText(text, mode, tghtml.MaxMessage, false)
	if apiErr != nil {
		return nil, apiErr
	}
	markup, buttons, apiErr := parseMarkup(req.params["reply_markup"])
	if apiErr != nil {
		return nil, apiErr
	}
	if req.params["inline_message_id"] != "" {
		return true, nil // Telegram answers true for inline messages
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	key, cur, apiErr := s.editTargetLocked(req)
	if apiErr != nil {
		return nil, apiErr
	}
	if cur.Method != "sendMessage" {
		return nil, badRequest("there is no text in the message to edit")
	}
	if cur.Text == text && cur.ParseMode == mode && reflect.DeepEqual(cur.Buttons, buttons) {
		return nil, notModified()
	}
	msg := *s.messages[key]
	msg.Text = plain
	msg.ReplyMarkup = markup // no reply_markup removes the keyboard, as in Telegram
	msg.EditDate = int(s.clock.Now().Unix())
	s.messages[key] = &msg
	cur.Text, cur.ParseMode, cur.Buttons = text, mode, buttons
	cur.Edits++
	return &msg, nil
}

func (s *Server) editMessageReplyMarkup(_ context.Context, req *request) (any, *apiError) {
	markup, buttons, apiErr := parseMarkup(req.params["reply_markup"])
	if apiErr != nil {
		return nil, apiErr
	}
	if req.params["inline_message_id"] != "" {
		return true, nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	key, cur, apiErr := s.editTargetLocked(req)
	if apiErr != nil {
		return nil, apiErr
	}
	if reflect.DeepEqual(cur.Buttons, buttons) {
		return nil, notModified()
	}
	msg := *s.messages[key]
	msg.ReplyMarkup = markup
	msg.EditDate = int(s.clock.Now().Unix())
	s.messages[key] = &msg
	cur.Buttons = buttons
	cur.Edits++
	return &msg, nil
}

// editTargetLocked returns the bot message an edit names by chat_id and
// message_id. The caller holds s.mu.
func (s *Server) editTargetLocked(req *request) (msgKey, *SentMessage, *apiError) {
	chatID, apiErr := requireChat(req)
	if apiErr != nil {
		return msgKey{}, nil, apiErr
	}
	id, err := strconv.ParseInt(req.params["message_id"], 10, 64)
	if err != nil {
		return msgKey{}, nil, badRequest("message identifier is not specified")
	}
	key := msgKey{chatID, id}
	cur, ok := s.current[key]
	if !ok {
		return msgKey{}, nil, badRequest("message to edit not found")
	}
	return key, cur, nil
}

// notModified is Telegram's answer to an edit that changes nothing.
func notModified() *apiError {
	return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

func (s *Server) answerCallbackQuery(_ context.Context, req *request) (any, *apiError) {
	id := req.params["callback_query_id"]
	if id == "" {
		return nil, badRequest("query_id is empty")
	}
	text := req.params["text"]
	if utf8.RuneCountInString(text) > maxAnswerText {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	answered, ok := s.queries[id]
	if !ok || answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.queries[id] = true
	s.answers = append(s.answers, CallbackAnswer{
		QueryID:   id,
		Text:      text,
		ShowAlert: req.params["show_alert"] == "true",
		URL:       req.params["url"],
	})
	s.broadcast()
	return true, nil
}

func (s *Server) setWebhook(_ context.Context, req *request) (any, *apiError) {
	url := req.params["url"]
	if url != "" && !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = url
	if req.params["drop_pending_updates"] == "true" {
		s.dropPendingLocked()
	}
	s.broadcast()
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, req *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = ""
	if req.params["drop_pending_updates"] == "true" {
		s.dropPendingLocked()
	}
	s.broadcast()
	return true, nil
}

func (s *Server) setMyCommands(_ context.Context, req *request) (any, *apiError) {
	var commands []models.BotCommand
	if err := json.Unmarshal([]byte(req.params["commands"]), &commands); err != nil {
		return nil, badRequest("can't parse BotCommand array: %v", err)
	}
	if len(commands) > maxCommands {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range commands {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(c.Description); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands = commands
	s.broadcast()
	return true, nil
}

// validCommand reports whether name is a valid bot command: 1 to 32 of
// lower-case letters, digits and underscores.
func validCommand(name string) bool {
	if len(name) == 0 || len(name) > 32 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Server) getFile(_ context.Context, req *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[req.params["file_id"]]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	return &models.File{
		FileID:       f.ID,
		FileUniqueID: uniqueID(f.ID),
		FileSize:     int64(len(f.Data)),
		FilePath:     f.Path,
	}, nil
}

// serveFile answers a download of /file/bot<token>/<file_path>; rest is
// the path after "/file/bot".
func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, filePath, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeError(w, &apiError{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.Path == filePath {
			data, found = f.Data, true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		writeError(w, &apiError{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(data)
}

// requireChat returns the numeric chat_id of req.
func requireChat(req *request) (int64, *apiError) {
	raw := strings.TrimSpace(req.params["chat_id"])
	if raw == "" || raw == "null" {
		return 0, badRequest("chat_id is empty")
	}
	id := parseChatID(raw)
	if id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// checkText checks a text or caption as Telegram does and returns the text
// after entity parsing. limit is in UTF-16 units; empty says whether an
// empty text is allowed (captions).
func checkText(text, mode string, limit int, empty bool) (string, *apiError) {
	if !utf8.ValidString(text) {
		return "", badRequest("strings must be encoded in UTF-8")
	}
	plain := text
	if strings.EqualFold(mode, string(models.ParseModeHTML)) {
		if err := tghtml.Validate(text); err != nil {
			return "", badRequest("can't parse entities: %v", err)
		}
		plain = tghtml.StripTags(text)
	}
	plain = strings.TrimSpace(plain)
	if plain == "" && !empty {
		return "", badRequest("message text is empty")
	}
	if utf16Len(plain) > limit {
		if empty {
			return "", badRequest("message caption is too long")
		}
		return "", badRequest("message is too long")
	}
	return plain, nil
}

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// parseMarkup reads a reply_markup parameter. It returns the inline
// keyboard, echoed in the message, and its buttons; other keyboards are
// accepted and not echoed.
func parseMarkup(raw string) (*models.InlineKeyboardMarkup, [][]Button, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil, nil
	}
	var m struct {
		InlineKeyboard *[][]models.InlineKeyboardButton `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if m.InlineKeyboard == nil {
		return nil, nil, nil
	}
	var rows [][]Button
	for _, row := range *m.InlineKeyboard {
		var buttons []Button
		for _, b := range row {
			if b.Text == "" {
				return nil, nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
			if len(b.CallbackData) > maxCallbackData {
				return nil, nil, badRequest("BUTTON_DATA_INVALID")
			}
			buttons = append(buttons, Button{Text: b.Text, CallbackData: b.CallbackData, URL: b.URL})
		}
		rows = append(rows, buttons)
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: *m.InlineKeyboard}, rows, nil
}

// replyTo is the message a new message replies to.
type replyTo struct {
	messageID      int64
	withoutReplyOK bool // allow_sending_without_reply
}

// parseReply reads reply_parameters, or the older reply_to_message_id.
func parseReply(req *request) (replyTo, *apiError) {
	if raw := req.params["reply_parameters"]; raw != "" {
		var p struct {
			MessageID                int64 `json:"message_id"`
			AllowSendingWithoutReply bool  `json:"allow_sending_without_reply"`
		}
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return replyTo{}, badRequest("can't parse reply parameters JSON object")
		}
		return replyTo{messageID: p.MessageID, withoutReplyOK: p.AllowSendingWithoutReply}, nil
	}
	if raw := req.params["reply_to_message_id"]; raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return replyTo{}, badRequest("invalid reply_to_message_id")
		}
		return replyTo{messageID: id, withoutReplyOK: req.params["allow_sending_without_reply"] == "true"}, nil
	}
	return replyTo{}, nil
}

// newBotMessageLocked returns a new message of the bot in chatID with the
// next message id, replying to reply. The caller holds s.mu and stores the
// message with storeSentLocked.
func (s *Server) newBotMessageLocked(chatID int64, reply replyTo) (*models.Message, *apiError) {
	var replied *models.Message
	if reply.messageID != 0 {
		orig, ok := s.messages[msgKey{chatID, reply.messageID}]
		switch {
		case ok:
			replied = shallow(orig)
		case !reply.withoutReplyOK:
			return nil, badRequest("message to be replied not found")
		}
	}
	from := s.BotUser()
	return &models.Message{
		ID:             int(s.nextMessageIDLocked(chatID)),
		From:           &from,
		Date:           int(s.clock.Now().Unix()),
		Chat:           s.chatLocked(chatID),
		ReplyToMessage: replied,
	}, nil
}

// storeSentLocked keeps msg, a message of the bot, and records it as sent
// with the details of sent. The caller holds s.mu.
func (s *Server) storeSentLocked(msg *models.Message, sent SentMessage) {
	key := msgKey{msg.Chat.ID, int64(msg.ID)}
	s.messages[key] = msg
	sent.ChatID = msg.Chat.ID
	sent.MessageID = int64(msg.ID)
	sent.Date = s.clock.Now()
	if msg.ReplyToMessage != nil {
		sent.ReplyToMessageID = int64(msg.ReplyToMessage.ID)
	}
	s.sent = append(s.sent, sent)
	cur := sent
	s.current[key] = &cur
	s.broadcast()
}

// inputFileLocked returns the file a send names in field: an upload, or
// the id of a known file, or an HTTP URL. Uploads are stored and given an
// id. The caller holds s.mu.
func (s *Server) inputFileLocked(req *request, field string) (*File, *apiError) {
	dir := "documents"
	if field == "photo" {
		dir = "photos"
	}
	if up, ok := req.files[field]; ok {
		if len(up.Data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		f := *up
		ext := path.Ext(f.Name)
		if field == "photo" {
			if _, _, err := image.DecodeConfig(bytes.NewReader(f.Data)); err != nil {
				return nil, badRequest("IMAGE_PROCESS_FAILED")
			}
			ext = ".jpg" // Telegram re-encodes photos as JPEG
		}
		return s.storeFileLocked(&f, dir, ext), nil
	}
	ref := req.params[field]
	switch {
	case ref == "":
		return nil, badRequest("there is no %s in the request", field)
	case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
		return s.storeFileLocked(&File{Field: field, Name: path.Base(ref)}, dir, path.Ext(ref)), nil
	}
	if f, ok := s.files[ref]; ok {
		cp := *f
		cp.Field = field
		return &cp, nil
	}
	return nil, badRequest("wrong file identifier/HTTP URL specified")
}

// storeFileLocked gives f a file id and a file path in dir, keeps it for
// getFile and downloads, and returns it. The caller holds s.mu.
func (s *Server) storeFileLocked(f *File, dir, ext string) *File {
	s.lastFile++
	f.ID = fmt.Sprintf("FILE%06d-%s", s.lastFile, strings.TrimSuffix(dir, "s"))
	f.Path = fmt.Sprintf("%s/file_%d%s", dir, s.lastFile, ext)
	s.files[f.ID] = f
	cp := *f
	return &cp
}

// photoSize describes the photo f.
func photoSize(f *File) models.PhotoSize {
	cfg, _, _ := image.DecodeConfig(bytes.NewReader(f.Data)) // zero size for a URL
	return models.PhotoSize{
		FileID:       f.ID,
		FileUniqueID: uniqueID(f.ID),
		Width:        cfg.Width,
		Height:       cfg.Height,
		FileSize:     len(f.Data),
	}
}

// document describes the document f.
func document(f *File) *models.Document {
	mimeType := mimeType(f.Name)
	return &models.Document{
		FileID:       f.ID,
		FileUniqueID: uniqueID(f.ID),
		FileName:     f.Name,
		MimeType:     mimeType,
		FileSize:     int64(len(f.Data)),
	}
}

// mimeType returns the MIME type Telegram reports for a document named
// name: the types a ward's reports use are fixed here so the answer does
// not depend on the machine's MIME tables.
func mimeType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xls":
		return "application/vnd.ms-excel"
	case ".doc":
		return "application/msword"
	case ".pdf":
		return "application/pdf"
	case ".csv":
		return "text/csv"
	case ".txt":
		return "text/plain"
	case ".json":
		return "application/json"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	}
	t, _, _ := strings.Cut(mime.TypeByExtension(ext), ";")
	if t == "" {
		return "application/octet-stream"
	}
	return t
}

// uniqueID returns the file_unique_id of the file id.
func uniqueID(id string) string { return "U" + id }

// shallow returns a copy of m fit to be embedded in another message: the
// copy's own reply_to_message is dropped, as Telegram never nests them.
func shallow(m *models.Message) *models.Message {
	cp := *m
	cp.ReplyToMessage = nil
	return &cp
}
