package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// SeedCases walks a few cases through the real workflow, so the demo shows every status: one
// awaiting the rektor's assessment, one under investigation, one plan awaiting a decision, one
// with measures in progress and a follow-up, one closed, and one at the independent school that
// notifies the home municipality.
func SeedCases(ctx context.Context, s *postgres.Store) error {
	users := map[string]*narvaro.Actor{}
	for _, name := range []string{"eht.bjork", "rektor.bjork", "eht.glantan", "rektor.glantan", "mentor.bjork"} {
		var id int64
		if err := s.DB.GetContext(ctx, &id, `SELECT id FROM users WHERE username = $1`, name); err != nil {
			return fmt.Errorf("demo cases: user %s: %w", name, err)
		}
		a, err := s.DB.Actor(ctx, id)
		if err != nil {
			return err
		}
		a.IP, a.RequestID = "127.0.0.1", "seed-demo"
		users[name] = a
	}
	pick := func(school string, n int) ([]int64, error) {
		var ids []int64
		err := s.DB.SelectContext(ctx, &ids, `
			SELECT st.id FROM students st JOIN schools sc ON sc.id = st.school_id
			LEFT JOIN attendance_days d ON d.student_id = st.id AND d.day >= current_date - 28
			WHERE sc.name LIKE $1 || '%' AND NOT st.protected_identity
			  AND NOT EXISTS (SELECT 1 FROM signals g WHERE g.student_id = st.id)
			GROUP BY st.id ORDER BY sum(d.valid_absence_minutes + d.invalid_absence_minutes)::float / NULLIF(sum(d.offered_minutes), 0) DESC NULLS LAST
			LIMIT $2`, school, n)
		return ids, err
	}
	bjork, err := pick("Björkskolan", 5)
	if err != nil || len(bjork) < 5 {
		return fmt.Errorf("demo cases: pick students: %v", err)
	}
	glantan, err := pick("Gläntans", 1)
	if err != nil || len(glantan) < 1 {
		return fmt.Errorf("demo cases: pick independent-school student: %v", err)
	}
	eht, rektor := users["eht.bjork"], users["rektor.bjork"]
	// Each case started some days ago, so the demo shows deadlines both ahead and overdue.
	steps := []int{1, 2, 4, 5, 6}
	startedDaysAgo := []int{2, 26, 20, 45, 70}
	for i, studentID := range bjork {
		if err := walk(ctx, s, eht, rektor, studentID, steps[i], startedDaysAgo[i]); err != nil {
			return fmt.Errorf("demo case %d: %w", i+1, err)
		}
	}
	return walk(ctx, s, users["eht.glantan"], users["rektor.glantan"], glantan[0], 2, 8)
}

// clockAt returns the store with its clock set daysAgo days back (at 10:00), for backdated steps.
func clockAt(s *postgres.Store, daysAgo int) *postgres.Store {
	c := *s
	t := time.Now().AddDate(0, 0, -daysAgo)
	t = time.Date(t.Year(), t.Month(), t.Day(), 10, 0, 0, 0, t.Location())
	c.Now = func() time.Time { return t }
	return &c
}

var descriptions = []string{
	"Eleven har haft återkommande frånvaro på måndagar och fredagar sedan skolstarten. Mentor har haft kontakt med hemmet.",
	"Sammanhängande frånvaro i två veckor efter en konflikt i klassen. Eleven säger att hen inte vill komma tillbaka.",
	"Ströfrånvaro, ofta sena ankomster och halva dagar. Vårdnadshavare beskriver svårigheter på morgnarna.",
	"Ökande frånvaro under hösten, främst ogiltig. Eleven har uttryckt oro inför prov.",
	"Lång sjukfrånvaro som övergått i svårigheter att komma tillbaka till skolan.",
}

// walk takes one case as far as the given step: 1 reported, 2 investigating, 4 plan submitted,
// 5 active with a follow-up, 6 closed. The case is opened started days ago and each step happens
// a plausible number of days later.
func walk(ctx context.Context, store *postgres.Store, eht, rektor *narvaro.Actor, studentID int64, to int, started int) error {
	day := func(after int) (*postgres.Store, narvaro.Date) {
		if after > started {
			after = started
		}
		st := clockAt(store, started-after)
		return st, narvaro.DateOf(st.Now())
	}
	s, _ := day(0)
	id, _, err := s.OpenCase(ctx, eht, cases.OpenInput{StudentID: studentID, Description: descriptions[to%len(descriptions)],
		ConcernDomains: []string{"safe", "included"}, FirstContacts: "Mentor ringde vårdnadshavare samma dag som frånvaron uppmärksammades."}, "")
	if err != nil || to < 2 {
		return err
	}
	v := func() int {
		cv, err := s.GetCase(ctx, eht, id)
		if err != nil {
			return 0
		}
		return cv.Case.Version
	}
	s, _ = day(1)
	if err := s.Assess(ctx, rektor, id, cases.AssessInput{Decision: "started", Reasons: "Frånvaron är upprepad och behöver utredas skyndsamt.", Version: v()}); err != nil {
		return err
	}
	if to >= 4 {
		// The rektor has sent the notice to the huvudman; the newest cases still wait for it.
		cv, err := s.GetCase(ctx, rektor, id)
		if err != nil {
			return err
		}
		for _, n := range cv.Notices {
			if err := s.SendNotice(ctx, rektor, n.ID); err != nil {
				return err
			}
		}
	}
	if to < 3 {
		return nil
	}
	s, today := day(12)
	held := "held"
	err = s.SaveInvestigation(ctx, eht, id, cases.InvestigationInput{
		AbsenceSummary:     "Frånvaron har ökat från några procent till över 20 % de senaste fyra veckorna.",
		SchoolSituation:    "Eleven har svårt i grupparbeten och upplever rasterna som otrygga.",
		SocialSituation:    "Familjen beskriver en stabil hemsituation men trötthet på morgnarna.",
		HealthConsidered:   true,
		StudentView:        "Eleven vill gå i skolan men tycker att det är jobbigt på rasterna.",
		GuardianView:       "Vårdnadshavarna vill ha tätare kontakt med mentor.",
		TriggeringFactors:  "En konflikt i klassen i september.",
		MaintainingFactors: "Undvikande har blivit en vana; morgonrutiner saknas.",
		Analysis:           "Otrygghet på rasterna och bristande struktur på morgonen samverkar.",
		Conclusion:         "Åtgärder behövs både i skolan och hemma.",
		ConsultStudent:     &held, ConsultStudentOn: today.AddDays(-3),
		ConsultGuardians: &held, ConsultGuardiansOn: today.AddDays(-3),
		ConsultEHT: &held, ConsultEHTOn: today.AddDays(-2),
		Version: v()})
	if err != nil {
		return err
	}
	concern, strength := wheel.Concern, wheel.Strength
	if _, err := s.RecordAssessment(ctx, eht, id, wheel.AtInvestigation, cases.AssessmentInput{AssessedOn: today.AddDays(-3), ChildParticipation: "separate_conversation",
		ChildWords: "Jag vill vara med mina kompisar, men rasterna är det värsta.",
		Ratings: []wheel.Rating{
			{Domain: "safe", Perspective: wheel.Child, Kind: &concern, Note: "Otrygg på rasterna"},
			{Domain: "included", Perspective: wheel.Child, Kind: &concern, Note: "Känner sig utanför i gruppen"},
			{Domain: "active", Perspective: wheel.Child, Kind: &strength, Note: "Spelar fotboll på fritiden"},
			{Domain: "nurtured", Perspective: wheel.Guardian1, Kind: &strength, Note: "Nära relation i familjen"},
			{Domain: "achieving", Perspective: wheel.Professionals, Kind: &concern, Note: "Har tappat i matematik"},
		}}, v()); err != nil {
		return err
	}
	if err := s.CompleteInvestigation(ctx, eht, id, v()); err != nil {
		return err
	}
	plan := cases.PlanInput{Summary: "Trygghet på rasterna och en fungerande morgonrutin.", Version: v(), Measures: []cases.MeasureInput{
		{Description: "Rastvärd möter eleven vid ingången och finns nära under rasterna.", Domains: []string{"safe", "included"}, Level: "school",
			Responsible: "Rektor", StartDate: today, ExpectedEffect: "Eleven känner sig trygg och kommer till skolan.", FollowUpDate: today.AddDays(21)},
		{Description: "Gemensam morgonrutin med sms-påminnelse från mentor.", Domains: []string{"nurtured", "responsible"}, Level: "home",
			Responsible: "Vårdnadshavare och mentor", StartDate: today, ExpectedEffect: "Eleven kommer i tid.", FollowUpDate: today.AddDays(21)},
		{Description: "Samtal med kurator varannan vecka.", Domains: []string{"healthy"}, Level: "school",
			Responsible: "Kurator", StartDate: today, ExpectedEffect: "Eleven får stöd i att hantera oro.", FollowUpDate: today.AddDays(21)},
	}}
	s, _ = day(16)
	plan.Version = v()
	if _, err := s.SubmitPlan(ctx, eht, id, plan); err != nil || to < 5 {
		return err
	}
	s, _ = day(18)
	if err := s.DecidePlan(ctx, rektor, id, cases.DecisionInput{Decision: "approve", Version: v()}); err != nil {
		return err
	}
	s, today = day(40)
	cv, err := s.GetCase(ctx, eht, id)
	if err != nil {
		return err
	}
	var results []cases.MeasureResult
	for i, m := range cv.Plans[len(cv.Plans)-1].Measures {
		results = append(results, cases.MeasureResult{MeasureID: m.ID, Result: []string{"improved", "unchanged", "improved"}[i%3]})
	}
	if _, _, err := s.RecordFollowUp(ctx, eht, id, cases.FollowUpInput{HeldOn: today, NextDate: today.AddDays(28), Comment: "Närvaron har förbättrats något.",
		Results: results, Wheel: &cases.AssessmentInput{AssessedOn: today, ChildParticipation: "meeting", ChildWords: "Det är lite bättre nu när någon möter mig.",
			Ratings: []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Kind: &strength, Note: "Tryggare med rastvärd"}}},
		Version: cv.Case.Version}, ""); err != nil || to < 6 {
		return err
	}
	s, _ = day(66)
	return s.Close(ctx, eht, id, cases.CloseInput{Reason: "attendance_restored", ChildView: "Jag tycker om att gå till skolan igen.",
		Note: "Närvaron är återställd sedan fyra veckor.", Version: v()})
}
