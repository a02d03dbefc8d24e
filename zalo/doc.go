// Package zalo is the second channel: Zalo through the Zalo Bot Platform's
// HTTP API, with a client written for this project (there is no official
// Go client; the official SDKs are python-zalo-bot and node-zalo-bot). It
// is not wired into serve yet.
//
// client.go calls the API: <api_url>/bot<TOKEN>/<method>, a JSON object
// posted, the envelope {ok, result, description, error_code} answered;
// getMe, getUpdates, sendMessage, sendPhoto (by URL), sendChatAction,
// setWebhook, deleteWebhook, getWebhookInfo; failures are *APIError with
// the platform's code and description, and never show the token.
// event.go decodes events and converts them into channel.Update
// (ToUpdate), mapping the platform's string ids to integer surrogates
// (Chats). text.go renders the product's Telegram HTML as plain text
// (PlainText) and splits it into numbered parts (Parts). sender.go is the
// channel.Sender; receive.go the polling loop and the webhook handler.
//
// What the platform does, and where it was checked (the platform's own
// pages, bot.zaloplatforms.com/docs, were not reachable from here; the
// facts below were read in public client code that calls the live API):
//
//   - Base URL https://bot-api.zaloplatforms.com, the token in the path,
//     the envelope, the 8–256-character webhook secret sent back in the
//     X-Bot-Api-Secret-Token header, the event names, string ids and
//     dates in milliseconds: the project's notes (shared/notes/zalo.md),
//     confirmed by the OpenClaw Zalo extension (extensions/zalo/src/api.ts
//     and monitor.ts), the zalo-bot PHP SDK's API reference and
//     vkhangstack/go-zalo-bot's webhook tests (a payload wrapped as
//     {"ok":true,"result":{…}}).
//   - getUpdates answers error_code 408 when no event came in its timeout
//     (OpenClaw treats 408 as an empty poll; other public clients too): an
//     empty poll, not a failure.
//   - Message and chat ids are opaque strings (a payload in a public bot's
//     documentation shows 20 hexadecimal digits, e.g. "2d758cb5e222177a4e35"),
//     so they are not integers: ToUpdate hashes the message id into the
//     update id (UpdateID) and maps chats to surrogates.
//   - Webhook bodies: documented wrapped in {ok, result}; OpenClaw also
//     accepts the bare event, and so does ParseWebhook.
//   - sendChatAction ("typing") exists in node-zalo-bot and the PHP SDK.
//   - 2,000 characters for sendMessage and captions: the notes, the PHP
//     SDK's validation and OpenClaw's chunking agree. The unit is not
//     documented; counting UTF-16 units (Length) never undercounts.
//
// Assumed, not verified: 403 means an internal server error (the notes;
// one third-party SDK treats it as an authentication failure), so it stays
// transient rather than marking a person unreachable; a 429 carries no
// retry-after, so a chat waits SenderConfig.RetryAfter; the platform's
// HTTP status mirrors error_code (the client reads error_code, and the
// status only when the body is not the envelope); the platform posts an
// event again after a webhook answer other than 200 (the notes say to
// answer 200 only after committing; the retry policy is not documented);
// a group chat's events and an image's URL are as the notes describe,
// never seen here.
package zalo
