package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pgtest"
)

// browser is a signed-in (or signed-out) person using the pages over plain HTTP: cookies are
// kept, redirects are not followed so tests can check them.
type uiClient struct {
	t   *testing.T
	e   *env
	hc  *http.Client
	jar *cookiejar.Jar
}

func (e *env) uiClient() *uiClient {
	jar, _ := cookiejar.New(nil)
	return &uiClient{t: e.t, e: e, jar: jar, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is one answer: status, body and where a redirect points.
type uiResp struct {
	Status   int
	Body     string
	Location string
}

func (b *uiClient) do(req *http.Request) uiResp {
	b.t.Helper()
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return uiResp{res.StatusCode, string(body), res.Header.Get("Location")}
}

func (b *uiClient) get(path string) uiResp {
	b.t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *uiClient) post(path string, form url.Values, headers ...string) uiResp {
	b.t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// follow loads the page a redirect points to.
func (b *uiClient) follow(r uiResp) uiResp {
	b.t.Helper()
	if r.Status != http.StatusSeeOther && r.Status != http.StatusFound {
		b.t.Fatalf("status %d, want a redirect: %s", r.Status, pageExcerpt(r.Body))
	}
	return b.get(r.Location)
}

func (b *uiClient) signIn(username string) *uiClient {
	b.t.Helper()
	r := b.post("/login", url.Values{"username": {username}, "password": {pgtest.Password}})
	if r.Status != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: status %d: %s", username, r.Status, pageExcerpt(r.Body))
	}
	return b
}

func (b *uiClient) cookie(name string) string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (b *uiClient) setLang(lang string) *uiClient {
	u, _ := url.Parse(b.e.srv.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
	return b
}

// expect checks the status and that the body contains each text (HTML-escaped as a page shows it).
func expectPage(t *testing.T, r uiResp, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, pageExcerpt(r.Body))
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Errorf("page lacks %q: %s", s, pageExcerpt(r.Body))
		}
	}
}

var pageSpaces = regexp.MustCompile(`\s+`)

func pageExcerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	s = pageSpaces.ReplaceAllString(s, " ")
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

// field returns the text after an element's id in the page, to check what is next to it.
func nearID(body, id string, n int) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := max(0, i-n)
	return body[j:min(len(body), i+n)]
}

// openCase opens a case for a student through the store, as the EHT member of school A.
func (e *env) uiOpenCase(user, student int64) int64 {
	e.t.Helper()
	id, _, err := e.store.OpenCase(context.Background(), pgtest.Actor(e.t, e.store.DB, user), cases.OpenInput{StudentID: student,
		Description: "Frånvaro på måndagar sedan september.", ConcernDomains: []string{"safe", "included"}}, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// startInvestigation has the rektor start the investigation.
func (e *env) uiStartInvestigation(rektor, id int64) {
	e.t.Helper()
	a := pgtest.Actor(e.t, e.store.DB, rektor)
	v, err := e.store.GetCase(context.Background(), a, id)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.Assess(context.Background(), a, id, cases.AssessInput{Decision: "started", Reasons: "Upprepad frånvaro", Version: v.Case.Version}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) uiVersion(user, id int64) int {
	e.t.Helper()
	v, err := e.store.GetCase(context.Background(), pgtest.Actor(e.t, e.store.DB, user), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return v.Case.Version
}

func (e *env) uiStatus(user, id int64) cases.Status {
	e.t.Helper()
	v, err := e.store.GetCase(context.Background(), pgtest.Actor(e.t, e.store.DB, user), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return v.Case.Status
}

func uiPath(format string, args ...any) string { return fmt.Sprintf(format, args...) }
