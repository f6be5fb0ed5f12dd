package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/pgtest"
)

// uiSection is the part of a page from the heading with the id to the end of its section.
func uiSection(body, headingID string) string {
	i := strings.Index(body, `id="`+headingID+`"`)
	if i < 0 {
		return ""
	}
	body = body[i:]
	if j := strings.Index(body, "</section>"); j >= 0 {
		body = body[:j]
	}
	return body
}

// auditRead records that a user read a student's record, as the store does.
func (e *env) auditRead(user, student, school int64, entity string) {
	e.t.Helper()
	err := e.store.DB.Audit(context.Background(), pgtest.Actor(e.t, e.store.DB, user),
		audit.Entry{Action: audit.Read, Entity: entity, EntityID: student, StudentID: student, SchoolID: school})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestAuditViewerFiltersPagesAndStaysInTheHuvudman(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	e.auditRead(o.A.EHT, o.StudentA, o.SchoolA, "student")
	e.auditRead(o.B.EHT, o.StudentB, o.SchoolB, "student")
	e.uiClient().signIn("eht.b")
	e.uiClient().signIn("admin.b")
	b := e.uiClient().signIn("admin.a")

	rows := func(path string) string {
		t.Helper()
		r := b.get(path)
		expectPage(t, r, 200)
		return uiSection(r.Body, "h-audit-rows")
	}
	all := rows("/admin/audit")
	for _, want := range []string{"Test eht.a", "Test admin.a", "Läste", "Loggade in", uiPath(`href="/students/%d/access-log"`, o.StudentA)} {
		if !strings.Contains(all, want) {
			t.Errorf("the log lacks %q: %s", want, pageExcerpt(all))
		}
	}
	for _, other := range []string{"Test eht.b", "Test admin.b", "Łukasz", uiPath("/students/%d/", o.StudentB)} {
		if strings.Contains(all, other) {
			t.Errorf("the log shows another huvudman's %q", other)
		}
	}

	tests := []struct {
		name, query string
		want, not   []string
	}{
		{"actor", uiPath("actor=%d", o.A.EHT), []string{"Test eht.a", "Läste"}, []string{"Test admin.a"}},
		{"action", "action=sign_in", []string{"Loggade in", "Test admin.a"}, []string{"Läste"}},
		{"entity", "entity=student", []string{"student #"}, []string{"Loggade in"}},
		{"student", uiPath("student_id=%d", o.StudentA), []string{"Test eht.a"}, []string{"Test admin.a"}},
		{"another huvudman's student", uiPath("student_id=%d", o.StudentB), []string{"Inga händelser matchar filtren."}, []string{"Läste"}},
		{"period without rows", "from=2020-01-01&to=2020-01-31", []string{"Inga händelser matchar filtren."}, []string{"Test eht.a"}},
		{"period with the rows", "from=" + e.store.Now().Format("2006-01-02"), []string{"Test eht.a"}, nil},
		{"a limit in the address is the page's own", "limit=99999", []string{"Test eht.a"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rows("/admin/audit?" + tc.query)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q: %s", w, pageExcerpt(got))
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("shows %q: %s", n, pageExcerpt(got))
				}
			}
		})
	}

	// Bad filters are shown at their fields, with the input kept.
	r := b.get("/admin/audit?from=2026-11-30&to=2026-11-01")
	expectPage(t, r, http.StatusUnprocessableEntity, `value="2026-11-30"`)
	if got := nearID(r.Body, "audit-to-err", 80); !strings.Contains(got, "Slutdatumet ligger före startdatumet.") {
		t.Errorf("period message: %q", got)
	}
	r = b.get("/admin/audit?from=23/11/2026&student_id=x")
	expectPage(t, r, http.StatusUnprocessableEntity, `value="23/11/2026"`)
	if nearID(r.Body, "audit-from-err", 80) == "" || !strings.Contains(nearID(r.Body, "audit-student_id-err", 80), "Ange ett heltal.") {
		t.Errorf("field messages missing: %s", pageExcerpt(r.Body))
	}

	// Paging: 60 rows are 50 on the first page and 10 on the second.
	ctx := context.Background()
	eht := pgtest.Actor(t, e.store.DB, o.A.EHT)
	for i := range 60 {
		if err := e.store.DB.Audit(ctx, eht, audit.Entry{Action: audit.Read, Entity: "paging_test", EntityID: int64(i + 1), SchoolID: o.SchoolA}); err != nil {
			t.Fatal(err)
		}
	}
	first := b.get("/admin/audit?entity=paging_test")
	page1 := uiSection(first.Body, "h-audit-rows")
	if n := strings.Count(page1, "<td>paging_test #"); n != 50 || !strings.Contains(first.Body, `href="/admin/audit?entity=paging_test&amp;page=2"`) ||
		strings.Contains(first.Body, `id="audit-prev"`) || !strings.Contains(page1, "paging_test #60<") {
		t.Fatalf("page 1: %d rows: %s", n, pageExcerpt(page1))
	}
	second := b.get("/admin/audit?entity=paging_test&page=2")
	page2 := uiSection(second.Body, "h-audit-rows")
	if n := strings.Count(page2, "<td>paging_test #"); n != 10 || strings.Contains(second.Body, `id="audit-next"`) ||
		!strings.Contains(second.Body, `id="audit-prev"`) || !strings.Contains(page2, "paging_test #1<") || !strings.Contains(page2, "Sida 2") {
		t.Fatalf("page 2: %d rows: %s", n, pageExcerpt(page2))
	}

	// Every view of the log is itself in the log, with its filters.
	var searches int
	if err := e.store.DB.Get(&searches, `SELECT count(*) FROM audit_log WHERE entity = 'audit_log' AND actor_id = $1 AND detail->>'entity' = 'paging_test'`, o.A.Admin); err != nil || searches != 2 {
		t.Fatalf("%d logged searches for paging_test (%v), want 2", searches, err)
	}
}

func TestAccessLogExtractPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	e.auditRead(o.A.EHT, o.StudentA, o.SchoolA, "student")
	path := uiPath("/students/%d/access-log", o.StudentA)

	// Reachable from the student page for administrators and rektorer only.
	for who, link := range map[string]bool{"admin.a": true, "rektor.a": true, "eht.a": false, "mentor.a": false} {
		r := e.uiClient().signIn(who).get(uiPath("/students/%d", o.StudentA))
		if got := strings.Contains(r.Body, `href="`+path+`"`); got != link {
			t.Errorf("%s: link on the student page %v, want %v", who, got, link)
		}
	}

	b := e.uiClient().signIn("admin.a")
	r := b.get(path)
	expectPage(t, r, 200, "Åsa Öberg", "Alfaskolan", "Test eht.a", "Läste", "Elevhälsoteam",
		uiPath(`href="/api/v1/students/%d/access-log.csv"`, o.StudentA), uiPath(`href="/students/%d/access-log.pdf"`, o.StudentA))
	var made int
	if err := e.store.DB.Get(&made, `SELECT count(*) FROM audit_log WHERE entity = 'access_log' AND student_id = $1 AND actor_id = $2`, o.StudentA, o.A.Admin); err != nil || made != 1 {
		t.Fatalf("making the extract was logged %d times (%v), want 1", made, err)
	}
	csv := b.get(uiPath("/api/v1/students/%d/access-log.csv", o.StudentA))
	expectPage(t, csv, 200, "Test eht.a")
	if pdf := b.get(uiPath("/students/%d/access-log.pdf", o.StudentA)); pdf.Status != 200 || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Errorf("PDF download: %d", pdf.Status)
	}

	// A period narrows the extract and the downloads.
	r = b.get(path + "?from=2020-01-01&to=2020-01-31")
	expectPage(t, r, 200, "Ingen åtkomst under perioden.", uiPath(`href="/api/v1/students/%d/access-log.csv?from=2020-01-01&amp;to=2020-01-31"`, o.StudentA))
	r = b.get(path + "?from=2026-02-30")
	expectPage(t, r, http.StatusUnprocessableEntity, `value="2026-02-30"`)
	if nearID(r.Body, "access-from-err", 80) == "" {
		t.Errorf("no message at the date: %s", pageExcerpt(r.Body))
	}
	// The rektor of the school may take it out too, in English.
	expectPage(t, e.uiClient().signIn("rektor.a").setLang("en").get(path), 200, "Access-log extract", "Test eht.a", "Read")
}
