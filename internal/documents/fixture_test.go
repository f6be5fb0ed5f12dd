package documents_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/documents"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// world is a fresh database with the fixture organisation, a store on a clock the test moves,
// and the documents service over it.
type world struct {
	t     testing.TB
	ctx   context.Context
	store *postgres.Store
	org   *pgtest.Org
	svc   *documents.Service
	b     *documents.Builder
	clock time.Time
}

func newWorld(t testing.TB) *world {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.New(t)
	w := &world{t: t, ctx: context.Background(), org: pgtest.NewOrg(t, db)}
	w.store = postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	w.store.Now = func() time.Time { return w.clock }
	w.b = documents.NewBuilder(cfg)
	w.svc = documents.NewService(w.store, w.b)
	w.at("2026-09-14 08:30")
	return w
}

// at sets the store's clock to a Swedish local time.
func (w *world) at(local string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", local, postgres.Stockholm())
	if err != nil {
		w.t.Fatal(err)
	}
	w.clock = t
}

func (w *world) actor(id int64) *narvaro.Actor { return pgtest.Actor(w.t, w.store.DB, id) }

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) version(id int64) int {
	w.t.Helper()
	v, err := w.store.GetCase(w.ctx, w.actor(w.org.B.Rektor), id)
	w.must(err)
	return v.Case.Version
}

func day(s string) narvaro.Date { d, _ := narvaro.ParseDate(s); return d }
func ptr[T any](v T) *T         { return &v }

// attendance records school days from..to for the student: absence grows through September,
// falls after the plan is approved in October.
func (w *world) attendance(student int64, from, to string) {
	w.t.Helper()
	for d := day(from); !d.After(day(to).Time); d = d.AddDays(1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		valid, invalid := 0, 0
		switch {
		case d.Month() == time.September:
			valid, invalid = 30+(d.Day()%3)*20, (d.Day()%4)*30
		case d.Month() == time.October && d.Day() < 12:
			valid, invalid = 40, 30
		default:
			valid, invalid = (d.Day()%2)*20, 0
		}
		if _, err := w.store.DB.Exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes)
			VALUES ($1, $2, 300, $3, $4)`, student, d, valid, invalid); err != nil {
			w.t.Fatal(err)
		}
	}
}

// story is a whole case at the independent school B for Łukasz Nguyễn, from the report to
// closure: notices (the huvudman and the home municipality), an investigation with every
// section, the wheel with the child's words, a plan with measures in four domains, contacts,
// two follow-ups, a report of concern, evidence for an order under fine, and the closure.
type story struct {
	caseID                     int64
	noticeHuvudman, noticeHome int64
	followUps                  []int64
	plan                       int64
}

const (
	childWords      = "Jag vill gå till skolan men på rasterna är jag rädd. Det är bättre när jag får börja dagen i biblioteket."
	childWordsLater = "Det är lugnare nu, jag har en kompis att vara med på rasten."
	socialSecret    = "Familjen har nyligen flyttat och pappan arbetar på annan ort under veckorna."
	appendixSecret  = "Skolsköterskan har lämnat uppgifter som inte ska spridas utanför elevhälsan."
	concernNote     = "Oro för hemsituationen efter samtal med eleven."
)

func (w *world) story() story {
	w.t.Helper()
	ctx, o := w.ctx, w.org
	eht, rektor, mentor := w.actor(o.B.EHT), w.actor(o.B.Rektor), w.actor(o.B.Mentor)
	w.attendance(o.StudentB, "2026-08-17", "2026-11-27")
	var s story

	w.at("2026-09-14 08:30")
	id, _, err := w.store.OpenCase(ctx, eht, cases.OpenInput{StudentID: o.StudentB,
		Description:    "Upprepad frånvaro, främst måndagar och fredagar, sedan skolstarten i augusti. Eleven säger att rasterna är jobbiga.",
		ConcernDomains: []string{"safe", "included", "healthy"}, FirstContacts: "Mentor ringde vårdnadshavare 2026-09-10 och 2026-09-11."}, "")
	w.must(err)
	s.caseID = id
	w.must(w.contact(mentor, id, "2026-09-10", "phone", "Förälder Nguyễn", "Vårdnadshavaren berättar att eleven har ont i magen på morgnarna."))

	w.at("2026-09-15 10:00")
	w.must(w.store.Assess(ctx, rektor, id, cases.AssessInput{Decision: "started",
		Reasons: "Frånvaron är upprepad och ökande (över 20 % de senaste fyra veckorna). Eleven beskriver otrygghet på rasterna.", Version: w.version(id)}))
	v, err := w.store.GetCase(ctx, rektor, id)
	w.must(err)
	for _, n := range v.Notices {
		switch n.Kind {
		case cases.NoticeInvestigationStarted:
			s.noticeHuvudman = n.ID
		case cases.NoticeHomeMunicipality:
			s.noticeHome = n.ID
		}
	}
	w.at("2026-09-16 09:05")
	w.must(w.store.SendNotice(ctx, rektor, s.noticeHuvudman))
	w.must(w.store.SendNotice(ctx, rektor, s.noticeHome))

	w.at("2026-09-22 13:00")
	w.must(w.contact(eht, id, "2026-09-22", "meeting", "Förälder Nguyễn", "Möte på skolan om frånvaron och rasterna; vårdnadshavaren vill att skolan ser över rastsituationen."))
	w.at("2026-09-25 10:00")
	_, err = w.store.RecordAssessment(ctx, eht, id, wheel.AtInvestigation, cases.AssessmentInput{AssessedOn: day("2026-09-25"),
		ChildParticipation: "separate_conversation", ChildWords: childWords,
		Ratings: []wheel.Rating{
			{Domain: "safe", Perspective: wheel.Child, Kind: ptr(wheel.Concern), Rating: ptr(2), Note: "Rädd på rasterna"},
			{Domain: "safe", Perspective: wheel.Professionals, Kind: ptr(wheel.Concern), Note: "Konflikter på skolgården"},
			{Domain: "included", Perspective: wheel.Professionals, Kind: ptr(wheel.Concern), Note: "Ensam i klassen sedan klassbytet"},
			{Domain: "healthy", Perspective: wheel.Guardian1, Kind: ptr(wheel.Concern), Note: "Ont i magen på morgnarna"},
			{Domain: "active", Perspective: wheel.Child, Kind: ptr(wheel.Strength), Rating: ptr(5), Note: "Spelar fotboll två gånger i veckan"},
			{Domain: "nurtured", Perspective: wheel.Guardian1, Kind: ptr(wheel.Strength), Note: "Mormor hämtar varje dag"},
		}}, w.version(id))
	w.must(err)
	w.at("2026-09-28 15:00")
	w.must(w.store.SaveInvestigation(ctx, eht, id, cases.InvestigationInput{
		AbsenceSummary:       "Frånvaron har ökat från 8 % i augusti till 27 % i september, mest måndagar och fredagar. Ungefär en tredjedel är ogiltig.",
		EarlierMeasures:      "Mentor har haft kontakt med vårdnadshavare två gånger och eleven har fått börja dagen i biblioteket.",
		SchoolSituation:      "Eleven klarar skolarbetet men har tappat i matematik och svenska under september.",
		SocialSituation:      socialSecret,
		HealthConsidered:     true,
		StudentView:          "Eleven vill gå till skolan men är rädd på rasterna och har svårt att komma i gång på morgonen.",
		GuardianView:         "Vårdnadshavarna är oroliga och vill ha stöd kring morgonrutiner.",
		TriggeringFactors:    "Klassbytet i augusti och konflikter på skolgården.",
		MaintainingFactors:   "Oro inför rasterna; frånvaron gör det svårare att komma tillbaka.",
		Analysis:             "Frånvaron hänger samman med otrygghet i skolmiljön. Eleven har skyddsfaktorer i fritiden och familjen.",
		SpecialSupportNeeded: ptr(true), SpecialSupportNote: "Behov av särskilt stöd i matematik ska utredas.",
		CollaborationNeed: "Ingen samverkan med socialtjänsten eller BUP behövs i nuläget.",
		Conclusion:        "Skolan ska öka tryggheten på rasterna och stödja morgonrutinen tillsammans med vårdnadshavarna.",
		ConsultStudent:    ptr("held"), ConsultStudentOn: day("2026-09-25"), ConsultStudentNote: "Enskilt samtal med kurator",
		ConsultGuardians: ptr("held"), ConsultGuardiansOn: day("2026-09-22"),
		ConsultEHT: ptr("not_possible"), ConsultEHTNote: "Psykologen sjukskriven; skolsköterskan samrådde skriftligt",
		SecretAppendix: appendixSecret,
		Version:        w.version(id)}))
	w.at("2026-10-01 14:00")
	w.must(w.store.CompleteInvestigation(ctx, eht, id, w.version(id)))

	w.at("2026-10-02 09:00")
	plan := cases.PlanInput{Summary: "Trygghet på rasterna, en fast morgonrutin och stöd i matematik.", Measures: []cases.MeasureInput{
		{Description: "Rastvärd möter eleven vid varje rast och har särskild uppsikt i korridoren", Domains: []string{"safe"}, Level: "school",
			Responsible: "Rektor", StartDate: day("2026-10-05"), ExpectedEffect: "Eleven känner sig trygg på rasterna", FollowUpDate: day("2026-10-26")},
		{Description: "Organiserade rastaktiviteter två gånger i veckan", Domains: []string{"included", "active"}, Level: "school",
			Responsible: "Fritidspedagog", StartDate: day("2026-10-06"), ExpectedEffect: "Eleven har någon att vara med", FollowUpDate: day("2026-10-26")},
		{Description: "Morgonrutin med väckning och gemensam frukost", Domains: []string{"nurtured", "responsible"}, Level: "home",
			Responsible: "Vårdnadshavare", StartDate: day("2026-10-05"), ExpectedEffect: "Eleven kommer i tid", FollowUpDate: day("2026-10-26")},
		{Description: "Kontakt med vårdcentralen om magbesvären", Domains: []string{"healthy"}, Level: "external",
			Responsible: "Vårdnadshavare med stöd av skolsköterskan", StartDate: day("2026-10-12"), ExpectedEffect: "Besvären utreds", FollowUpDate: day("2026-11-16")},
	}, Version: w.version(id)}
	s.plan, err = w.store.SubmitPlan(ctx, eht, id, plan)
	w.must(err)
	w.at("2026-10-05 11:00")
	w.must(w.store.DecidePlan(ctx, rektor, id, cases.DecisionInput{Decision: "approve", Comment: "Planen godkänns. Följ upp rastsituationen särskilt.", Version: w.version(id)}))

	w.at("2026-10-12 16:00")
	w.must(w.contact(eht, id, "2026-10-12", "email", "Förälder Nguyễn", "Information om rastaktiviteterna skickad."))
	w.at("2026-10-20 12:00")
	_, _, err = w.store.Escalate(ctx, mentor, id, cases.EscalationInput{Kind: cases.ReportOfConcern, OccurredOn: day("2026-10-20"), Note: concernNote}, "")
	w.must(err)

	v, err = w.store.GetCase(ctx, rektor, id)
	w.must(err)
	var results []cases.MeasureResult
	for i, m := range v.Plans[len(v.Plans)-1].Measures {
		results = append(results, cases.MeasureResult{MeasureID: m.ID, Result: []string{"improved", "improved", "unchanged", "worse"}[i%4],
			Comment: fmt.Sprintf("Kommentar om åtgärd %d", i+1)})
	}
	for i, held := range []string{"2026-10-26", "2026-11-16"} {
		w.at(held + " 15:00")
		in := cases.FollowUpInput{HeldOn: day(held), NextDate: day(held).AddDays(21), Comment: "Närvaron har förbättrats sedan förra mötet.",
			Results: results, Version: w.version(id)}
		if i == 0 {
			in.Wheel = &cases.AssessmentInput{AssessedOn: day(held), ChildParticipation: "meeting", ChildWords: childWordsLater,
				Ratings: []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Kind: ptr(wheel.Strength), Note: "Tryggare med rastvärd"},
					{Domain: "active", Perspective: wheel.Child, Kind: ptr(wheel.Strength)}}}
		}
		fid, _, err := w.store.RecordFollowUp(ctx, eht, id, in, "")
		w.must(err)
		s.followUps = append(s.followUps, fid)
	}
	w.at("2026-11-20 10:00")
	_, _, err = w.store.Escalate(ctx, eht, id, cases.EscalationInput{Kind: cases.FineOrderEvidence, OccurredOn: day("2026-11-20"),
		Note: "Underlag lämnat till hemkommunen på begäran."}, "")
	w.must(err)
	w.at("2026-11-27 13:00")
	w.must(w.store.Close(ctx, eht, id, cases.CloseInput{Reason: "attendance_restored", Note: "Närvaron är över 95 % de senaste fyra veckorna.",
		ChildView: "Jag tycker om att gå till skolan igen.", Version: w.version(id)}))
	w.at("2026-11-30 09:00")
	return s
}

func (w *world) contact(a *narvaro.Actor, id int64, on, method, guardian, note string) error {
	_, err := w.store.RecordContact(w.ctx, a, id, cases.ContactInput{ContactedOn: day(on), Method: method, Guardian: guardian, Note: note})
	return err
}

// protectedCase opens and assesses a case for school A's student with protected identity.
func (w *world) protectedCase() int64 {
	w.t.Helper()
	rektor := w.actor(w.org.A.Rektor)
	w.at("2026-09-14 08:30")
	id, _, err := w.store.OpenCase(w.ctx, rektor, cases.OpenInput{StudentID: w.org.ProtectedA, Description: "Lång sammanhängande frånvaro sedan augusti.",
		ConcernDomains: []string{"safe"}}, "")
	w.must(err)
	w.at("2026-09-15 10:00")
	w.must(w.store.Assess(w.ctx, rektor, id, cases.AssessInput{Decision: "started", Reasons: "Två veckors sammanhängande frånvaro.", Version: 1}))
	return id
}
