package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/web"
)

type env struct {
	t     *testing.T
	srv   *httptest.Server
	web   *web.Server
	store *postgres.Store
	org   *pgtest.Org
	// tokens by user id
	tokens map[int64]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.New(t)
	org := pgtest.NewOrg(t, db)
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	m, err := postgres.NewMigrator(db.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	s, err := web.New(web.Deps{Config: cfg, Store: store, Migrator: m, Log: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, srv: ts, web: s, store: store, org: org, tokens: map[int64]string{}}
}

// token gives a user an API token (inserted directly: tests of the token API are separate).
func (e *env) token(userID int64) string {
	if tok, ok := e.tokens[userID]; ok {
		return tok
	}
	tok := fmt.Sprintf("nrv_test_%d", userID)
	sum := sha256.Sum256([]byte(tok))
	if _, err := e.store.DB.Exec(`INSERT INTO api_tokens (user_id, name, token_hash, created_by) VALUES ($1, 'test', $2, $1)`, userID, sum[:]); err != nil {
		e.t.Fatal(err)
	}
	e.tokens[userID] = tok
	return tok
}

type response struct {
	Status int
	Body   []byte
	Header http.Header
}

func (r response) json(t *testing.T, into any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, into); err != nil {
		t.Fatalf("response %d is not JSON: %v: %s", r.Status, err, r.Body)
	}
}

func (r response) errorFields(t *testing.T) map[string]string {
	t.Helper()
	var b struct {
		Error struct {
			Code    string
			Message string
			Fields  []struct{ Field, Message string }
		}
	}
	r.json(t, &b)
	out := map[string]string{"_code": b.Error.Code, "_message": b.Error.Message}
	for _, f := range b.Error.Fields {
		out[f.Field] = f.Message
	}
	return out
}

// call sends an API request as a user (0: signed out).
func (e *env) call(user int64, method, path string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req, _ := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if user != 0 {
		req.Header.Set("Authorization", "Bearer "+e.token(user))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, b, res.Header}
}

func (e *env) must(want int, r response) response {
	e.t.Helper()
	if r.Status != want {
		e.t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	return r
}

func (e *env) version(user, caseID int64) int {
	e.t.Helper()
	var v struct{ Case struct{ Version int } }
	e.must(200, e.call(user, "GET", fmt.Sprintf("/api/v1/cases/%d", caseID), nil)).json(e.t, &v)
	return v.Case.Version
}

func routesOf(t *testing.T, e *env) []string { return e.web.RoutesForTest() }

// testLog sends the server's warnings and errors to the test's log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) { l.t.Log(string(p)); return len(p), nil }
