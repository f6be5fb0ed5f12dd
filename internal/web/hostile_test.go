package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/web"
)

// hostilePayloads are stored in every text field and sent in every query parameter. Each must
// come back verbatim as data, never run: not as SQL, not as HTML, not as a template.
var hostilePayloads = []struct{ name, text string }{
	{"sql drop table", `'; DROP TABLE cases; --`},
	{"sql tautology", `1 OR 1=1`},
	{"sql quote tautology", `" OR ""="`},
	{"sql comment and union", `x' UNION SELECT personnummer FROM students --`},
	{"sql dollar quote", `$$; DELETE FROM audit_log; $$`},
	{"sql backslash", `\'; TRUNCATE audit_log; --`},
	{"xss script", `<script>alert(1)</script>`},
	{"xss attribute", `"><img src=x onerror=alert(1)>`},
	{"xss svg", `<svg onload=alert(1)>`},
	{"xss javascript url", `javascript:alert(1)`},
	{"template go", `{{.}}{{template "layout"}}{{printf "%s" .}}`},
	{"template other", `${7*7} <%= 7*7 %> #{7*7}`},
	{"rtl override", "Elev\u202Egnp.exe"},
	{"combining characters", "A\u0301\u0301\u0301\u0327\u0327 Z\u0336\u0336"},
	{"zero width and bom", "a\u200Bb\u200Dc\uFEFFd"},
	{"emoji sequence", "👩‍👩‍👧‍👦 🏳️‍🌈"},
	{"crlf", "rad ett\r\nrad två\r\nSet-Cookie: x=y"},
	{"format verbs", "%s %d %x %n %v %!"},
}

// investigationTexts are the investigation's free-text fields.
var investigationTexts = []string{"absence_summary", "earlier_measures", "school_situation", "social_situation", "student_view", "guardian_view",
	"triggering_factors", "maintaining_factors", "analysis", "special_support_note", "collaboration_need", "conclusion",
	"consult_student_note", "consult_guardians_note", "consult_eht_note", "secret_appendix"}

// The hostile text stored in every text field of a case is returned verbatim by the JSON API
// (as data, Content-Type application/json) and, on the pages, escaped.
func TestHostileTextIsStoredVerbatimAndRenderedEscaped(t *testing.T) {
	t.Parallel()
	for _, p := range hostilePayloads {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			o := e.org
			text := "Text: " + p.text // long enough for every minimum length
			st := e.student(own)
			var c struct{ ID int64 }
			e.must(201, e.call(o.A.EHT, "POST", "/api/v1/cases", map[string]any{"student_id": st, "description": text,
				"concern_domains": []string{"safe"}, "first_contacts": text})).json(t, &c)
			path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
			v := func() int { return e.mxVersion(c.ID) }
			e.must(200, e.call(o.A.Rektor, "POST", path+"/assessment", map[string]any{"decision": "started", "reasons": text, "version": v()}))
			inv := map[string]any{}
			for _, f := range investigationTexts {
				inv[f] = text
			}
			inv["version"] = v()
			e.must(200, e.call(o.A.EHT, "PUT", path+"/investigation", inv))
			e.must(201, e.call(o.A.EHT, "POST", path+"/wheel", map[string]any{"occasion": "investigation", "assessed_on": todayOf(e), "child_participation": "meeting",
				"child_words": text, "child_view_not_followed": text, "ratings": []any{map[string]any{"domain": "safe", "perspective": "child", "rating": 2, "note": text}},
				"version": v()}))
			e.must(201, e.call(o.A.EHT, "POST", path+"/contacts", map[string]any{"contacted_on": todayOf(e), "method": "phone", "guardian": p.text, "note": text}))
			e.must(201, e.call(o.A.EHT, "POST", path+"/escalations", map[string]any{"kind": "sip_requested", "occurred_on": todayOf(e), "note": text}))
			e.must(200, e.call(o.A.Rektor, "POST", path+"/legal-hold", map[string]any{"hold": true, "reason": text}))

			r := e.must(200, e.call(o.A.EHT, "GET", path, nil))
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("case answered as %q", ct)
			}
			var view struct {
				Case struct {
					Description       string `json:"description"`
					FirstContacts     string `json:"first_contacts"`
					AssessmentReasons string `json:"assessment_reasons"`
				} `json:"case"`
				Investigation map[string]any `json:"investigation"`
				Assessments   []struct {
					ChildWords string `json:"child_words"`
					Ratings    []struct{ Note string }
				} `json:"assessments"`
				Contacts    []struct{ Guardian, Note string } `json:"contacts"`
				Escalations []struct{ Note string }           `json:"escalations"`
			}
			r.json(t, &view)
			got := map[string]string{"description": view.Case.Description, "first_contacts": view.Case.FirstContacts,
				"assessment_reasons": view.Case.AssessmentReasons, "child_words": view.Assessments[0].ChildWords,
				"rating note": view.Assessments[0].Ratings[0].Note, "contact note": view.Contacts[0].Note, "escalation note": view.Escalations[0].Note}
			for _, f := range investigationTexts {
				got["investigation."+f], _ = view.Investigation[f].(string)
			}
			want := strings.TrimSpace(text)
			for f, val := range got {
				if val != want {
					t.Errorf("%s came back as %q, want %q verbatim", f, val, want)
				}
			}
			if g := view.Contacts[0].Guardian; g != strings.TrimSpace(p.text) {
				t.Errorf("guardian came back as %q", g)
			}
			// Nothing ran as SQL: every table is there and the audit log is whole.
			for _, table := range []string{"cases", "students", "audit_log"} {
				e.scalar(`SELECT count(*) FROM ` + table)
			}
			if n := e.scalar(`SELECT count(*) FROM cases`); n != 1 {
				t.Fatalf("%d cases after one was opened", n)
			}
			// On the pages, where they exist, the text is escaped.
			page := pageAs(t, e, "eht.a")
			if page == nil {
				return
			}
			res := page.get(fmt.Sprintf("/cases/%d", c.ID))
			if res.status != 200 {
				t.Fatalf("case page: %d", res.status)
			}
			for _, raw := range []string{"<script>alert(1)</script>", "<img src=x onerror", "<svg onload", "Set-Cookie: x=y\r\n"} {
				if strings.Contains(p.text, raw) && strings.Contains(res.body, raw) {
					t.Errorf("the case page carries %q unescaped", raw)
				}
			}
			if !strings.ContainsAny(want, "\r\n") && !strings.Contains(res.body, template.HTMLEscapeString(want)) {
				t.Errorf("the case page does not show the description escaped (%q)", template.HTMLEscapeString(want))
			}
		})
	}
}

// pageClient is a signed-in browser over plain HTTP.
type pageClient struct {
	t  *testing.T
	e  *env
	hc *http.Client
}

type pageAnswer struct {
	status int
	body   string
}

// pageAs signs in on the pages, or returns nil when the service has no sign-in page.
func pageAs(t *testing.T, e *env, username string) *pageClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	p := &pageClient{t: t, e: e, hc: &http.Client{Jar: jar}}
	if p.get("/login").status != 200 {
		return nil
	}
	res, err := p.hc.PostForm(e.srv.URL+"/login", url.Values{"username": {username}, "password": {pgtest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return p
}

func (p *pageClient) get(path string) pageAnswer {
	p.t.Helper()
	res, err := p.hc.Get(p.e.srv.URL + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return pageAnswer{res.StatusCode, string(b)}
}

// Hostile query parameters and path segments are answered with 4xx or a harmless empty
// answer, never a 500, never more rows, never a change.
func TestHostileQueryParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	e.caseAt(own, stageReported)
	before := e.scalar(`SELECT count(*) FROM cases`)
	params := []string{"/api/v1/students?q=%s", "/api/v1/cases?status=%s", "/api/v1/cases?school_id=%s", "/api/v1/cases?student_id=%s",
		"/api/v1/cases?limit=%s", "/api/v1/signals?status=%s", "/api/v1/audit?action=%s", "/api/v1/audit?entity=%s", "/api/v1/audit?from=%s",
		"/api/v1/audit/review?seed=%s", "/api/v1/students/1/access-log?to=%s", "/api/v1/cases/%s", "/api/v1/students/%s",
		"/api/v1/reports/period?from=%s&to=2026-12-01"}
	hostile := map[string]bool{}
	payloads := []string{}
	for _, p := range hostilePayloads {
		payloads = append(payloads, p.text)
		hostile[p.text] = true
	}
	payloads = append(payloads, "\x00", "%00", "\xff\xfe", strings.Repeat("A", 10000), "-1", "0", "99999999999999999999", "1e309", "NaN")
	for _, user := range []int64{o.A.Admin, o.A.EHT} {
		for _, p := range params {
			for _, payload := range payloads {
				path := fmt.Sprintf(p, url.QueryEscape(payload))
				if strings.HasPrefix(p, "/api/v1/cases/%s") || strings.HasPrefix(p, "/api/v1/students/%s") {
					path = fmt.Sprintf(p, url.PathEscape(payload))
				}
				r := e.call(user, "GET", path, nil)
				if r.Status >= 500 {
					t.Errorf("GET %s: %d: %s", path, r.Status, clipBody(r.Body))
				}
				if hostile[payload] && strings.Contains(p, "students?q=") && r.Status == 200 && string(bytes.TrimSpace(r.Body)) != "[]" {
					t.Errorf("search for %q found something: %s", payload, clipBody(r.Body))
				}
			}
		}
	}
	if after := e.scalar(`SELECT count(*) FROM cases`); after != before {
		t.Fatalf("cases %d → %d after hostile queries", before, after)
	}
}

// Overlong and odd input gets a clear 4xx, never a 500, and nothing half-saved.
func TestOverlongAndOddInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	st := e.student(own)
	open := func(description string) map[string]any {
		return map[string]any{"student_id": st, "description": description, "concern_domains": []string{"safe"}}
	}
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	tests := []struct {
		name   string
		body   any
		status int
	}{
		{"1 MB description", open(strings.Repeat("a", 1<<20)), 422},
		{"3 MB body", `{"student_id":1,"description":"` + strings.Repeat("x", 3<<20) + `","concern_domains":["safe"]}`, 400},
		{"NUL byte", open("Frånvaro\x00 med NUL-tecken"), 422},
		{"escaped NUL", `{"student_id":` + fmt.Sprint(st) + `,"description":"Frånvaro \u0000 escaped","concern_domains":["safe"]}`, 422},
		{"deep nesting", deep, 400},
		{"number overflow", `{"student_id":1e309,"description":"Tillräckligt lång","concern_domains":["safe"]}`, 400},
		{"huge id", `{"student_id":99999999999999999999,"description":"Tillräckligt lång","concern_domains":["safe"]}`, 400},
		{"many domains", open2(st, 100000), 422},
		{"not an object", `"just a string"`, 400},
		{"null", `null`, 422},
		{"duplicate keys", `{"student_id":1,"student_id":` + fmt.Sprint(st) + `,"description":"Tillräckligt lång text","concern_domains":["safe"]}`, 201},
	}
	for _, tt := range tests {
		r := e.call(o.A.EHT, "POST", "/api/v1/cases", tt.body)
		if r.Status != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, r.Status, tt.status, clipBody(r.Body))
			continue
		}
		if r.Status >= 400 {
			expectErrorShape(t, r)
		}
	}
	// Odd but valid text is kept exactly; invalid UTF-8 in JSON becomes U+FFFD, never a 500.
	st2 := e.student(own)
	odd := "Elev \u202Eevil\u202C A\u0301\u0301 " + string([]byte{0xff, 0xfe}) + " slut"
	raw := fmt.Sprintf(`{"student_id":%d,"description":"%s","concern_domains":["safe"]}`, st2, odd) // the bytes as sent, not re-encoded
	r := e.call(o.A.EHT, "POST", "/api/v1/cases", raw)
	if r.Status != 201 {
		t.Fatalf("odd unicode: %d %s", r.Status, clipBody(r.Body))
	}
	var c struct{ ID int64 }
	r.json(t, &c)
	var view struct {
		Case struct{ Description string }
	}
	e.must(200, e.call(o.A.EHT, "GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), nil)).json(t, &view)
	if view.Case.Description != "Elev \u202Eevil\u202C A\u0301\u0301 \uFFFD\uFFFD slut" {
		t.Fatalf("odd unicode came back as %q", view.Case.Description)
	}
	// A NUL byte in every other kind of text field is refused the same way.
	id, _ := e.caseAt(own, stageReported)
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{"POST", path + "/contacts", map[string]any{"contacted_on": todayOf(e), "method": "phone", "note": "a\x00b"}},
		{"POST", path + "/assessment", map[string]any{"decision": "started", "reasons": "a\x00bcd", "version": e.mxVersion(id)}},
		{"POST", path + "/legal-hold", map[string]any{"hold": true, "reason": "a\x00bcd"}},
		{"POST", "/api/v1/signals", map[string]any{"student_id": e.student(own), "reason": "a\x00bcdef"}},
		{"GET", "/api/v1/students?q=a%00b", nil},
		{"GET", "/api/v1/students?q=%ff%fe", nil},
	} {
		user := o.A.Rektor
		r := e.call(user, call.method, call.path, call.body)
		if r.Status != 422 {
			t.Errorf("%s %s with a NUL byte: %d, want 422: %s", call.method, call.path, r.Status, clipBody(r.Body))
		}
	}
	if n := e.scalar(`SELECT count(*) FROM guardian_contacts`); n != 0 {
		t.Fatalf("%d contacts saved from refused requests", n)
	}
}

func open2(student int64, domains int) map[string]any {
	d := make([]string, domains)
	for i := range d {
		d[i] = "safe"
	}
	return map[string]any{"student_id": student, "description": "Tillräckligt lång", "concern_domains": d}
}

// A spreadsheet never runs a formula from the access-log CSV: a name that starts like one is
// defused.
func TestAccessLogCSVDefusesFormulas(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	var u struct{ ID int64 }
	e.must(201, e.call(o.A.Admin, "POST", "/api/v1/users", map[string]any{"username": "formel", "display_name": `=HYPERLINK("http://x","klicka")`,
		"role": "eht", "school_ids": []int64{o.SchoolA}, "password": "ett-långt-lösenord"})).json(t, &u)
	e.must(200, e.call(u.ID, "GET", fmt.Sprintf("/api/v1/students/%d", o.StudentA), nil))
	r := e.must(200, e.call(o.A.Rektor, "GET", fmt.Sprintf("/api/v1/students/%d/access-log.csv", o.StudentA), nil))
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("CSV answered as %q", ct)
	}
	if !strings.Contains(string(r.Body), `'=HYPERLINK`) || strings.Contains(string(r.Body), ";=HYPERLINK") {
		t.Fatalf("formula not defused: %s", r.Body)
	}
}

// Header and log injection: a hostile X-Request-ID is replaced, and a username with a line
// break cannot forge a log line.
func TestHeaderAndLogInjection(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	e := newEnvLogging(t, &logs)
	for _, id := range []string{"ok id with spaces", strings.Repeat("x", 65), "tab\there"} {
		r := e.call(e.org.A.EHT, "GET", "/api/v1/me", nil, "X-Request-ID", id)
		if got := r.Header.Get("X-Request-ID"); got == id || len(got) != 16 {
			t.Errorf("request id %q echoed as %q, want a fresh one", id, got)
		}
	}
	r := e.call(e.org.A.EHT, "GET", "/api/v1/me", nil, "X-Request-ID", "klient-123")
	if r.Header.Get("X-Request-ID") != "klient-123" {
		t.Errorf("a well-formed request id was not kept: %q", r.Header.Get("X-Request-ID"))
	}
	// CR/LF in a header cannot be sent by a well-behaved client; sent raw, the server refuses it.
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: a\rInjected: yes\r\n\r\n")
	buf := make([]byte, 512)
	n, _ := conn.Read(buf)
	conn.Close()
	if strings.Contains(string(buf[:n]), "Injected") || !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 400") {
		t.Errorf("a bare CR in a header: %q", buf[:n])
	}
	// A forged log line in the username at sign-in stays inside one quoted value.
	forged := "nobody\nlevel=ERROR msg=\"forged entry\" user_id=1"
	res, err := http.PostForm(e.srv.URL+"/login", url.Values{"username": {forged}, "password": {"fel"}})
	if err == nil {
		res.Body.Close()
	}
	e.call(e.org.A.EHT, "POST", "/api/v1/cases", `{"description":"x\nlevel=ERROR msg=forged","concern_domains":["x\nlevel=ERROR msg=forged"]}`)
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.HasPrefix(line, "level=ERROR msg=") && strings.Contains(line, "forged") {
			t.Fatalf("a forged log line: %q", line)
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newEnvLogging is newEnv with every log line (debug and up) written to w.
func newEnvLogging(t *testing.T, w io.Writer) *env {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.New(t)
	org := pgtest.NewOrg(t, db)
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	s, err := web.New(web.Deps{Config: cfg, Store: store, Log: slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, srv: ts, web: s, store: store, org: org, tokens: map[int64]string{}}
}

// FuzzOpenCaseBody sends arbitrary bodies to POST /cases: whatever arrives, the answer is a
// JSON 2xx or 4xx, never a 5xx.
func FuzzOpenCaseBody(f *testing.F) {
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		f.Fatal(err)
	}
	db := pgtest.New(f)
	org := pgtest.NewOrg(f, db)
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	s, err := web.New(web.Deps{Config: cfg, Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	token := "nrv_fuzz_token"
	if _, err := db.Exec(`INSERT INTO api_tokens (user_id, name, token_hash, created_by) VALUES ($1, 'fuzz', sha256($2::bytea), $1)`, org.A.Rektor, token); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		fmt.Sprintf(`{"student_id":%d,"description":"Frånvaro under flera veckor.","concern_domains":["safe"]}`, org.StudentA),
		fmt.Sprintf(`{"student_id":%d,"description":"Skyddad identitet, rektor öppnar.","concern_domains":["safe","included"],"first_contacts":"x"}`, org.ProtectedA),
		fmt.Sprintf(`{"student_id":%d,"description":"Annan skola","concern_domains":["safe"]}`, org.StudentB),
		`{"student_id":-1,"description":"","concern_domains":[]}`, `{"signal_id":0}`, `{}`, `[]`, `null`, ``, `{"student_id":"1"}`,
		`{"student_id":1,"description":"\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000","concern_domains":["safe"]}`,
		`{"student_id":1,"description":"'; DROP TABLE cases; --","concern_domains":["<script>"]}`,
		`{"student_id":1e400}`, `{"a":` + strings.Repeat("[", 5000),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequestWithContext(context.Background(), "POST", "/api/v1/cases", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.String())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer %d is not JSON: %q", rec.Code, rec.Body.String())
		}
		// Keep the student free for the next input: a created case is closed at once.
		if rec.Code == 201 {
			if _, err := db.Exec(`UPDATE cases SET status = 'closed' WHERE status <> 'closed'`); err != nil {
				t.Fatal(err)
			}
		}
	})
}
