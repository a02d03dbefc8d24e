package telegramtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/telegramtest"
)

// A bot sends a reminder with a "✅ Hoàn thành" button; the official
// replies with progress and presses the button; the test reads what the
// official received and what the bot got back.
func Example() {
	srv := telegramtest.New(telegramtest.WithMaxPollTimeout(100 * time.Millisecond))
	defer srv.Close()

	updates := make(chan *models.Update, 10)
	b, err := bot.New(srv.Token(),
		bot.WithServerURL(srv.URL()),
		bot.WithNotAsyncHandlers(),
		bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) { updates <- u }),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.Start(ctx)

	const official = 1002 // a private chat's id is its user's id
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:    official,
		Text:      "📌 <b>Rà soát thủ tục hành chính</b>\nHạn: 30/6/2025",
		ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "✅ Hoàn thành", CallbackData: "done:42"}},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	reminder := srv.SentTo(official)[0]
	fmt.Println(reminder.Plain())
	done, _ := reminder.Button("Hoàn thành")

	srv.Reply(official, official, reminder.MessageID, "60%")
	srv.PressButton(official, official, reminder.MessageID, done.CallbackData)

	reply := <-updates
	fmt.Printf("reply %q to message %d\n", reply.Message.Text, reply.Message.ReplyToMessage.ID)
	press := <-updates
	fmt.Printf("button %q on message %d\n", press.CallbackQuery.Data, press.CallbackQuery.Message.Message.ID)
	// Output:
	// 📌 Rà soát thủ tục hành chính
	// Hạn: 30/6/2025
	// reply "60%" to message 1
	// button "done:42" on message 1
}
