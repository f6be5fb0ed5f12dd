package web

import (
	"io/fs"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pelletier/go-toml/v2"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/templates"
)

// validFS is the shipped templates with some files replaced, so each case breaks one thing.
func validFS(t *testing.T, replace map[string]string, remove ...string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, s := range replace {
		m[p] = &fstest.MapFile{Data: []byte(s)}
	}
	for _, p := range remove {
		delete(m, p)
	}
	return m
}

func TestBrokenTemplateSetStopsStartUp(t *testing.T) {
	t.Parallel()
	if _, err := newUI(nil, validFS(t, nil)); err != nil {
		t.Fatalf("the shipped templates: %v", err)
	}
	tests := []struct {
		name    string
		replace map[string]string
		remove  []string
		want    string
	}{
		{"syntax error in a page", map[string]string{"pages/case.html": `{{define "title"}}x{{end}}{{define "content"}}{{if .D}}{{end}}`}, nil,
			`page "case" (pages/case.html)`},
		{"unknown function", map[string]string{"pages/home.html": `{{define "title"}}x{{end}}{{define "content"}}{{nosuchfunc}}{{end}}`}, nil,
			`function "nosuchfunc" not defined`},
		{"page without content", map[string]string{"pages/student.html": `{{define "title"}}x{{end}}`}, nil,
			`page "student" (pages/student.html): no {{define "content"}}`},
		{"missing page", nil, []string{"pages/wheel.html"}, "template pages/wheel.html is missing"},
		{"broken partial", map[string]string{"partials/fields.html": `{{define "input"}}{{range}}{{end}}`}, nil, "template set for page"},
		{"missing message file", nil, []string{"i18n/en.toml"}, "i18n/en.toml"},
		{"unreadable message file", map[string]string{"i18n/sv.toml": "this is = = not toml"}, nil, "i18n/sv.toml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newUI(nil, validFS(t, tc.replace, tc.remove...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func readCatalog(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(templates.FS, "i18n/"+lang+".toml")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := toml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

var (
	staticKey  = regexp.MustCompile(`\.T "([a-z0-9_]+)"`)
	fieldLabel = regexp.MustCompile(`\(fld [^)]*?"[^"]+" "([a-z0-9_]+)"`)
	fieldHint  = regexp.MustCompile(`"hint=([a-z0-9_]+)"`)
	goKey      = regexp.MustCompile(`(?:p|P)\.T\("([a-z0-9_]+)"|flashKey\(c, "[a-z]+", "([a-z_]+)"\)|"(flash_[a-z_]+|admin_[a-z]+|deadline_[a-z]+)"`)
)

// Every text the pages ask for exists in both languages, and the two catalogues have the same keys.
func TestCataloguesAreCompleteInBothLanguages(t *testing.T) {
	t.Parallel()
	sv, en := readCatalog(t, "sv"), readCatalog(t, "en")
	for k := range sv {
		if en[k] == "" {
			t.Errorf("%q is in sv.toml but not en.toml", k)
		}
	}
	for k := range en {
		if sv[k] == "" {
			t.Errorf("%q is in en.toml but not sv.toml", k)
		}
	}
	used := map[string]bool{}
	_ = fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, _ error) error {
		if d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		b, _ := fs.ReadFile(templates.FS, p)
		for _, re := range []*regexp.Regexp{staticKey, fieldLabel, fieldHint} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = true
			}
		}
		return nil
	})
	// Keys built from a prefix and a value: every value the domain knows.
	dynamic := map[string][]string{
		"status_short_": statusStrings(), "plan_status_": {"draft", "submitted", "approved", "returned", "rejected", "superseded"},
		"occasion_": {"report", "investigation", "followup", "closure"}, "kind_": {"strength", "concern"},
		"level_": {"school", "home", "external"}, "result_": {"improved", "unchanged", "worse"},
		"method_": {"phone", "meeting", "email", "letter", "other"}, "closure_": {"attendance_restored", "moved", "other"},
		"consult_": {"held", "not_possible", "none"}, "decision_": {"approve", "return", "reject"},
		"assessment_": {"started", "not_needed"}, "home_lead_": {"mentor", "eht", "rektor", "admin"},
		"task_":          {"assess", "decide", "send_notice", "investigation_due", "followup_due", "receive_notice", "signal", "overdue_notice"},
		"signal_status_": {"open", "dismissed", "case_opened"}, "signal_source_": {"detection", "manual"},
		"ssn_": {"true", "false", "unknown"}, "change_": {"better", "worse", "mixed"},
		"error_title_": {"400", "401", "403", "404", "409", "422", "500", "503"},
		"event_":       {"opened", "investigation_saved", "wheel_assessment", "followup", "contact", "notice_sent"},
		"doc_": {"notice_huvudman", "notice_home_municipality", "assessment_decision", "investigation_report", "remedy_plan",
			"followup_record", "closure_decision", "case_file", "evidence_chronology"},
	}
	for prefix, values := range dynamic {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	var missing []string
	for k := range used {
		if sv[k] == "" {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("texts used by the pages but missing from the catalogues: %v", missing)
	}
}

func statusStrings() []string {
	var out []string
	for _, s := range cases.Statuses {
		out = append(out, string(s))
	}
	return out
}

func TestSwedishAndEnglishFormats(t *testing.T) {
	t.Parallel()
	d := narvaro.NewDate(2026, 11, 23)
	tests := []struct{ got, want string }{
		{formatDate("sv", d), "2026-11-23"},
		{formatDate("en", d), "23 Nov 2026"},
		{formatPercent("sv", 18.5), "18,5\u00a0%"},
		{formatPercent("en", 18.5), "18.5%"},
		{formatNumber("sv", -2.25, 1), "−2,2"},
		{formatPercent("sv", 100), "100,0\u00a0%"},
		{weekLabel("sv", "2026-W08"), "v. 8"},
		{weekLabel("en", "2026-W38"), "W38"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestSafeNextKeepsPeopleOnThisSite(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/cases/4?tab=plan":      "/cases/4?tab=plan",
		"":                       "/",
		"https://evil.example/":  "/",
		"//evil.example":         "/",
		"/\\evil.example":        "/",
		"javascript:alert(1)":    "/",
		"/login?next=/x":         "/",
		"/lang?to=en":            "/",
		"/ok\r\nSet-Cookie: x=1": "/",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormDecodingReportsUnreadableFields(t *testing.T) {
	t.Parallel()
	var in cases.CloseInput
	vals := url.Values{"reason": {"other"}, "attendance_percent": {"92,5 %"}, "version": {"x"}}
	problems := decodeForm(vals, &in, "")
	if in.AttendancePercent == nil || *in.AttendancePercent != 92.5 {
		t.Fatalf("attendance %v, want 92.5 from a Swedish decimal comma", in.AttendancePercent)
	}
	if len(problems) != 1 || problems[0].Field != "version" {
		t.Fatalf("problems %+v, want one for version", problems)
	}
	var c cases.ContactInput
	problems = decodeForm(url.Values{"contacted_on": {"23/11/2026"}, "method": {"phone"}}, &c, "")
	if len(problems) != 1 || problems[0].Field != "contacted_on" || !strings.Contains(problems[0].Message.SV, "ÅÅÅÅ-MM-DD") {
		t.Fatalf("problems %+v, want a date message for contacted_on", problems)
	}
	var o cases.OpenInput
	decodeForm(url.Values{"signal_id": {""}, "concern_domains": {"safe", "", "included"}}, &o, "")
	if o.SignalID != nil || len(o.ConcernDomains) != 2 {
		t.Fatalf("signal %v domains %v: an empty optional id stays unset and empty boxes are dropped", o.SignalID, o.ConcernDomains)
	}
}
