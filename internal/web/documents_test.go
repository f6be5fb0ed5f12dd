package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pgtest"
)

// docCase is a case at school A whose investigation has started (notice to the huvudman sent
// by the rektor), on a fixed clock.
func (e *env) docCase() int64 {
	e.t.Helper()
	ctx := context.Background()
	e.store.Now = func() time.Time { return time.Date(2026, 9, 15, 8, 0, 0, 0, time.UTC) }
	eht, rektor := pgtest.Actor(e.t, e.store.DB, e.org.A.EHT), pgtest.Actor(e.t, e.store.DB, e.org.A.Rektor)
	id, _, err := e.store.OpenCase(ctx, eht, cases.OpenInput{StudentID: e.org.StudentA, Description: "Upprepad frånvaro på måndagar sedan augusti.",
		ConcernDomains: []string{"safe"}}, "")
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.Assess(ctx, rektor, id, cases.AssessInput{Decision: "started", Reasons: "Tydligt mönster av frånvaro.", Version: 1}); err != nil {
		e.t.Fatal(err)
	}
	v, err := e.store.GetCase(ctx, rektor, id)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.SendNotice(ctx, rektor, v.Notices[0].ID); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// A sent notice is issued on its first download and every later download returns the same
// bytes, whose SHA-256 the list and the headers give; a correction is version 2 and version 1
// stays downloadable. Each download is in the audit log.
func TestDocumentsAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.docCase()
	rektor := e.org.A.Rektor
	base := fmt.Sprintf("/api/v1/cases/%d/documents", id)

	var list []struct {
		Kind, Status, SHA256 string
		Version              int
		Secret               bool
	}
	e.must(200, e.call(rektor, "GET", base, nil)).json(t, &list)
	status := map[string]string{}
	for _, d := range list {
		status[d.Kind] = d.Status
	}
	if status["notice_huvudman"] != "final" || status["assessment_decision"] != "final" || status["investigation_report"] != "draft" {
		t.Fatalf("list before any download = %+v", list)
	}

	first := e.must(200, e.call(rektor, "GET", base+"/notice_huvudman", nil))
	if ct := first.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(string(first.Body), "%PDF-") {
		t.Fatalf("content type %q, body starts %q", ct, first.Body[:min(8, len(first.Body))])
	}
	if first.Header.Get("X-Document-Status") != "issued" || first.Header.Get("X-Document-Version") != "1" ||
		first.Header.Get("X-Document-SHA256") != sha(first.Body) {
		t.Fatalf("headers %v do not describe the issued bytes", first.Header)
	}
	second := e.must(200, e.call(e.org.A.Admin, "GET", base+"/notice_huvudman", nil))
	if string(second.Body) != string(first.Body) {
		t.Fatal("the administrator's download differs from the rektor's")
	}
	e.must(200, e.call(rektor, "GET", base, nil)).json(t, &list)
	for _, d := range list {
		if d.Kind == "notice_huvudman" && (d.Status != "issued" || d.SHA256 != sha(first.Body) || d.Version != 1) {
			t.Fatalf("listed notice = %+v, want issued version 1 with the downloaded bytes' hash", d)
		}
	}

	draft := e.must(200, e.call(rektor, "GET", base+"/investigation_report", nil))
	if draft.Header.Get("X-Document-Status") != "draft" || !strings.Contains(draft.Header.Get("Content-Disposition"), "utkast") {
		t.Fatalf("investigation report while investigating: %v, want a draft", draft.Header)
	}

	e.must(403, e.call(e.org.A.EHT, "POST", base+"/notice_huvudman/reissue", nil))
	e.must(409, e.call(rektor, "POST", base+"/investigation_report/reissue", nil))
	var v2 struct {
		Version    int
		Supersedes *int64
		SHA256     string
	}
	e.must(201, e.call(rektor, "POST", base+"/notice_huvudman/reissue", nil)).json(t, &v2)
	if v2.Version != 2 || v2.Supersedes == nil {
		t.Fatalf("reissue = %+v, want version 2 superseding version 1", v2)
	}
	latest := e.must(200, e.call(rektor, "GET", base+"/notice_huvudman", nil))
	if latest.Header.Get("X-Document-Version") != "2" || sha(latest.Body) != v2.SHA256 {
		t.Fatal("the latest download is not version 2")
	}
	old := e.must(200, e.call(rektor, "GET", base+"/notice_huvudman?version=1", nil))
	if string(old.Body) != string(first.Body) {
		t.Fatal("version 1 changed after the correction")
	}
	e.must(404, e.call(rektor, "GET", base+"/notice_huvudman?version=7", nil))
	e.must(422, e.call(rektor, "GET", base+"/notice_huvudman?version=nej", nil))

	var audited int
	if err := e.store.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'download' AND entity = 'document'
		AND (detail->>'case_id')::bigint = $1 AND detail ? 'kind' AND detail ? 'version'`, id); err != nil {
		t.Fatal(err)
	}
	if audited != 5 {
		t.Fatalf("%d audited downloads, want 5", audited)
	}
}

// Secret documents go to the case's people only; notices also to the administrator and the
// mentor; another school's staff are told the case does not exist.
func TestDocumentAccessOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.docCase()
	base := fmt.Sprintf("/api/v1/cases/%d/documents", id)
	for _, tc := range []struct {
		user   int64
		path   string
		status int
	}{
		{e.org.A.Admin, "/notice_huvudman", 200},
		{e.org.A.Admin, "/investigation_report", 403},
		{e.org.A.Admin, "/assessment_decision", 403},
		{e.org.A.Mentor, "/notice_huvudman", 200},
		{e.org.A.Mentor, "/investigation_report", 403},
		{e.org.A.EHT2, "/investigation_report", 200},
		{e.org.B.Rektor, "/notice_huvudman", 404},
		{e.org.B.Admin, "/notice_huvudman", 404},
		{e.org.B.Rektor, "", 404},
		{e.org.A.Rektor, "/no_such_kind", 404},
		{e.org.A.Rektor, "/remedy_plan", 404},
		{0, "/notice_huvudman", 401},
	} {
		if r := e.call(tc.user, "GET", base+tc.path, nil); r.Status != tc.status {
			t.Errorf("user %d GET %s: %d, want %d: %s", tc.user, tc.path, r.Status, tc.status, r.Body)
		}
	}
	e.must(404, e.call(e.org.A.Rektor, "GET", "/api/v1/cases/x/documents/notice_huvudman", nil))
}

// The web pages link to /cases/:id/documents/:kind: signed-out people sign in first and come
// back; signed in, the PDF is served; a case at another school is not found.
func TestDocumentPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.docCase()
	path := fmt.Sprintf("/cases/%d/documents/notice_huvudman", id)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) (*http.Response, []byte) {
		t.Helper()
		res, err := hc.Get(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, _ := get(path)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(path) {
		t.Fatalf("signed out: %d to %q, want a redirect to sign in and back", res.StatusCode, res.Header.Get("Location"))
	}
	signIn := func(username string) {
		res, err := hc.PostForm(e.srv.URL+"/login", url.Values{"username": {username}, "password": {pgtest.Password}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as %s: %d", username, res.StatusCode)
		}
	}
	signIn("rektor.a")
	res, body := get(path)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-") {
		t.Fatalf("signed in: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	api := e.must(200, e.call(e.org.A.Rektor, "GET", fmt.Sprintf("/api/v1/cases/%d/documents/notice_huvudman", id), nil))
	if string(api.Body) != string(body) {
		t.Fatal("the page and the API serve different bytes for the issued notice")
	}
	if res, _ := get(fmt.Sprintf("/cases/%d/documents/investigation_report", id)); res.StatusCode != 200 {
		t.Fatalf("the rektor's draft report: %d", res.StatusCode)
	}

	jar2, _ := cookiejar.New(nil)
	hc.Jar = jar2
	signIn("mentor.a")
	if res, body := get(fmt.Sprintf("/cases/%d/documents/investigation_report", id)); res.StatusCode != 403 || !strings.Contains(string(body), "behörighet") {
		t.Fatalf("mentor's investigation report page: %d %s", res.StatusCode, body)
	}
	jar3, _ := cookiejar.New(nil)
	hc.Jar = jar3
	signIn("rektor.b")
	if res, _ := get(path); res.StatusCode != 404 {
		t.Fatalf("another school's rektor: %d, want 404", res.StatusCode)
	}
}

// The access-log extract as PDF: for the administrator and the rektor, not for the mentor.
func TestAccessLogPDFOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.docCase()
	path := fmt.Sprintf("/api/v1/students/%d/access-log.pdf", e.org.StudentA)
	r := e.must(200, e.call(e.org.A.Admin, "GET", path+"?from=2020-01-01", nil))
	if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.Body), "%PDF-") {
		t.Fatalf("access-log extract: %s", r.Header.Get("Content-Type"))
	}
	e.must(200, e.call(e.org.A.Rektor, "GET", path, nil))
	e.must(403, e.call(e.org.A.Mentor, "GET", path, nil))
	e.must(404, e.call(e.org.B.Admin, "GET", path, nil))
	e.must(422, e.call(e.org.A.Admin, "GET", path+"?from=igår", nil))
}
