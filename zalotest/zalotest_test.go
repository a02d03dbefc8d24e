package zalotest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/zalotest"
)

// post calls method with a form and decodes the envelope.
func post(t *testing.T, srv *zalotest.Server, token, method string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(srv.URL()+"/bot"+token+"/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return resp.StatusCode, env
}

// TestEnvelopes: the fake answers forms as the platform does, with the
// HTTP status of the error code.
func TestEnvelopes(t *testing.T) {
	srv := zalotest.New(zalotest.WithMaxPollTimeout(10 * time.Millisecond))
	defer srv.Close()
	for _, tt := range []struct {
		token, method string
		form          url.Values
		code          int
	}{
		{srv.Token(), "sendMessage", url.Values{"chat_id": {"c1"}, "text": {"Chào"}}, 200},
		{srv.Token(), "sendMessage", url.Values{"chat_id": {"c1"}, "text": {strings.Repeat("x", 2001)}}, 400},
		{srv.Token(), "sendMessage", url.Values{"chat_id": {"c1"}, "text": {""}}, 400},
		{srv.Token(), "sendMessage", url.Values{"text": {"x"}}, 400},
		{srv.Token(), "sendPhoto", url.Values{"chat_id": {"c1"}, "photo": {"/tmp/a.png"}}, 400},
		{srv.Token(), "sendDocument", url.Values{"chat_id": {"c1"}}, 400},
		{srv.Token(), "getUpdates", url.Values{"timeout": {"1"}}, 408},
		{srv.Token(), "setWebhook", url.Values{"url": {"http://x.org"}, "secret_token": {"12345678"}}, 400},
		{"1:wrong", "getMe", nil, 401},
	} {
		status, env := post(t, srv, tt.token, tt.method, tt.form)
		ok, _ := env["ok"].(bool)
		if status != tt.code || ok != (tt.code == 200) {
			t.Errorf("%s %v: status %d, %v; want %d", tt.method, tt.form, status, env, tt.code)
		}
		if !ok && int(env["error_code"].(float64)) != tt.code {
			t.Errorf("%s: error_code %v, want %d", tt.method, env["error_code"], tt.code)
		}
	}
	if sent := srv.SentTo("c1"); len(sent) != 1 || sent[0].Text != "Chào" || len(sent[0].MessageID) != 20 {
		t.Errorf("sent %+v", sent)
	}
	srv.FailNext("getMe", 2, zalotest.TooManyRequests())
	for range 2 {
		if status, _ := post(t, srv, srv.Token(), "getMe", nil); status != 429 {
			t.Errorf("injected 429: status %d", status)
		}
	}
	if status, _ := post(t, srv, srv.Token(), "getMe", nil); status != 200 {
		t.Errorf("after the faults: status %d", status)
	}
}
