package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

func TestPagesNeedSignInAndReturnToTheSamePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient()
	r := b.get("/students?q=%C3%85sa")
	if r.Status != http.StatusSeeOther || r.Location != "/login?next="+url.QueryEscape("/students?q=%C3%85sa") {
		t.Fatalf("signed-out page: %d to %q, want the sign-in page with next", r.Status, r.Location)
	}
	expectPage(t, b.follow(r), 200, "Logga in för att fortsätta.", `name="next" value="/students?q=%C3%85sa"`)
	r = b.post("/login", url.Values{"username": {"eht.a"}, "password": {pgtest.Password}, "next": {"/students?q=%C3%85sa"}})
	if r.Status != http.StatusSeeOther || r.Location != "/students?q=%C3%85sa" {
		t.Fatalf("after sign-in: %d to %q", r.Status, r.Location)
	}
	expectPage(t, b.follow(r), 200, "Åsa Öberg")

	// Only relative paths on this site are places to return to.
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/login?next=/x"} {
		r := e.uiClient().post("/login", url.Values{"username": {"eht.a"}, "password": {pgtest.Password}, "next": {next}})
		if r.Location != "/" {
			t.Errorf("next %q sent the browser to %q, want /", next, r.Location)
		}
	}
	// Signing out ends the session.
	r = b.post("/logout", nil)
	expectPage(t, b.follow(r), 200, "Du är utloggad.")
	if r := b.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("after sign-out the start page answered %d", r.Status)
	}
}

func TestSignInRenewsTheSessionToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient()
	b.get("/") // the redirect to sign in leaves a message in a new session
	before := b.cookie("narvaro_session")
	if before == "" {
		t.Fatal("no session cookie before sign-in")
	}
	b.signIn("eht.a")
	after := b.cookie("narvaro_session")
	if after == "" || after == before {
		t.Fatalf("session token %q after sign-in, want a new one (was %q)", after, before)
	}
	// The token from before sign-in is worth nothing.
	planted := e.uiClient()
	u, _ := url.Parse(e.srv.URL)
	planted.jar.SetCookies(u, []*http.Cookie{{Name: "narvaro_session", Value: before, Path: "/"}})
	if r := planted.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("the pre-sign-in token opened the start page (%d)", r.Status)
	}
	expectPage(t, b.get("/"), 200, "Det här behöver dig nu")
}

func TestSignInLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient()
	after := e.web.ConfigForTest().Session.LockoutAfter
	for i := range after {
		r := b.post("/login", url.Values{"username": {"rektor.a"}, "password": {"fel-lösenord"}})
		expectPage(t, r, http.StatusUnauthorized, "Fel användarnamn eller lösenord.", `value="rektor.a"`)
		if strings.Contains(r.Body, "fel-lösenord") {
			t.Fatalf("attempt %d: the password was sent back in the page", i+1)
		}
	}
	r := b.post("/login", url.Values{"username": {"rektor.a"}, "password": {pgtest.Password}})
	expectPage(t, r, http.StatusUnauthorized, "För många misslyckade inloggningar. Kontot är låst i")
	if b.cookie("narvaro_session") != "" && b.get("/").Status == 200 {
		t.Fatal("a locked account was signed in")
	}
}

func TestCrossSiteFormPostIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient().signIn("eht.a")
	form := url.Values{"student_id": {strconv.FormatInt(e.org.StudentA, 10)}, "description": {"Frånvaro varje måndag sedan hösten."},
		"concern_domains": {"safe"}}
	r := b.post("/cases", form, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if r.Status != http.StatusForbidden {
		t.Fatalf("cross-site post answered %d, want 403", r.Status)
	}
	list, err := e.store.ListCases(context.Background(), pgtest.Actor(t, e.store.DB, e.org.A.EHT), postgres.CaseFilter{})
	if err != nil || len(list) != 0 {
		t.Fatalf("after a refused post: %d cases (%v), want none", len(list), err)
	}
	// The same form from the site itself works.
	r = b.post("/cases", form, "Origin", e.srv.URL, "Sec-Fetch-Site", "same-origin")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/cases/") {
		t.Fatalf("same-site post: %d to %q", r.Status, r.Location)
	}
}

func TestAnotherSchoolsRecordsAreNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	caseB := e.uiOpenCase(e.org.B.EHT, e.org.StudentB)
	for _, who := range []string{"eht.a", "rektor.a", "admin.a", "mentor.a"} {
		b := e.uiClient().signIn(who)
		for _, p := range []string{uiPath("/cases/%d", caseB), uiPath("/cases/%d/investigation", caseB), uiPath("/students/%d", e.org.StudentB),
			uiPath("/students/%d?show=pnr", e.org.StudentB), uiPath("/cases/new?student=%d", e.org.StudentB)} {
			expectPage(t, b.get(p), http.StatusNotFound, "Sidan finns inte")
		}
		r := b.post(uiPath("/cases/%d/assess", caseB), url.Values{"decision": {"started"}, "reasons": {"Skäl"}, "version": {"1"}})
		expectPage(t, r, http.StatusNotFound)
		r = b.post(uiPath("/cases/%d/escalations", caseB), url.Values{"kind": {"report_of_concern"}, "occurred_on": {"2026-10-01"}})
		expectPage(t, r, http.StatusNotFound)
	}
	if got := e.uiStatus(e.org.B.EHT, caseB); got != cases.Reported {
		t.Fatalf("school B's case changed to %s", got)
	}
	// The owner sees it.
	expectPage(t, e.uiClient().signIn("eht.b").get(uiPath("/cases/%d", caseB)), 200, "Łukasz Nguyễn")
}

func TestRejectedFormKeepsInputWithMessagesNextToFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	form := url.Values{"student_id": {strconv.FormatInt(e.org.StudentA, 10)}, "description": {"Kort <b>"},
		"first_contacts": {"Ringde mamma i måndags"}}
	tests := []struct {
		lang, description, domains string
	}{
		{"sv", "Skriv minst 10 tecken.", "Fältet måste fyllas i."},
		{"en", "Write at least 10 characters.", "This field is required."},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			b := e.uiClient().signIn("eht.a").setLang(tc.lang)
			r := b.post("/cases", form)
			expectPage(t, r, http.StatusUnprocessableEntity, "Kort &lt;b&gt;</textarea>", "Ringde mamma i måndags</textarea>")
			if got := nearID(r.Body, "open-description-err", 80); !strings.Contains(got, tc.description) {
				t.Errorf("description message %q, want %q", got, tc.description)
			}
			if got := nearID(r.Body, "open-concern_domains", 400); !strings.Contains(got, tc.domains) {
				t.Errorf("domains message near the checkboxes: %q, want %q", got, tc.domains)
			}
			// The API says the same for the same input.
			api := e.call(e.org.A.EHT, "POST", "/api/v1/cases?lang="+tc.lang, map[string]any{"student_id": e.org.StudentA, "description": "Kort <b>"},
				"Accept-Language", tc.lang)
			f := api.errorFields(t)
			if f["description"] != tc.description || f["concern_domains"] != tc.domains {
				t.Errorf("API messages %q / %q, page messages %q / %q", f["description"], f["concern_domains"], tc.description, tc.domains)
			}
		})
	}
}

func TestStaleFormShowsConflictAndKeepsInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.uiOpenCase(e.org.A.EHT, e.org.StudentA)
	b := e.uiClient().signIn("rektor.a")
	page := b.get(uiPath("/cases/%d", id))
	expectPage(t, page, 200, `name="version" value="1"`)
	// Somebody else changes the case meanwhile.
	e.uiStartInvestigation(e.org.A.Rektor, id)
	r := b.post(uiPath("/cases/%d/reopen", id), url.Values{"reason": {"Mitt skäl som inte får försvinna"}, "version": {"1"}})
	expectPage(t, r, http.StatusConflict)
	r = b.post(uiPath("/cases/%d/assess", id), url.Values{"decision": {"not_needed"}, "reasons": {"Mitt skäl som inte får försvinna"}, "version": {"1"}})
	// The assessment form is gone (the case moved on), so the conflict is a page message.
	if r.Status != http.StatusConflict {
		t.Fatalf("stale assessment answered %d", r.Status)
	}
	expectPage(t, r, http.StatusConflict, "Någon annan har ändrat ärendet medan du skrev", "Mitt skäl som inte får försvinna")
	if e.uiStatus(e.org.A.EHT, id) != cases.Investigating {
		t.Fatal("the stale form changed the case")
	}
}

func TestStartPageShowsWhatNeedsEachRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	o := e.org
	mentor := e.uiClient().signIn("mentor.a")
	expectPage(t, mentor.get("/"), 200, "Lyft en signal", "Åsa Öberg")
	r := mentor.post("/signals", url.Values{"student_id": {strconv.FormatInt(o.StudentA, 10)}, "reason": {"Kommer sent varje måndag"}, "back": {"/"}})
	expectPage(t, mentor.follow(r), 200, "Signalen är lyft", "Kommer sent varje måndag")
	// A reason that is too short is shown again with the message.
	r = mentor.post("/signals", url.Values{"student_id": {strconv.FormatInt(o.StudentA, 10)}, "reason": {"Sen"}, "back": {"/"}})
	expectPage(t, r, http.StatusUnprocessableEntity, "Skriv minst 5 tecken.", ">Sen</textarea>")

	eht := e.uiClient().signIn("eht.a")
	expectPage(t, eht.get("/"), 200, "Nya signaler", "Kommer sent varje måndag", "Öppna ärende")

	caseA := e.uiOpenCase(o.A.EHT, o.StudentA)
	e.uiStartInvestigation(o.A.Rektor, caseA)
	rektor := e.uiClient().signIn("rektor.a")
	home := rektor.get("/")
	expectPage(t, home, 200, "Beslut som väntar på dig", "Anmälningar att skicka", "Anmälan till huvudman om påbörjad utredning", "Markera som skickad")
	v, _ := e.store.GetCase(ctx, pgtest.Actor(t, e.store.DB, o.A.Rektor), caseA)
	notice := v.Notices[0].ID
	r = rektor.post(uiPath("/notices/%d/send", notice), url.Values{"back": {"/"}})
	expectPage(t, rektor.follow(r), 200, "Anmälan är markerad som skickad.")

	admin := e.uiClient().signIn("admin.a")
	home = admin.get("/")
	expectPage(t, home, 200, "Anmälningar att kvittera", "Ärenden per skola", "Alfaskolan", "Kvittera")
	r = admin.post(uiPath("/notices/%d/receive", notice), url.Values{"back": {"/"}})
	expectPage(t, admin.follow(r), 200, "Anmälan är kvitterad som mottagen.", "Inga nya anmälningar.")
}

func TestCasePageShowsWheelChildWordsAndTheRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	o := e.org
	id := e.uiOpenCase(o.A.EHT, o.StudentA)
	e.uiStartInvestigation(o.A.Rektor, id)
	eht := pgtest.Actor(t, e.store.DB, o.A.EHT)
	concern, strength := wheel.Concern, wheel.Strength
	record := func(on string, words string, ratings ...wheel.Rating) {
		t.Helper()
		d, _ := narvaro.ParseDate(on)
		_, err := e.store.RecordAssessment(ctx, eht, id, wheel.AtInvestigation, cases.AssessmentInput{AssessedOn: d,
			ChildParticipation: "separate_conversation", ChildWords: words, ChildViewNotFollowed: "Skolplikten gäller", Ratings: ratings}, e.uiVersion(o.A.EHT, id))
		if err != nil {
			t.Fatal(err)
		}
	}
	record("2026-10-01", "Först", wheel.Rating{Domain: "safe", Perspective: wheel.Child, Kind: &concern})
	record("2026-10-08", "Jag vill vara med mina kompisar men inte på rasten.",
		wheel.Rating{Domain: "safe", Perspective: wheel.Child, Kind: &strength, Note: "Rastvärd hjälper"},
		wheel.Rating{Domain: "active", Perspective: wheel.Professionals, Kind: &concern})

	b := e.uiClient().signIn("eht.a")
	r := b.get(uiPath("/cases/%d", id))
	expectPage(t, r, 200, "<svg", "Barnets bästa-hjulet", ">Trygg ▲</text>", "Aktiv ▼",
		`<blockquote id="child-words"><p>Jag vill vara med mina kompisar men inte på rasten.</p></blockquote>`,
		"Enskilt samtal", "Därför följdes inte barnets synpunkt", "Skolplikten gäller",
		"Trygg – Barnet: Styrka: Rastvärd hjälper", "Förändring från första till senaste bedömningen",
		"Utredningen klar", "Anmälan till huvudman om påbörjad utredning",
		uiPath(`href="/cases/%d/documents/notice_huvudman"`, id), uiPath(`href="/cases/%d/documents/case_file"`, id),
		"Utredning inledd", "Test rektor.a", "Öppna utredningen")

	// The mentor sees the case but not its secret parts.
	m := e.uiClient().signIn("mentor.a").get(uiPath("/cases/%d", id))
	expectPage(t, m, 200, "Sekretessbelagda delar visas bara", "Registrera eskalering eller orosanmälan")
	for _, secret := range []string{"Jag vill vara med", "Frånvaro på måndagar sedan september", "documents/case_file"} {
		if strings.Contains(m.Body, secret) {
			t.Errorf("the mentor's case page shows %q", secret)
		}
	}
	// English labels come from the configured wheel.
	expectPage(t, b.setLang("en").get(uiPath("/cases/%d", id)), 200, ">Safe ▲</text>", "The child&#39;s own words")
}

func TestStudentPageMasksPersonnummerAndDrawsTheAbsence(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	for i, d := range []string{"2026-09-07", "2026-09-08", "2026-09-14", "2026-09-15"} {
		if _, err := e.store.DB.Exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes)
			VALUES ($1, $2, 300, $3, $4)`, o.StudentA, d, 30*i, 15); err != nil {
			t.Fatal(err)
		}
	}
	b := e.uiClient().signIn("eht.a")
	r := b.get(uiPath("/students/%d", o.StudentA))
	var full string
	if err := e.store.DB.Get(&full, `SELECT personnummer FROM students WHERE id = $1`, o.StudentA); err != nil {
		t.Fatal(err)
	}
	expectPage(t, r, 200, full[:9]+"****", "Visa hela personnumret", "Frånvaro per vecka", "bar-invalid", "v. 37: 10,0\u00a0% frånvaro (5,0\u00a0% giltig, 5,0\u00a0% ogiltig)", "Förälder Öberg")
	if strings.Contains(r.Body, full) {
		t.Fatal("the full personnummer is shown by default")
	}
	r = b.get(uiPath("/students/%d?show=pnr", o.StudentA))
	expectPage(t, r, 200, full)
	var logged int
	if err := e.store.DB.Get(&logged, `SELECT count(*) FROM audit_log WHERE entity = 'personnummer' AND student_id = $1`, o.StudentA); err != nil || logged != 1 {
		t.Fatalf("showing the personnummer logged %d reads (%v), want 1", logged, err)
	}
	expectPage(t, b.setLang("en").get(uiPath("/students/%d", o.StudentA)), 200, "W37: 10.0% absence (5.0% valid, 5.0% invalid)")
	b.setLang("sv")

	// A signal is dismissed with a reason; a reason that is too short is asked for again.
	var signal int64
	if err := e.store.DB.Get(&signal, `INSERT INTO signals (student_id, school_id, source, explanation, absence_percent)
		VALUES ($1, $2, 'detection', '16 % frånvaro senaste 4 veckorna', 16) RETURNING id`, o.StudentA, o.SchoolA); err != nil {
		t.Fatal(err)
	}
	expectPage(t, b.get(uiPath("/students/%d", o.StudentA)), 200, "16,0\u00a0%", uiPath(`href="/cases/new?student=%d&amp;signal=%d"`, o.StudentA, signal))
	form := url.Values{"reason": {"ok"}, "version": {"1"}, "student_id": {strconv.FormatInt(o.StudentA, 10)}}
	r = b.post(uiPath("/signals/%d/dismiss", signal), form)
	expectPage(t, r, http.StatusUnprocessableEntity, "Skriv minst 3 tecken.", ">ok</textarea>")
	form.Set("reason", "Sjukdom med intyg; ingen oro")
	expectPage(t, b.follow(b.post(uiPath("/signals/%d/dismiss", signal), form)), 200, "Signalen är avfärdad.", "Avfärdad", "Sjukdom med intyg; ingen oro")
	// The mentor sees the student but may not dismiss signals.
	expectPage(t, e.uiClient().signIn("mentor.a").post(uiPath("/signals/%d/dismiss", signal), form), http.StatusForbidden)
	// Search finds the student by name.
	expectPage(t, b.get("/students?q=%C3%96berg"), 200, uiPath(`href="/students/%d"`, o.StudentA))
}

func TestWorkflowFormsCallTheStore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	eht := e.uiClient().signIn("eht.a")
	rektor := e.uiClient().signIn("rektor.a")
	id := e.uiOpenCase(o.A.EHT, o.StudentA)
	cp := uiPath("/cases/%d", id)
	ver := func() string { return strconv.Itoa(e.uiVersion(o.A.EHT, id)) }

	expectPage(t, rektor.follow(rektor.post(cp+"/assess", url.Values{"decision": {"started"}, "reasons": {"Tydligt mönster"}, "version": {ver()}})), 200, "Bedömningen är registrerad.")

	// Completing too early names what is missing, on the investigation page.
	r := eht.post(cp+"/investigation/complete", url.Values{"version": {ver()}})
	expectPage(t, r, http.StatusUnprocessableEntity, "Utredningen behöver en slutsats.", "Gör en bedömning i hjulet")

	inv := url.Values{"version": {ver()}, "conclusion": {"Otrygghet på rasterna"}, "student_view": {"Jag är rädd på rasten"},
		"consult_student": {"held"}, "consult_student_on": {"2026-10-06"}, "consult_guardians": {"held"}, "consult_guardians_on": {"2026-10-06"},
		"consult_eht": {"not_possible"}, "consult_eht_note": {""}}
	r = eht.post(cp+"/investigation", inv)
	expectPage(t, r, http.StatusUnprocessableEntity, "Ange skälet till att samråd inte var möjligt.", "Otrygghet på rasterna</textarea>")
	if got := nearID(r.Body, "investigation-consult_eht_note-err", 100); !strings.Contains(got, "Ange skälet") {
		t.Errorf("the consultation message is not next to its note: %q", got)
	}
	inv.Set("consult_eht_note", "Skriftligt samråd med skolsköterskan")
	expectPage(t, eht.follow(eht.post(cp+"/investigation", inv)), 200, "Utredningen är sparad.", "Skriftligt samråd med skolsköterskan</textarea>")
	// Completing without the wheel: the page says so and still shows what was saved.
	r = eht.post(cp+"/investigation/complete", url.Values{"version": {ver()}})
	expectPage(t, r, http.StatusUnprocessableEntity, "Gör en bedömning i hjulet", "Otrygghet på rasterna</textarea>")
	if strings.Contains(r.Body, "Utredningen behöver en slutsats.") {
		t.Error("the saved conclusion was not counted")
	}

	// The wheel grid: the child's view per domain.
	grid := url.Values{"version": {ver()}, "occasion": {"investigation"}, "assessed_on": {"2026-10-06"}, "child_participation": {"meeting"},
		"child_words": {"Jag vill vara med"}, "r.safe.child.kind": {"concern"}, "r.safe.child.rating": {"2"}, "r.safe.child.note": {"Rädd på rasten"},
		"r.active.child.kind": {"strength"}, "r.included.professionals.rating": {"9"}}
	r = eht.post(cp+"/wheel", grid)
	expectPage(t, r, http.StatusUnprocessableEntity, "Skattningen ska vara 1–5.", `value="Rädd på rasten"`)
	if got := nearID(r.Body, "wheel-r-included-professionals-rating", 700); !strings.Contains(got, "Skattningen ska vara 1–5.") {
		t.Errorf("the rating message is not at its cell: %q", got)
	}
	grid.Set("r.included.professionals.rating", "4")
	expectPage(t, eht.follow(eht.post(cp+"/wheel", grid)), 200, "Bedömningen i hjulet är sparad.")
	v, _ := e.store.GetCase(context.Background(), pgtest.Actor(t, e.store.DB, o.A.EHT), id)
	if n := len(v.Assessments); n != 1 || len(v.Assessments[0].Ratings) != 3 {
		t.Fatalf("assessments %+v, want one with three ratings", v.Assessments)
	}
	expectPage(t, eht.follow(eht.post(cp+"/investigation/complete", url.Values{"version": {ver()}})), 200, "Utredningen är slutförd.")

	// The plan: empty rows are ignored; errors about the second measure show at its row.
	plan := url.Values{"version": {ver()}, "rows": {"5"}, "summary": {"Trygghet"},
		"measures[1].description": {"Rastvärd möter eleven"}, "measures[1].domains": {"safe"}, "measures[1].level": {"school"},
		"measures[1].responsible": {"Rektor"}, "measures[1].start_date": {"2026-10-12"}, "measures[1].expected_effect": {"Trygg på rasten"},
		"measures[1].follow_up_date": {"2026-11-02"},
		"measures[3].description":    {"Morgonrutin"}, "measures[3].level": {"home"}}
	r = eht.post(cp+"/plan", plan)
	expectPage(t, r, http.StatusUnprocessableEntity, "Rastvärd möter eleven</textarea>", "Morgonrutin</textarea>")
	if got := nearID(r.Body, "plan-measures-3-responsible-err", 100); !strings.Contains(got, "Fältet måste fyllas i.") {
		t.Errorf("the third row's message is not at row 3: %q", got)
	}
	if got := nearID(r.Body, "plan-measures-1-responsible", 200); strings.Contains(got, "has-error") {
		t.Errorf("the complete row is marked wrong: %q", got)
	}
	for k, v := range map[string]string{"measures[3].domains": "nurtured", "measures[3].responsible": "Vårdnadshavare", "measures[3].start_date": "2026-10-12",
		"measures[3].expected_effect": "Kommer i tid", "measures[3].follow_up_date": "2026-11-02"} {
		plan.Set(k, v)
	}
	expectPage(t, eht.follow(eht.post(cp+"/plan", plan)), 200, "Åtgärdsplanen är lämnad till rektor för beslut.")

	r = rektor.post(cp+"/decision", url.Values{"decision": {"return"}, "version": {ver()}})
	expectPage(t, r, http.StatusUnprocessableEntity, "Skriv kommentarer till den som ska revidera planen.")
	expectPage(t, rektor.follow(rektor.post(cp+"/decision", url.Values{"decision": {"approve"}, "comment": {"Bra plan"}, "version": {ver()}})), 200,
		"Beslutet är registrerat.", "Fastställd", "Test rektor.a")

	v, _ = e.store.GetCase(context.Background(), pgtest.Actor(t, e.store.DB, o.A.EHT), id)
	today := e.store.Now().In(postgres.Stockholm()).Format("2006-01-02")
	fu := url.Values{"version": {ver()}, "held_on": {today}, "idem": {"fu-1"}}
	for i, m := range v.Plans[0].Measures {
		fu.Set(uiPath("results[%d].measure_id", i), strconv.FormatInt(m.ID, 10))
	}
	fu.Set("results[0].result", "improved")
	r = eht.post(cp+"/followup", fu)
	expectPage(t, r, http.StatusUnprocessableEntity, "Fältet måste fyllas i.")
	fu.Set("results[1].result", "unchanged")
	fu.Set("wheel.child_participation", "in_writing")
	fu.Set("wheel.child_words", "Det är bättre nu")
	fu.Set("wheel.r.safe.child.kind", "strength")
	expectPage(t, eht.follow(eht.post(cp+"/followup", fu)), 200, "Uppföljningen är registrerad.", "Det är bättre nu")
	// A resent follow-up form (same token) records it once.
	eht.post(cp+"/followup", fu)

	m := e.uiClient().signIn("mentor.a")
	expectPage(t, m.follow(m.post(cp+"/escalations", url.Values{"kind": {"report_of_concern"}, "occurred_on": {today}, "note": {"Oro för hemmet"},
		"idem": {"esc-1"}})), 200, "Eskaleringen är registrerad.")
	expectPage(t, eht.follow(eht.post(cp+"/contacts", url.Values{"contacted_on": {today}, "method": {"phone"}, "guardian": {"Mamma"}})), 200, "Kontakten är registrerad.")

	r = eht.post(cp+"/close", url.Values{"reason": {"other"}, "attendance_percent": {"92,5"}, "version": {ver()}})
	expectPage(t, r, http.StatusUnprocessableEntity, "Skriv barnets syn vid avslutet", "Beskriv skälet till avslutet.", `value="92,5"`)
	expectPage(t, eht.follow(eht.post(cp+"/close", url.Values{"reason": {"attendance_restored"}, "attendance_percent": {"92,5"},
		"child_view": {"Jag trivs i skolan igen"}, "version": {ver()}})), 200, "Ärendet är avslutat.", "92,5\u00a0%", "Jag trivs i skolan igen")
	expectPage(t, eht.follow(eht.post(cp+"/reopen", url.Values{"reason": {"Frånvaron ökar igen"}, "version": {ver()}})), 200, "Ärendet är återöppnat.")

	v, _ = e.store.GetCase(context.Background(), pgtest.Actor(t, e.store.DB, o.A.EHT), id)
	if len(v.FollowUps) != 1 || len(v.Escalations) != 1 || len(v.Contacts) != 1 || v.Case.Status != cases.Reported {
		t.Fatalf("after the forms: %d follow-ups, %d escalations, %d contacts, status %s", len(v.FollowUps), len(v.Escalations), len(v.Contacts), v.Case.Status)
	}
}

func TestLanguageSwitchRemembersEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient()
	expectPage(t, b.get("/login"), 200, `<html lang="sv">`, "Användarnamn", ">English</a>")
	r := b.get("/lang?to=en&next=%2Flogin")
	if r.Location != "/login" || b.cookie("lang") != "en" {
		t.Fatalf("switch: to %q, cookie %q", r.Location, b.cookie("lang"))
	}
	expectPage(t, b.get("/login"), 200, `<html lang="en">`, "Username", ">Svenska</a>")
	if r := b.get("/lang?to=en&next=https%3A%2F%2Fevil.example"); r.Location != "/" {
		t.Fatalf("the switch sent the browser to %q", r.Location)
	}
}

func TestStaticAssetsAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient()
	r := b.get("/static/style.css")
	expectPage(t, r, 200, ":focus-visible")
	res, err := http.Get(e.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, res.Header.Get(h), want)
		}
	}
	expectPage(t, b.get("/no/such/page"), http.StatusNotFound, "Sidan finns inte")
}
