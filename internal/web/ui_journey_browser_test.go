package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

// These tests drive the pages in a real headless Chromium: no script of ours runs in the page,
// so what passes here is what a person with a keyboard and a browser can do.

// chromiumPath finds the browser; without one the tests skip, except in CI where they fail.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed (make test installs it with scripts/ensure-tools.sh)")
	}
	t.Skip("Chromium is not installed; run `make tools` to install it")
	return ""
}

// startBrowser launches headless Chromium with the flags a closed network needs (otherwise it
// waits on connections it cannot make) and returns a context that owns the browser.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("force-color-profile", "srgb"),
		// Swedish, as at a Swedish school; English is chosen with the switch.
		chromedp.Flag("lang", "sv-SE"), chromedp.Flag("accept-lang", "sv-SE,sv"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// person is one user in their own browser context (own cookies), as on their own computer.
type person struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (e *env) person(browser context.Context) *person {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		e.t.Fatalf("open a browser context: %v", err)
	}
	return &person{t: e.t, ctx: ctx, base: e.srv.URL}
}

// stepTimeout bounds one step; generous, because make test runs every package at once.
const stepTimeout = 30 * time.Second

// do runs actions with a time limit, failing the test with what the page showed.
func (p *person) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		if dir := os.Getenv("BROWSER_FAILURE_DIR"); dir != "" {
			sctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
			if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err == nil {
				_ = os.WriteFile(filepath.Join(dir, "failure.png"), png, 0o644)
			}
			cancel()
		}
		p.t.Fatalf("%s: %v\nat %s, page: %s", what, err, p.location(), p.mainText())
	}
}

func (p *person) mainText() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return pageSpaces.ReplaceAllString(s, " ")
}

func (p *person) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path), loaded)
}

func (p *person) signIn(username, password string) {
	p.t.Helper()
	p.open("/login")
	p.do("fill in "+username,
		chromedp.SetValue(chromedp.ID("login-username"), username),
		chromedp.SetValue(chromedp.ID("login-password"), password))
	p.goTo("sign in as "+username, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)), "header form[action='/logout']")
}

// markStale tags the current document, so a wait can tell the next page from this one.
var markStale = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := chromedp.Evaluate[bool](`document.body.dataset.stale = "1", true`)(ctx, t)
	return err
})

// loaded waits until the page has its stylesheet and layout, so a click lands where it aims.
var loaded = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := chromedp.Poll[bool](`document.readyState === "complete"`)(ctx, t)
	return err
})

// goTo clicks (or submits) and waits until the next page shows the selector.
func (p *person) goTo(what string, click chromedp.Action[chromedp.Void], waitCSS string) {
	p.t.Helper()
	p.do(what, markStale, click, chromedp.WaitVisible(chromedp.CSS("body:not([data-stale]) "+waitCSS)), loaded)
}

// submit clicks a button and waits for the success message on the page it leads to.
func (p *person) submit(what, button string) {
	p.t.Helper()
	p.goTo(what, chromedp.Click(chromedp.ID(button)), ".flash-ok")
}

func (p *person) sees(texts ...string) {
	p.t.Helper()
	body := p.mainText()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			p.t.Fatalf("the page lacks %q: %s", s, body)
		}
	}
}

func (p *person) location() string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, p.base)
}

// screenshot keeps a picture of the page; with UPDATE_SCREENSHOTS=1 it replaces the one in
// docs/screenshots (the README shows them).
func (p *person) screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := p.t.TempDir()
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			p.t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// seedAttendance gives the student ten weeks of daily attendance up to today, with absence
// that grows, so the chart and the signal have something to show.
func seedAttendance(t *testing.T, e *env, studentID int64) {
	t.Helper()
	today := time.Now().In(postgres.Stockholm())
	for d := today.AddDate(0, 0, -70); !d.After(today); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		n := int(today.Sub(d).Hours() / 24)
		valid, invalid := 0, 0
		if d.Weekday() == time.Monday {
			invalid = 300
		}
		if n < 21 && d.Weekday() == time.Tuesday {
			valid = 150
		}
		if _, err := e.store.DB.Exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes)
			VALUES ($1, $2, 300, $3, $4)`, studentID, d.Format("2006-01-02"), valid, invalid); err != nil {
			t.Fatal(err)
		}
	}
}

// The whole job in the browser: the EHT opens a case from a signal and investigates with the
// child's view in the wheel, the rektor starts the investigation, sends the notice and approves
// the plan, the EHT follows up and closes the case, and the administrator sees the notice.
func TestBrowserCaseJourney(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newEnv(t)
	o := e.org
	seedAttendance(t, e, o.StudentA)
	var signalID int64
	if err := e.store.DB.Get(&signalID, `INSERT INTO signals (student_id, school_id, source, rules, explanation, absence_percent)
		VALUES ($1, $2, 'detection', '{rolling_4w}', '18,5 % frånvaro senaste 4 veckorna, varav 12 procentenheter ogiltig; frånvaro varje måndag', 18.5)
		RETURNING id`, o.StudentA, o.SchoolA); err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(postgres.Stockholm()).Format("2006-01-02")
	in3weeks := time.Now().In(postgres.Stockholm()).AddDate(0, 0, 21).Format("2006-01-02")

	eht := e.person(browser)
	eht.signIn("eht.a", pgtest.Password)
	eht.sees("Nya signaler", "18,5\u00a0%", "frånvaro varje måndag")
	eht.screenshot("start-page")

	// Open a case from the signal.
	eht.goTo("open the report form", chromedp.Click(chromedp.ID(fmt.Sprintf("open-from-signal-%d", signalID))), "#open-description")
	eht.do("fill in the report",
		chromedp.SetValue(chromedp.ID("open-description"), "Frånvaro varje måndag sedan september och allt oftare på tisdagar."),
		chromedp.Click(chromedp.ID("open-concern_domains-safe")),
		chromedp.Click(chromedp.ID("open-concern_domains-included")),
		chromedp.SetValue(chromedp.ID("open-first_contacts"), "Mentor ringde vårdnadshavare."))
	eht.submit("report the case", "open-submit")
	eht.sees("Ärendet är anmält", "BUN ")
	casePath := eht.location()
	caseID, err := strconv.ParseInt(strings.TrimPrefix(casePath, "/cases/"), 10, 64)
	if err != nil {
		t.Fatalf("after opening the case the browser is at %q", casePath)
	}

	// The rektor starts the investigation and sends the notice to the huvudman.
	rektor := e.person(browser)
	rektor.signIn("rektor.a", pgtest.Password)
	rektor.sees("Beslut som väntar på dig", "Rektors bedömning")
	rektor.open(casePath)
	rektor.do("assess",
		chromedp.Click(chromedp.ID("assess-decision-started")),
		chromedp.SetValue(chromedp.ID("assess-reasons"), "Upprepad frånvaro som ökar; utredning behövs."))
	rektor.submit("start the investigation", "assess-submit")
	rektor.sees("Utredning pågår")
	rektor.open("/")
	rektor.goTo("mark the notice sent", chromedp.Click(chromedp.CSS(`button[id^="send-notice-"]`)), ".flash-ok")
	rektor.sees("Anmälan är markerad som skickad.")

	// The EHT member records the investigation, the child's view per domain, and completes it.
	eht.open(casePath + "/investigation")
	eht.do("fill in the investigation",
		chromedp.SetValue(chromedp.ID("investigation-absence_summary"), "18,5 % frånvaro senaste fyra veckorna, mest ogiltig på måndagar."),
		chromedp.SetValue(chromedp.ID("investigation-school_situation"), "Trivs med lärarna men är otrygg på rasterna."),
		chromedp.SetValue(chromedp.ID("investigation-student_view"), "Jag vill gå till skolan men inte vara ensam på rasten."),
		chromedp.SetValue(chromedp.ID("investigation-guardian_view"), "Vårdnadshavarna vill ha täta kontakter."),
		chromedp.SetValue(chromedp.ID("investigation-analysis"), "Otrygghet på rasterna utlöser frånvaron; ensamhet håller den kvar."),
		chromedp.SetValue(chromedp.ID("investigation-conclusion"), "Eleven behöver trygga raster och en vuxen att vända sig till."),
		chromedp.Click(chromedp.ID("investigation-consult_student-held")),
		chromedp.SetValue(chromedp.ID("investigation-consult_student_on"), today),
		chromedp.Click(chromedp.ID("investigation-consult_guardians-held")),
		chromedp.SetValue(chromedp.ID("investigation-consult_guardians_on"), today),
		chromedp.Click(chromedp.ID("investigation-consult_eht-not_possible")),
		chromedp.SetValue(chromedp.ID("investigation-consult_eht_note"), "Skolpsykologen sjukskriven; skolsköterskan samrådde skriftligt."))
	eht.screenshot("investigation-form")
	eht.submit("save the investigation", "investigation-save")

	eht.goTo("open the wheel", chromedp.Click(chromedp.ID("inv-wheel-link")), "#wheel-submit")
	eht.do("record the child's view per domain",
		chromedp.Click(chromedp.ID("wheel-child_participation-separate_conversation")),
		chromedp.SetValue(chromedp.ID("wheel-child_words"), "Jag vill vara med mina kompisar men inte stå ensam på rasten."),
		chromedp.Click(chromedp.ID("wheel-r-safe-child-kind-concern")),
		chromedp.SetValue(chromedp.ID("wheel-r-safe-child-note"), "Rädd på rasten"),
		chromedp.Click(chromedp.ID("wheel-r-included-child-kind-concern")),
		chromedp.SetValue(chromedp.ID("wheel-r-included-child-rating"), "2"),
		chromedp.Click(chromedp.ID("wheel-r-active-child-kind-strength")),
		chromedp.SetValue(chromedp.ID("wheel-r-active-child-note"), "Spelar fotboll"),
		chromedp.Click(chromedp.ID("wheel-r-nurtured-guardian1-kind-strength")),
		chromedp.Click(chromedp.ID("wheel-r-achieving-professionals-kind-strength")),
		chromedp.Click(chromedp.ID("wheel-r-safe-professionals-kind-concern")))
	eht.submit("save the wheel", "wheel-submit")
	eht.submit("complete the investigation", "investigation-save-complete")
	eht.sees("Utredningen är slutförd", "Jag vill vara med mina kompisar men inte stå ensam på rasten.")

	// The remedy plan: two measures, each under its domains.
	eht.goTo("open the plan form", chromedp.Click(chromedp.ID("plan-link")), "#plan-submit")
	eht.do("write two measures",
		chromedp.SetValue(chromedp.ID("plan-summary"), "Trygga raster och en vuxen att vända sig till."),
		chromedp.SetValue(chromedp.ID("plan-measures-0-description"), "Rastvärd möter eleven vid varje rast."),
		chromedp.Click(chromedp.ID("plan-measures-0-domains-safe")),
		chromedp.Click(chromedp.ID("plan-measures-0-domains-included")),
		chromedp.SetValue(chromedp.ID("plan-measures-0-level"), "school"),
		chromedp.SetValue(chromedp.ID("plan-measures-0-responsible"), "Rektor"),
		chromedp.SetValue(chromedp.ID("plan-measures-0-start_date"), today),
		chromedp.SetValue(chromedp.ID("plan-measures-0-follow_up_date"), in3weeks),
		chromedp.SetValue(chromedp.ID("plan-measures-0-expected_effect"), "Eleven känner sig trygg på rasterna."),
		chromedp.SetValue(chromedp.ID("plan-measures-1-description"), "Morgonsamtal med mentor varje måndag."),
		chromedp.Click(chromedp.ID("plan-measures-1-domains-nurtured")),
		chromedp.SetValue(chromedp.ID("plan-measures-1-level"), "school"),
		chromedp.SetValue(chromedp.ID("plan-measures-1-responsible"), "Mentor"),
		chromedp.SetValue(chromedp.ID("plan-measures-1-start_date"), today),
		chromedp.SetValue(chromedp.ID("plan-measures-1-follow_up_date"), in3weeks),
		chromedp.SetValue(chromedp.ID("plan-measures-1-expected_effect"), "Eleven kommer till skolan på måndagar."))
	eht.submit("submit the plan", "plan-submit")
	eht.sees("Åtgärdsplanen är lämnad till rektor")

	// The rektor approves it.
	rektor.open(casePath)
	rektor.do("approve", chromedp.Click(chromedp.ID("decide-decision-approve")),
		chromedp.SetValue(chromedp.ID("decide-comment"), "Planen fastställs."))
	rektor.submit("decide", "decide-submit")
	rektor.sees("Fastställd", "Test rektor.a")

	// The EHT member follows up (with a new look at the wheel) and closes the case.
	eht.open(casePath)
	eht.goTo("open the follow-up", chromedp.Click(chromedp.ID("followup-link")), "#followup-submit")
	eht.do("record results",
		chromedp.Click(chromedp.ID("followup-results-0-result-improved")),
		chromedp.Click(chromedp.ID("followup-results-1-result-unchanged")),
		chromedp.SetValue(chromedp.ID("followup-comment"), "Rasterna fungerar bättre."),
		chromedp.Click(chromedp.CSS("#followup-form details > summary")),
		chromedp.Click(chromedp.ID("followup-wheel-child_participation-meeting")),
		chromedp.SetValue(chromedp.ID("followup-wheel-child_words"), "Det är bättre nu när någon möter mig på rasten."),
		chromedp.Click(chromedp.ID("followup-wheel-r-safe-child-kind-strength")),
		chromedp.Click(chromedp.ID("followup-wheel-r-included-child-kind-concern")),
		chromedp.Click(chromedp.ID("followup-wheel-r-active-child-kind-strength")))
	eht.submit("record the follow-up", "followup-submit")
	eht.sees("Uppföljningen är registrerad", "Förbättrat", "Det är bättre nu när någon möter mig på rasten.", "Förändring från första till senaste bedömningen")
	eht.screenshot("case-page")
	eht.do("close the case",
		chromedp.Click(chromedp.CSS("#close-details > summary")),
		chromedp.Click(chromedp.ID("close-reason-attendance_restored")),
		chromedp.SetValue(chromedp.ID("close-child_view"), "Jag trivs i skolan igen."))
	eht.submit("close", "close-submit")
	eht.sees("Ärendet är avslutat", "Avslutad", "Jag trivs i skolan igen.")

	eht.open(fmt.Sprintf("/students/%d", o.StudentA))
	eht.sees("Frånvaro per vecka", "Ärende öppnat")
	eht.screenshot("student-page")

	// The administrator sees the notice that the investigation started, and the closure notice.
	admin := e.person(browser)
	admin.signIn("admin.a", pgtest.Password)
	admin.sees("Anmälningar att kvittera", "Anmälan till huvudman om påbörjad utredning", "Ärenden per skola", "Alfaskolan")
	admin.goTo("acknowledge", chromedp.Click(chromedp.CSS(`button[id^="receive-notice-"]`)), ".flash-ok")
	admin.sees("Anmälan är kvitterad som mottagen.")

	// The administrator previews an attendance file and then sends it for import; it concerns
	// another huvudman's student, so both say so and nothing is saved. In a real browser the
	// choices arrive before the file, Preview is the form's own button and Import its formaction.
	file := filepath.Join(t.TempDir(), "september.csv")
	if err := os.WriteFile(file, []byte(attWeekdaysCSV(e.attPnr(o.StudentB), 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	admin.goTo("open the import page", chromedp.Click(chromedp.CSS(`a[href="/admin/import"]`)), "#import-file")
	choose := func() {
		admin.do("choose the file", chromedp.SetValue(chromedp.ID("import-layout"), "skola24-dag"), chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{file}))
	}
	choose()
	admin.goTo("preview the file", chromedp.Click(chromedp.ID("import-preview-button")), "#import-preview")
	admin.sees("Förhandsgranskningen har inte sparat något.", "finns inte bland huvudmannens elever", "Filen kan inte importeras som den är")
	admin.screenshot("import-preview")
	choose()
	admin.goTo("import it", chromedp.Click(chromedp.ID("import-commit-button")), "#import-rejected")
	admin.sees("Filen importerades inte (inget sparades)", "Avvisad – inget sparades")

	if got := e.uiStatus(o.A.EHT, caseID); got != "closed" {
		t.Fatalf("the case ended %s, want closed", got)
	}
}

func TestBrowserSignInLockoutAndEnglish(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newEnv(t)
	p := e.person(browser)
	p.open("/login")
	login := chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))
	for range e.web.ConfigForTest().Session.LockoutAfter {
		p.do("type a wrong password",
			chromedp.SetValue(chromedp.ID("login-username"), "mentor.a"),
			chromedp.SetValue(chromedp.ID("login-password"), "inte-rätt-lösenord"))
		p.goTo("sign in with it", login, "#login-errors")
		p.sees("Fel användarnamn eller lösenord.")
	}
	p.do("type the right password", chromedp.SetValue(chromedp.ID("login-password"), pgtest.Password))
	p.goTo("sign in after the lockout", login, "#login-errors")
	p.sees("För många misslyckade inloggningar")

	// English: the switch is a link, remembered in a cookie.
	en := e.person(browser)
	en.open("/login")
	en.goTo("switch language", chromedp.Click(chromedp.CSS("a.lang")), `#login-username`)
	en.do("English page", chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	en.sees("Sign in", "Username", "Password")
	en.signIn("eht.a", pgtest.Password)
	en.sees("What needs you now", "New signals", "My cases")
	en.open("/students")
	en.sees("Search for a student")
}
