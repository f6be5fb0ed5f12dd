package postgres_test

import (
	"context"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }

func itemsOf(v *postgres.RoundView) map[int64]postgres.RoundItem {
	out := map[int64]postgres.RoundItem{}
	for _, s := range v.Sections {
		for _, it := range s.Items {
			out[it.NoticeID] = it
		}
	}
	return out
}

// A round from start to confirmed closures: the administrator starts it, each school answers for
// its own notices, the administrator confirms; the case itself stays where the school left it.
func TestFollowUpRoundToCompletion(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	s, ctx := w.store, context.Background()
	admin := pgtest.Actor(t, s.DB, w.org.A.Admin)
	rektorA := pgtest.Actor(t, s.DB, w.org.A.Rektor)
	ehtA2 := pgtest.Actor(t, s.DB, w.ehtA2)

	id, err := s.StartRound(ctx, admin, postgres.RoundInput{Name: "Höst 2026", DueOn: day("2027-01-15")})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.GetRound(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	// Open notices that were sent: c1's and c8's to the huvudman, c4's to the home municipality.
	// Not asked: c2 (closed), c4's unsent notice, c6 (closed), c7 (another huvudman).
	items := itemsOf(v)
	if len(items) != 3 || items[w.n1].CaseID != w.c1 || items[w.n8].CaseID != w.c8 || items[w.n4home].CaseID != w.c4 {
		t.Fatalf("round items = %+v", items)
	}
	// Notices to home municipalities are listed separately.
	if len(v.Sections) != 2 || v.Sections[0].Category != "municipal" || len(v.Sections[0].Items) != 2 ||
		v.Sections[1].Category != "home_municipality" || len(v.Sections[1].Items) != 1 || v.Sections[1].Items[0].NoticeID != w.n4home {
		t.Fatalf("sections = %+v", v.Sections)
	}

	// Each school answers for its own notices.
	if err := s.AnswerRound(ctx, rektorA, id, postgres.RoundAnswers{Answers: []postgres.RoundAnswer{
		{NoticeID: w.n1, AbsenceContinues: no(), CanClose: yes(), Comment: "Närvaron är god sedan oktober."}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerRound(ctx, ehtA2, id, postgres.RoundAnswers{Answers: []postgres.RoundAnswer{
		{NoticeID: w.n8, AbsenceContinues: yes(), CanClose: no()},
		{NoticeID: w.n4home, AbsenceContinues: yes(), CanClose: no()}}}); err != nil {
		t.Fatal(err)
	}
	// A closure the school did not propose cannot be confirmed; the whole request is refused.
	err = s.ConfirmRound(ctx, admin, id, postgres.RoundConfirm{NoticeIDs: []int64{w.n1, w.n8}})
	if narvaro.ErrorCode(err) != narvaro.CodeConflict {
		t.Fatalf("confirming a closure the school did not propose: %v, want conflict", err)
	}
	if err := s.ConfirmRound(ctx, admin, id, postgres.RoundConfirm{NoticeIDs: []int64{w.n1}}); err != nil {
		t.Fatal(err)
	}
	v, _ = s.GetRound(ctx, admin, id)
	items = itemsOf(v)
	if it := items[w.n1]; it.ConfirmedAt == nil || it.ConfirmedBy != "Test admin.a" || it.AnsweredBy != "Test rektor.a" ||
		it.Comment != "Närvaron är god sedan oktober." || *it.AbsenceContinues || !*it.CanClose {
		t.Errorf("confirmed item = %+v", it)
	}
	if items[w.n8].ConfirmedAt != nil {
		t.Errorf("c8's notice was confirmed without being asked")
	}
	if v.Items != 3 || v.Answered != 3 || v.CanClose != 1 || v.Confirmed != 1 {
		t.Errorf("round progress = %+v", v.Round)
	}
	// Confirming is the huvudman's record only: the school's case is not closed by it.
	var status string
	s.DB.Get(&status, `SELECT status FROM cases WHERE id = $1`, w.c1)
	if status != "active" {
		t.Errorf("case status after confirmation = %s, want active", status)
	}
	// After the confirmation the answer stands.
	err = s.AnswerRound(ctx, rektorA, id, postgres.RoundAnswers{Answers: []postgres.RoundAnswer{{NoticeID: w.n1, AbsenceContinues: yes(), CanClose: no()}}})
	if narvaro.ErrorCode(err) != narvaro.CodeConflict {
		t.Errorf("changing a confirmed answer: %v, want conflict", err)
	}
	// The next round does not ask again about a notice already closed at huvudman level.
	id2, err := s.StartRound(ctx, admin, postgres.RoundInput{Name: "Vår 2027", DueOn: day("2027-05-15")})
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := s.GetRound(ctx, admin, id2)
	if items := itemsOf(v2); len(items) != 2 || items[w.n1].NoticeID != 0 {
		t.Errorf("second round items = %+v", items)
	}
	if _, err := s.StartRound(ctx, admin, postgres.RoundInput{Name: "Vår 2027", DueOn: day("2027-05-15")}); narvaro.ErrorCode(err) != narvaro.CodeConflict {
		t.Errorf("a second round with the same name: %v, want conflict", err)
	}
	rounds, err := s.ListRounds(ctx, admin)
	if err != nil || len(rounds) != 2 || rounds[0].Name != "Vår 2027" || rounds[1].Confirmed != 1 {
		t.Errorf("admin's rounds = %+v, %v", rounds, err)
	}
}

// Who may do what in a round: schools answer only for their own notices; only the huvudman's
// administrator starts rounds and confirms; another huvudman sees nothing.
func TestFollowUpRoundAccess(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	s, ctx := w.store, context.Background()
	actor := func(id int64) *narvaro.Actor { return pgtest.Actor(t, s.DB, id) }
	admin := actor(w.org.A.Admin)
	// c2 (a student with protected identity) is reopened so that the round asks about it too.
	if _, err := s.DB.Exec(`UPDATE cases SET status = 'active', closed_at = NULL, closure_reason = NULL WHERE id = $1`, w.c2); err != nil {
		t.Fatal(err)
	}
	id, err := s.StartRound(ctx, admin, postgres.RoundInput{Name: "Höst 2026", DueOn: day("2027-01-15")})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(notice int64) postgres.RoundAnswers {
		return postgres.RoundAnswers{Answers: []postgres.RoundAnswer{{NoticeID: notice, AbsenceContinues: no(), CanClose: yes()}}}
	}
	for _, tc := range []struct {
		name string
		err  error
		want narvaro.Code
	}{
		{"a mentor starts a round", func() error {
			_, err := s.StartRound(ctx, actor(w.org.A.Mentor), postgres.RoundInput{Name: "X-runda", DueOn: day("2027-01-15")})
			return err
		}(), narvaro.CodeForbidden},
		{"a rektor starts a round", func() error {
			_, err := s.StartRound(ctx, actor(w.org.A.Rektor), postgres.RoundInput{Name: "X-runda", DueOn: day("2027-01-15")})
			return err
		}(), narvaro.CodeForbidden},
		{"a round without a name", func() error {
			_, err := s.StartRound(ctx, admin, postgres.RoundInput{Name: " ", DueOn: day("2027-01-15")})
			return err
		}(), narvaro.CodeInvalid},
		{"school A answers for school A2's notice", s.AnswerRound(ctx, actor(w.org.A.Rektor), id, answer(w.n8)), narvaro.CodeNotFound},
		{"school A2 answers for school A's notice", s.AnswerRound(ctx, actor(w.ehtA2), id, answer(w.n1)), narvaro.CodeNotFound},
		{"another huvudman's rektor answers", s.AnswerRound(ctx, actor(w.org.B.Rektor), id, answer(w.n1)), narvaro.CodeNotFound},
		{"a notice not in the round", s.AnswerRound(ctx, actor(w.org.A.Rektor), id, answer(w.n6)), narvaro.CodeNotFound},
		{"an EHT member outside the team answers for a protected identity", s.AnswerRound(ctx, actor(w.org.A.EHT), id, answer(w.n2)), narvaro.CodeNotFound},
		{"a mentor answers", s.AnswerRound(ctx, actor(w.org.A.Mentor), id, answer(w.n1)), narvaro.CodeForbidden},
		{"the administrator answers for a school", s.AnswerRound(ctx, admin, id, answer(w.n1)), narvaro.CodeForbidden},
		{"an answer without can_close", s.AnswerRound(ctx, actor(w.org.A.Rektor), id,
			postgres.RoundAnswers{Answers: []postgres.RoundAnswer{{NoticeID: w.n1, AbsenceContinues: no()}}}), narvaro.CodeInvalid},
		{"a rektor confirms", s.ConfirmRound(ctx, actor(w.org.A.Rektor), id, postgres.RoundConfirm{NoticeIDs: []int64{w.n1}}), narvaro.CodeForbidden},
		{"another huvudman's administrator confirms", s.ConfirmRound(ctx, actor(w.org.B.Admin), id, postgres.RoundConfirm{NoticeIDs: []int64{w.n1}}), narvaro.CodeNotFound},
		{"confirming before the school answered", s.ConfirmRound(ctx, admin, id, postgres.RoundConfirm{NoticeIDs: []int64{w.n1}}), narvaro.CodeConflict},
		{"another huvudman's administrator reads the round", func() error { _, err := s.GetRound(ctx, actor(w.org.B.Admin), id); return err }(), narvaro.CodeNotFound},
		{"another huvudman's rektor reads the round", func() error { _, err := s.GetRound(ctx, actor(w.org.B.Rektor), id); return err }(), narvaro.CodeNotFound},
		{"a mentor reads the round", func() error { _, err := s.GetRound(ctx, actor(w.org.A.Mentor), id); return err }(), narvaro.CodeForbidden},
	} {
		if got := narvaro.ErrorCode(tc.err); got != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.want)
		}
	}
	// Nothing was saved by the refused answers.
	v, _ := s.GetRound(ctx, admin, id)
	if v.Answered != 0 {
		t.Errorf("answered = %d after refused answers", v.Answered)
	}
	// A school sees only its own questions; the protected identity's only the rektor sees.
	va, err := s.GetRound(ctx, actor(w.org.A.Rektor), id)
	if err != nil {
		t.Fatal(err)
	}
	if items := itemsOf(va); len(items) != 2 || items[w.n1].CaseID != w.c1 || items[w.n2].CaseID != w.c2 || va.Items != 2 {
		t.Errorf("school A's rektor sees %+v", items)
	}
	ve, err := s.GetRound(ctx, actor(w.org.A.EHT), id)
	if err != nil {
		t.Fatal(err)
	}
	if items := itemsOf(ve); len(items) != 1 || items[w.n1].CaseID != w.c1 || ve.Items != 1 {
		t.Errorf("school A's EHT member sees %+v", items)
	}
	if v, _ := s.GetRound(ctx, admin, id); v.Items != 4 {
		t.Errorf("the administrator sees %d items, want 4 (c1, c2, c8, c4's home-municipality notice)", v.Items)
	}
	list, err := s.ListRounds(ctx, actor(w.ehtA2))
	if err != nil || len(list) != 1 || list[0].Items != 2 {
		t.Errorf("school A2's rounds = %+v, %v", list, err)
	}
	if list, _ := s.ListRounds(ctx, actor(w.org.B.Admin)); len(list) != 0 {
		t.Errorf("huvudman B sees A's rounds: %+v", list)
	}
	if list, _ := s.ListRounds(ctx, actor(w.org.B.Rektor)); len(list) != 0 {
		t.Errorf("school B sees A's rounds: %+v", list)
	}
}

// An independent huvudman's notices are listed as such.
func TestFollowUpRoundIndependentSchool(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	s, ctx := w.store, context.Background()
	adminB := pgtest.Actor(t, s.DB, w.org.B.Admin)
	id, err := s.StartRound(ctx, adminB, postgres.RoundInput{Name: "Höst 2026", DueOn: day("2027-01-15")})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.GetRound(ctx, adminB, id)
	if err != nil {
		t.Fatal(err)
	}
	var cats []string
	for _, sec := range v.Sections {
		if len(sec.Items) > 0 {
			cats = append(cats, sec.Category)
		}
	}
	if len(cats) != 1 || cats[0] != "independent" || itemsOf(v)[w.n7].CaseID != w.c7 {
		t.Errorf("B's round: sections %v, items %+v", cats, itemsOf(v))
	}
}
