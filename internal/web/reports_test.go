package web_test

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/narvaro/narvaro/internal/postgres"
)

const autumnQuery = "from=2026-08-17&to=2026-12-18"

// reportData gives school A twelve more students, six of them flagged in the autumn term, and two
// cases (one with a sent notice to the huvudman); school A2, a second school of huvudman A, gets
// a case with a sent notice too. It returns the notices' ids and A2's rektor.
func reportData(t *testing.T, e *env) (noticeA, noticeA2, rektorA2 int64) {
	t.Helper()
	e.store.Now = func() time.Time { return time.Date(2026, 12, 20, 12, 0, 0, 0, postgres.Stockholm()) }
	db := e.store.DB
	id := func(q string, args ...any) int64 {
		t.Helper()
		var v int64
		if err := db.Get(&v, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	o := e.org
	exec(`INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade)
		SELECT $1, '20140101-' || lpad(g::text, 4, '0'), 'Elev', 'Nummer ' || g, '1999', 'gr', 6 FROM generate_series(1, 12) g`, o.SchoolA)
	exec(`INSERT INTO signals (student_id, school_id, source, explanation, created_at)
		SELECT id, school_id, 'detection', 'Hög frånvaro', '2026-09-14 08:00 Europe/Stockholm' FROM students
		WHERE school_id = $1 AND last_name LIKE 'Nummer %' ORDER BY id LIMIT 6`, o.SchoolA)
	newCase := func(school, student int64, number string) int64 {
		c := id(`INSERT INTO cases (case_number, huvudman_id, school_id, student_id, status, description, concern_domains, opened_by, opened_at,
			assessment, assessed_at, investigation_started_at, investigation_due)
			VALUES ($1, $2, $3, $4, 'investigating', 'Hemlig beskrivning', '{safe}', $5, '2026-09-15 12:00 Europe/Stockholm',
			'started', '2026-09-16 12:00 Europe/Stockholm', '2026-09-16 12:00 Europe/Stockholm', '2026-10-07') RETURNING id`,
			number, o.HuvudmanA, school, student, o.A.EHT)
		return c
	}
	notice := func(c int64) int64 {
		return id(`INSERT INTO notices (case_id, kind, recipient, due_on, sent_at) VALUES ($1, 'investigation_started', 'Testkommun BUN', '2026-09-21', '2026-09-18 12:00 Europe/Stockholm') RETURNING id`, c)
	}
	noticeA = notice(newCase(o.SchoolA, o.StudentA, "BUN 2026/0001"))
	newCase(o.SchoolA, o.ProtectedA, "BUN 2026/0002")
	schoolA2 := id(`INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code) VALUES ($1, 'Gammaskolan', '10000003', '1999') RETURNING id`, o.HuvudmanA)
	rektorA2 = id(`INSERT INTO users (username, display_name, role, password_hash)
		SELECT 'rektor.a2', 'Rektor Gamma', 'rektor', password_hash FROM users WHERE id = $1 RETURNING id`, o.A.Rektor)
	exec(`INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)`, rektorA2, schoolA2)
	studentA2 := id(`INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade)
		VALUES ($1, '20140202-0001', 'Gamma', 'Elev', '1999', 'gr', 6) RETURNING id`, schoolA2)
	noticeA2 = notice(newCase(schoolA2, studentA2, "BUN 2026/0003"))
	return noticeA, noticeA2, rektorA2
}

// The JSON report is published: small counts are "< 5" with no number, larger ones are shown.
func TestPeriodReportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reportData(t, e)
	admin := e.org.A.Admin
	var r struct {
		Huvudman      string
		SuppressBelow int `json:"suppress_below"`
		Students      struct {
			N    *int
			Text string
		}
		Flagged struct {
			N    *int
			Text string
		} `json:"flagged_students"`
		Cases struct {
			Opened struct {
				N          *int
				Text       string
				Suppressed bool
			}
		}
		Schools []struct{ Name string }
	}
	e.must(200, e.call(admin, "GET", "/api/v1/reports/period?"+autumnQuery, nil)).json(t, &r)
	// 14 students at A (2 + 12) and 1 at A2; 6 flagged; 3 cases opened, below the threshold of 5.
	if r.Huvudman != "Testkommun BUN" || r.SuppressBelow != 5 || r.Students.Text != "15" || *r.Students.N != 15 || r.Flagged.Text != "6" {
		t.Errorf("report = %+v", r)
	}
	if o := r.Cases.Opened; o.N != nil || o.Text != "< 5" || !o.Suppressed {
		t.Errorf("3 opened cases published as %+v", o)
	}
	if len(r.Schools) != 2 {
		t.Errorf("schools = %+v", r.Schools)
	}
	var audited int
	e.store.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'period_report' AND actor_id = $1`, admin)
	if audited != 1 {
		t.Errorf("%d export rows in the audit log, want 1", audited)
	}

	for _, tc := range []struct {
		name   string
		user   int64
		query  string
		status int
		field  string
	}{
		{"a rektor", e.org.A.Rektor, autumnQuery, 403, ""},
		{"a mentor", e.org.A.Mentor, autumnQuery, 403, ""},
		{"signed out", 0, autumnQuery, 401, ""},
		{"another huvudman's school", admin, autumnQuery + fmt.Sprintf("&school_id=%d", e.org.SchoolB), 404, ""},
		{"no start", admin, "to=2026-12-18", 422, "from"},
		{"a date written the wrong way", admin, "from=17/08/2026&to=2026-12-18", 422, "from"},
		{"reversed", admin, "from=2026-12-18&to=2026-08-17", 422, "to"},
		{"too many weeks", admin, autumnQuery + "&weeks=20", 422, "weeks"},
	} {
		res := e.call(tc.user, "GET", "/api/v1/reports/period?"+tc.query, nil)
		if res.Status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, res.Status, tc.status, res.Body)
			continue
		}
		if tc.field != "" {
			if _, ok := res.errorFields(t)[tc.field]; !ok {
				t.Errorf("%s: no message for field %q: %s", tc.name, tc.field, res.Body)
			}
		}
	}
}

// The CSV opens in Excel with Swedish characters: a byte-order mark, semicolons, the columns.
func TestPeriodReportCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reportData(t, e)
	res := e.must(200, e.call(e.org.A.Admin, "GET", "/api/v1/reports/period.csv?"+autumnQuery, nil))
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="periodrapport-2026-08-17-2026-12-18.csv"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	body := res.Body
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) || !utf8.Valid(body) {
		t.Fatalf("not UTF-8 with a byte-order mark: %q", body[:min(len(body), 20)])
	}
	lines := strings.Split(string(body[3:]), "\r\n")
	if lines[0] != "Avsnitt;Indelning;Mått;Värde;Enhet" {
		t.Errorf("header = %q", lines[0])
	}
	for _, want := range []string{
		"Rapport;;Huvudman;Testkommun BUN;",
		"Signaler;Totalt;Flaggade elever;6;antal",
		"Ärenden;Totalt;Öppnade;< 5;antal",
		"Område i hjulet;Trygg;Ärenden med oro;< 5;antal",
		// One student at Gammaskolan is hidden; 15 in total minus Alfaskolan's 14 would give it
		// away, so Alfaskolan's count is hidden too.
		"Skolenhet;Gammaskolan (10000003);Inskrivna elever;< 5;antal",
		"Skolenhet;Alfaskolan (10000001);Inskrivna elever;..;antal",
		"Elever;Totalt;Inskrivna elever;15;antal",
	} {
		if !strings.Contains(string(body), want+"\r\n") {
			t.Errorf("the CSV lacks the line %q", want)
		}
	}
	if strings.Contains(string(body), "Hemlig") || strings.Contains(string(body), "Åsa") {
		t.Error("the CSV carries a name or free text from a case")
	}
}

// The PDF's text, read back with pdftotext, has the headline figures and "< 5".
func TestPeriodReportPDF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reportData(t, e)
	res := e.must(200, e.call(e.org.A.Admin, "GET", "/api/v1/reports/period.pdf?"+autumnQuery, nil))
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
		t.Fatalf("Content-Type %q, body %q", ct, res.Body[:min(len(res.Body), 8)])
	}
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is required in CI (apt-get install -y poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, res.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`\s+`).ReplaceAllString(string(out), " ")
	for _, want := range []string{"Periodrapport – elevers frånvaro", "Testkommun BUN", "Skollagen (2010:800) 7 kap. 19 a §",
		"Test admin.a", "2026-08-17 – 2026-12-18", "Inskrivna elever", "15", "Flaggade elever (signal i perioden)", "6",
		"visas som ”< 5”", "Fungerar åtgärderna?"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
}

// A round through the API: the administrator starts it, the schools answer their own notices,
// the administrator confirms; nobody else may do those steps.
func TestFollowUpRoundAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	noticeA, noticeA2, rektorA2 := reportData(t, e)
	o := e.org
	admin := o.A.Admin
	e.must(403, e.call(o.A.Rektor, "POST", "/api/v1/rounds", map[string]any{"name": "Höst 2026", "due_on": "2027-01-15"}))
	e.must(422, e.call(admin, "POST", "/api/v1/rounds", map[string]any{"name": "Höst 2026"}))
	var created struct{ ID int64 }
	e.must(201, e.call(admin, "POST", "/api/v1/rounds", map[string]any{"name": "Höst 2026", "due_on": "2027-01-15"})).json(t, &created)
	path := fmt.Sprintf("/api/v1/rounds/%d", created.ID)

	answer := func(notice int64) map[string]any {
		return map[string]any{"answers": []map[string]any{{"notice_id": notice, "absence_continues": false, "can_close": true, "comment": "Närvaron är återställd."}}}
	}
	e.must(404, e.call(o.A.Rektor, "POST", path+"/answers", answer(noticeA2))) // school A answering for A2
	e.must(404, e.call(rektorA2, "POST", path+"/answers", answer(noticeA)))    // and the other way round
	e.must(404, e.call(o.B.Rektor, "POST", path+"/answers", answer(noticeA)))  // another huvudman
	e.must(404, e.call(o.B.Admin, "GET", path, nil))
	e.must(403, e.call(o.A.Mentor, "POST", path+"/answers", answer(noticeA)))
	bad := e.must(422, e.call(o.A.Rektor, "POST", path+"/answers", map[string]any{"answers": []map[string]any{{"notice_id": noticeA, "absence_continues": true}}}))
	if _, ok := bad.errorFields(t)["answers[0].can_close"]; !ok {
		t.Errorf("no message for the missing can_close: %s", bad.Body)
	}
	e.must(200, e.call(o.A.Rektor, "POST", path+"/answers", answer(noticeA)))
	e.must(403, e.call(o.A.Rektor, "POST", path+"/confirm", map[string]any{"notice_ids": []int64{noticeA}}))
	e.must(409, e.call(admin, "POST", path+"/confirm", map[string]any{"notice_ids": []int64{noticeA2}})) // not answered yet
	e.must(200, e.call(admin, "POST", path+"/confirm", map[string]any{"notice_ids": []int64{noticeA}}))

	var v postgres.RoundView
	e.must(200, e.call(admin, "GET", path, nil)).json(t, &v)
	if v.Items != 2 || v.Answered != 1 || v.Confirmed != 1 {
		t.Errorf("round = %+v", v.Round)
	}
	var school postgres.RoundView
	e.must(200, e.call(rektorA2, "GET", path, nil)).json(t, &school)
	if school.Items != 1 || len(school.Sections) == 0 || len(school.Sections[0].Items) != 1 || school.Sections[0].Items[0].NoticeID != noticeA2 {
		t.Errorf("school A2 sees %+v", school)
	}
	var list []postgres.Round
	e.must(200, e.call(rektorA2, "GET", "/api/v1/rounds", nil)).json(t, &list)
	if len(list) != 1 || list[0].Items != 1 {
		t.Errorf("school A2's rounds = %+v", list)
	}
	e.must(200, e.call(o.B.Admin, "GET", "/api/v1/rounds", nil)).json(t, &list)
	if len(list) != 0 {
		t.Errorf("huvudman B sees %+v", list)
	}
}

// The administrator's report page shows the published figures with inline SVG charts and links
// the same report as CSV and PDF; it is the administrators' page only.
func TestReportPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reportData(t, e)
	admin := e.uiClient().signIn("admin.a")
	expectPage(t, admin.get("/reports"), 200, "Rapporter och statistik", `name="from"`, `name="school_id"`, "Alfaskolan", "Gammaskolan")
	r := admin.get("/reports?" + autumnQuery)
	expectPage(t, r, 200, "Sammanfattning", "Flaggade elever (signal i perioden)", "&lt; 5", "<svg", "Utveckling per månad",
		"Fungerar åtgärderna?", `href="/api/v1/reports/period.csv?from=2026-08-17&amp;to=2026-12-18"`,
		`href="/api/v1/reports/period.pdf?from=2026-08-17&amp;to=2026-12-18"`)
	if strings.Contains(r.Body, "Hemlig beskrivning") || strings.Contains(r.Body, "Åsa") {
		t.Error("the report page shows free text or a name from a case")
	}
	// The download links work with the browser session.
	if res := admin.get("/api/v1/reports/period.csv?" + autumnQuery); res.Status != 200 || !strings.HasPrefix(res.Body, "\ufeffAvsnitt;") {
		t.Errorf("CSV over the session: %d %.40q", res.Status, res.Body)
	}
	expectPage(t, admin.get("/reports?from=2026-12-18&to=2026-08-17"), 422, "Periodens sista dag ligger före den första.")
	expectPage(t, e.uiClient().signIn("rektor.a").get("/reports"), 403)
}

// A round through the pages: the administrator starts it, a school answers, the administrator
// confirms.
func TestRoundPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	noticeA, noticeA2, _ := reportData(t, e)
	admin := e.uiClient().signIn("admin.a")
	expectPage(t, admin.post("/rounds", url.Values{"name": {""}, "due_on": {"2027-01-15"}}), 422, "Ge omgången ett namn")
	r := admin.follow(admin.post("/rounds", url.Values{"name": {"Höst 2026"}, "due_on": {"2027-01-15"}}))
	expectPage(t, r, 200, "Höst 2026", "Omgången är startad.", "BUN 2026/0001", "BUN 2026/0003", "Ej besvarad")
	roundPath := regexp.MustCompile(`action="(/rounds/\d+)/confirm"`).FindStringSubmatch(r.Body)
	if roundPath == nil {
		t.Fatalf("no confirm form: %s", pageExcerpt(r.Body))
	}
	path := roundPath[1]

	rektor := e.uiClient().signIn("rektor.a")
	page := rektor.get(path)
	expectPage(t, page, 200, "BUN 2026/0001", fmt.Sprintf(`name="close_%d"`, noticeA))
	if strings.Contains(page.Body, "BUN 2026/0003") {
		t.Error("school A sees school A2's notice")
	}
	n := strconv.FormatInt(noticeA, 10)
	r = rektor.follow(rektor.post(path+"/answers", url.Values{"notice": {n}, "absence_" + n: {"no"}, "close_" + n: {"yes"}, "comment_" + n: {"Närvaron är god."}}))
	expectPage(t, r, 200, "Svaren är sparade.")
	// Answering for another school's notice is refused as if it did not exist.
	m := strconv.FormatInt(noticeA2, 10)
	expectPage(t, rektor.post(path+"/answers", url.Values{"notice": {m}, "absence_" + m: {"no"}, "close_" + m: {"yes"}}), 404)

	r = admin.follow(admin.post(path+"/confirm", url.Values{"notice": {n}}))
	expectPage(t, r, 200, "Avsluten är bekräftade.", "Bekräftad av Test admin.a", "Närvaron är god.")
	expectPage(t, admin.get("/rounds"), 200, "Höst 2026")
}
