package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// SetUser sets the profile of the Telegram user u.ID (names, username,
// language) used in the updates of that user and in their private chat.
// Without it a user is "Người dùng <id>" speaking Vietnamese.
func (s *Server) SetUser(u models.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// userLocked returns the profile of the user id. The caller holds s.mu.
func (s *Server) userLocked(id int64) models.User {
	if u, ok := s.users[id]; ok {
		return u
	}
	return models.User{ID: id, FirstName: "Người dùng", LastName: strconv.FormatInt(id, 10), LanguageCode: "vi"}
}

// chatLocked returns the chat chatID: a positive id is the private chat
// of that user, a negative one a group (a supergroup below -10^12, as
// Telegram numbers them). The caller holds s.mu.
func (s *Server) chatLocked(chatID int64) models.Chat {
	switch {
	case chatID > 0:
		u := s.userLocked(chatID)
		return models.Chat{ID: chatID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
	case chatID < -1_000_000_000_000:
		return models.Chat{ID: chatID, Type: models.ChatTypeSupergroup, Title: fmt.Sprintf("Nhóm %d", -chatID)}
	default:
		return models.Chat{ID: chatID, Type: models.ChatTypeGroup, Title: fmt.Sprintf("Nhóm %d", -chatID)}
	}
}

// nextMessageIDLocked returns the next message id of chatID; the bot's and
// the users' messages share the sequence. The caller holds s.mu.
func (s *Server) nextMessageIDLocked(chatID int64) int64 {
	s.lastMsg[chatID]++
	return s.lastMsg[chatID]
}

// AddUpdate queues u for getUpdates and returns the update_id it was
// given; update ids count up from 1 in the order updates are added.
func (s *Server) AddUpdate(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUpdateLocked(u)
}

// addUpdateLocked queues u. The caller holds s.mu.
func (s *Server) addUpdateLocked(u models.Update) int64 {
	s.lastUpdateID++
	u.ID = s.lastUpdateID
	s.updates = append(s.updates, u)
	s.broadcast()
	return u.ID
}

// newUserMessageLocked returns a new message of the user userID in chatID,
// replying to the message replyTo when it is not 0, and keeps it so the
// bot can reply to it. The caller holds s.mu.
func (s *Server) newUserMessageLocked(chatID, userID, replyTo int64) *models.Message {
	if chatID > 0 && chatID != userID {
		panic(fmt.Sprintf("telegramtest: user %d cannot write in chat %d: a private chat's id is its user's id", userID, chatID))
	}
	from := s.userLocked(userID)
	msg := &models.Message{
		ID:   int(s.nextMessageIDLocked(chatID)),
		From: &from,
		Date: int(s.clock.Now().Unix()),
		Chat: s.chatLocked(chatID),
	}
	if replyTo != 0 {
		if orig, ok := s.messages[msgKey{chatID, replyTo}]; ok {
			msg.ReplyToMessage = shallow(orig)
		} else {
			msg.ReplyToMessage = &models.Message{ID: int(replyTo), Date: msg.Date, Chat: msg.Chat}
		}
	}
	s.messages[msgKey{chatID, int64(msg.ID)}] = msg
	return msg
}

// SendText makes the user userID write text in chatID (the user's own id
// for a private chat) and returns the update id. Bot commands in the text
// get bot_command entities, as Telegram sets them.
func (s *Server) SendText(chatID, userID int64, text string) int64 {
	return s.Reply(chatID, userID, 0, text)
}

// SendCommand makes the user userID send the bot command "/command args"
// in chatID and returns the update id. command may carry its slash and a
// bot username ("/viec@nhacviec_bot"); args may be empty.
func (s *Server) SendCommand(chatID, userID int64, command, args string) int64 {
	text := "/" + strings.TrimPrefix(command, "/")
	if args != "" {
		text += " " + args
	}
	return s.Reply(chatID, userID, 0, text)
}

// Reply makes the user userID answer the message replyToMessageID of
// chatID (with Telegram's reply) by text, and returns the update id. The
// update carries the message replied to as Telegram knows it, edits
// included.
func (s *Server) Reply(chatID, userID, replyToMessageID int64, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.newUserMessageLocked(chatID, userID, replyToMessageID)
	msg.Text = text
	msg.Entities = commandEntities(text)
	return s.addUpdateLocked(models.Update{Message: msg})
}

// SendPhoto makes the user userID send the image data (PNG, JPEG or GIF)
// as a photo with caption in chatID, as a reply to replyToMessageID when it
// is not 0, and returns the update id. The bot can fetch the photo with
// getFile.
func (s *Server) SendPhoto(chatID, userID, replyToMessageID int64, caption string, data []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.newUserMessageLocked(chatID, userID, replyToMessageID)
	f := s.storeFileLocked(&File{Field: "photo", Name: "photo.jpg", Data: bytes.Clone(data)}, "photos", ".jpg")
	cfg, _, _ := image.DecodeConfig(bytes.NewReader(data))
	msg.Photo = []models.PhotoSize{
		{FileID: f.ID + "-s", FileUniqueID: uniqueID(f.ID + "-s"), Width: min(cfg.Width, 90), Height: min(cfg.Height, 90)},
		{FileID: f.ID, FileUniqueID: uniqueID(f.ID), Width: cfg.Width, Height: cfg.Height, FileSize: len(data)},
	}
	msg.Caption = caption
	return s.addUpdateLocked(models.Update{Message: msg})
}

// SendDocument makes the user userID send the file data named fileName
// with caption in chatID, as a reply to replyToMessageID when it is not 0,
// and returns the update id. The bot can fetch the file with getFile.
func (s *Server) SendDocument(chatID, userID, replyToMessageID int64, fileName, caption string, data []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.newUserMessageLocked(chatID, userID, replyToMessageID)
	f := s.storeFileLocked(&File{Field: "document", Name: fileName, Data: bytes.Clone(data)}, "documents", path.Ext(fileName))
	msg.Document = document(f)
	msg.Caption = caption
	return s.addUpdateLocked(models.Update{Message: msg})
}

// PressButton makes the user userID press the inline button with
// callback data data under the message messageID of chatID, and returns
// the callback query id the bot must answer. The data is not checked
// against the message's keyboard, so a test can forge or replay a press.
// A message the server does not know arrives as inaccessible (date 0).
func (s *Server) PressButton(chatID, userID, messageID int64, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastQ++
	id := fmt.Sprintf("%d%08d", s.botID, s.lastQ)
	s.queries[id] = false
	cq := &models.CallbackQuery{
		ID:           id,
		From:         s.userLocked(userID),
		ChatInstance: fmt.Sprintf("-%d", chatID^0x5f3759df),
		Data:         data,
	}
	if orig, ok := s.messages[msgKey{chatID, messageID}]; ok {
		cq.Message = models.MaybeInaccessibleMessage{
			Type:    models.MaybeInaccessibleMessageTypeMessage,
			Message: shallow(orig),
		}
	} else {
		cq.Message = models.MaybeInaccessibleMessage{
			Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: s.chatLocked(chatID), MessageID: int(messageID)},
		}
	}
	s.addUpdateLocked(models.Update{CallbackQuery: cq})
	return id
}

// Block makes the user userID block the bot: sends to their private chat
// answer 403 "Forbidden: bot was blocked by the user" until Unblock, and a
// my_chat_member update tells the bot. It returns the update id.
func (s *Server) Block(userID int64) int64 {
	return s.setBlocked(userID, true)
}

// Unblock makes the user userID unblock the bot (restart it), with a
// my_chat_member update, and returns the update id.
func (s *Server) Unblock(userID int64) int64 {
	return s.setBlocked(userID, false)
}

// setBlocked records whether userID blocked the bot and queues the
// my_chat_member update.
func (s *Server) setBlocked(userID int64, blocked bool) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = blocked
	botUser := s.BotUser()
	member := models.ChatMember{
		Type:   models.ChatMemberTypeMember,
		Member: &models.ChatMemberMember{Status: models.ChatMemberTypeMember, User: &botUser},
	}
	kicked := models.ChatMember{
		Type:   models.ChatMemberTypeBanned,
		Banned: &models.ChatMemberBanned{Status: models.ChatMemberTypeBanned, User: &botUser},
	}
	upd := &models.ChatMemberUpdated{
		Chat:          s.chatLocked(userID),
		From:          s.userLocked(userID),
		Date:          int(s.clock.Now().Unix()),
		OldChatMember: kicked,
		NewChatMember: member,
	}
	if blocked {
		upd.OldChatMember, upd.NewChatMember = member, kicked
	}
	return s.addUpdateLocked(models.Update{MyChatMember: upd})
}

// Pending returns how many updates getUpdates has not yet had confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// Confirmed reports whether the bot has confirmed the update updateID,
// that is called getUpdates with a higher offset. A bot that confirms an
// update only after committing its effects has then finished with it.
func (s *Server) Confirmed(updateID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed > updateID
}

// WaitConfirmed blocks until the bot has confirmed the update updateID,
// that is called getUpdates with a higher offset, or ctx ends. A bot that
// confirms an update only after committing its effects has then finished
// with it.
func (s *Server) WaitConfirmed(ctx context.Context, updateID int64) error {
	err := s.WaitUntil(ctx, func() bool { return s.Confirmed(updateID) })
	if err != nil {
		return fmt.Errorf("telegramtest: update %d not confirmed: %w", updateID, err)
	}
	return nil
}

// getUpdates answers getUpdates: see the package documentation.
func (s *Server) getUpdates(ctx context.Context, req *request) (any, *apiError) {
	offset, _ := strconv.ParseInt(req.params["offset"], 10, 64)
	limit, err := strconv.Atoi(req.params["limit"])
	if err != nil || limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(req.params["timeout"])
	wait := min(time.Duration(max(timeout, 0))*time.Second, s.maxPoll)
	var allowed []string
	if raw := req.params["allowed_updates"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			return nil, badRequest("can't parse allowed_updates JSON array")
		}
	}

	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		return nil, &apiError{Code: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if s.poller != nil {
		close(s.poller)
	}
	mine := make(chan struct{})
	s.poller = mine
	s.broadcast()
	defer func() {
		s.mu.Lock()
		if s.poller == mine {
			s.poller = nil
		}
		s.mu.Unlock()
	}()
	s.confirmLocked(offset)

	timer := time.NewTimer(wait)
	defer timer.Stop()
	conflict := &apiError{Code: http.StatusConflict, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
	for {
		select {
		case <-mine:
			s.mu.Unlock()
			return nil, conflict
		default:
		}
		ups := s.availableLocked(limit, allowed)
		if len(ups) > 0 || wait <= 0 {
			// Encode under the lock: the models' MarshalJSON methods write.
			body, err := json.Marshal(ups)
			s.mu.Unlock()
			if err != nil {
				return nil, &apiError{Code: http.StatusInternalServerError, Description: "Internal Server Error: " + err.Error()}
			}
			return json.RawMessage(body), nil
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			return json.RawMessage("[]"), nil
		case <-mine:
			return nil, conflict
		case <-ctx.Done():
			return nil, clientGone()
		case <-s.closing:
			return json.RawMessage("[]"), nil
		}
		s.mu.Lock()
	}
}

// confirmLocked applies the offset of a getUpdates: a positive offset
// confirms and forgets every update below it, a negative one keeps only
// the last -offset updates. The caller holds s.mu.
func (s *Server) confirmLocked(offset int64) {
	drop := 0
	switch {
	case offset > 0:
		for drop < len(s.updates) && s.updates[drop].ID < offset {
			drop++
		}
		if offset > s.confirmed {
			s.confirmed = offset
		}
	case offset < 0:
		drop = max(len(s.updates)-int(-offset), 0)
		if drop > 0 && s.updates[drop-1].ID+1 > s.confirmed {
			s.confirmed = s.updates[drop-1].ID + 1
		}
	}
	if drop > 0 || offset > 0 {
		s.updates = slices.Delete(s.updates, 0, drop)
		s.broadcast()
	}
}

// dropPendingLocked confirms every pending update. The caller holds s.mu.
func (s *Server) dropPendingLocked() {
	s.updates = nil
	s.confirmed = s.lastUpdateID + 1
}

// availableLocked returns up to limit pending updates of the allowed types
// (all types when allowed is empty). The caller holds s.mu.
func (s *Server) availableLocked(limit int, allowed []string) []models.Update {
	out := []models.Update{}
	for _, u := range s.updates {
		if len(out) == limit {
			break
		}
		if len(allowed) > 0 && !slices.Contains(allowed, updateType(&u)) {
			continue
		}
		out = append(out, u)
	}
	return out
}

// updateType returns the allowed_updates name of u's kind.
func updateType(u *models.Update) string {
	switch {
	case u.Message != nil:
		return models.AllowedUpdateMessage
	case u.EditedMessage != nil:
		return models.AllowedUpdateEditedMessage
	case u.ChannelPost != nil:
		return models.AllowedUpdateChannelPost
	case u.EditedChannelPost != nil:
		return models.AllowedUpdateEditedChannelPost
	case u.CallbackQuery != nil:
		return models.AllowedUpdateCallbackQuery
	case u.InlineQuery != nil:
		return models.AllowedUpdateInlineQuery
	case u.MyChatMember != nil:
		return models.AllowedUpdateMyChatMember
	case u.ChatMember != nil:
		return models.AllowedUpdateChatMember
	case u.MessageReaction != nil:
		return models.AllowedUpdateMessageReaction
	}
	return ""
}

// commandEntities returns the bot_command entities of text, with offsets
// and lengths in UTF-16 units: a "/" at the start or after white space,
// 1 to 32 letters, digits or underscores, optionally "@" and a bot
// username.
func commandEntities(text string) []models.MessageEntity {
	var out []models.MessageEntity
	offset := 0 // UTF-16 units before i
	prev := ' '
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '/' && unicode.IsSpace(prev) {
			n := commandLen(text[i:])
			if n > 0 {
				out = append(out, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: offset, Length: n})
				offset += n // a command is ASCII: one unit a byte
				i += n
				prev = 'x'
				continue
			}
		}
		offset += utf16Len(string(r))
		i += size
		prev = r
	}
	return out
}

// commandLen returns the length in bytes of the bot command at the start
// of s ("/viec", "/viec@nhacviec_bot"), or 0 when s does not start one.
func commandLen(s string) int {
	isName := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	n := 1
	for n < len(s) && isName(s[n]) {
		n++
	}
	if n == 1 || n > 33 {
		return 0
	}
	if n < len(s) && s[n] == '@' {
		m := n + 1
		for m < len(s) && isName(s[m]) {
			m++
		}
		if m > n+1 {
			n = m
		}
	}
	if n < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[n:]); r == '/' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			return 0 // "/viecà" or "/a/b" is not a command
		}
	}
	return n
}
