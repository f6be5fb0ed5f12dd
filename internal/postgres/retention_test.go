package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

func policy(t *testing.T, yaml string) *postgres.RetentionPolicy {
	t.Helper()
	p, err := postgres.LoadRetention(fstest.MapFS{postgres.RetentionFile: {Data: []byte(yaml)}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRetentionConfiguration(t *testing.T) {
	t.Parallel()
	shipped, err := postgres.LoadRetention(configs.FS)
	if err != nil || shipped.Configured() {
		t.Fatalf("the shipped retention.yaml = %+v, %v; it must dispose of nothing until the huvudman sets periods", shipped, err)
	}
	missing, err := postgres.LoadRetention(fstest.MapFS{})
	if err != nil || missing.Configured() {
		t.Fatalf("a missing retention.yaml = %+v, %v; want an empty policy", missing, err)
	}
	p := policy(t, "cases:\n  closed: 5y\n  not_investigated: 1y6m\nsignals:\n  dismissed: 90d\ndocuments:\n  access_log: 2y\n")
	if p.Cases.Closed != (postgres.Period{Years: 5}) || p.Cases.NotInvestigated != (postgres.Period{Years: 1, Months: 6}) ||
		p.Signals.Dismissed != (postgres.Period{Days: 90}) || p.Documents["access_log"] != (postgres.Period{Years: 2}) {
		t.Fatalf("parsed policy %+v", p)
	}
	for _, bad := range []string{"cases:\n  closed: 5 years\n", "cases:\n  closed: 0y\n", "cases:\n  closd: 5y\n", "documents:\n  'Bad Kind': 1y\n", "cases:\n  closed: -1y\n"} {
		if _, err := postgres.LoadRetention(fstest.MapFS{postgres.RetentionFile: {Data: []byte(bad)}}); err == nil {
			t.Errorf("%q was accepted", bad)
		} else if !strings.Contains(err.Error(), "retention.yaml") {
			t.Errorf("%q: error %v does not name the file", bad, err)
		}
	}
}

// retentionWorld is a store whose clock has moved on to 2032, with cases closed in 2026.
type retentionWorld struct {
	s        *postgres.Store
	org      *pgtest.Org
	rektor   *narvaro.Actor
	admin    *narvaro.Actor
	old      int64 // closed 2026, due
	held     int64 // closed 2026, legal hold
	open     int64 // still active
	declined int64 // not investigated, 2026
	otherHM  int64 // closed 2026 at school B (another huvudman)
	docHash  string
	signal   int64 // dismissed 2026
}

func newRetentionWorld(t *testing.T) *retentionWorld {
	t.Helper()
	s, org := newStore(t)
	ctx := context.Background()
	w := &retentionWorld{s: s, org: org, rektor: pgtest.Actor(t, s.DB, org.A.Rektor), admin: pgtest.Actor(t, s.DB, org.A.Admin)}
	w.old = driveCase(t, s, w.rektor, org.StudentA, cases.Closed)
	w.docHash = issueDocument(t, s.DB, w.old, "closure_decision", []byte("%PDF-1.4 beslut om avslut"))
	w.held = driveCase(t, s, w.rektor, newStudent(t, s.DB, org.SchoolA, org.A.Mentor, false), cases.Closed)
	issueDocument(t, s.DB, w.held, "closure_decision", []byte("%PDF-1.4 bevaras"))
	w.open = driveCase(t, s, w.rektor, newStudent(t, s.DB, org.SchoolA, org.A.Mentor, false), cases.Active)
	w.declined = driveCase(t, s, w.rektor, newStudent(t, s.DB, org.SchoolA, org.A.Mentor, false), cases.NotInvestigated)
	w.otherHM = driveCase(t, s, pgtest.Actor(t, s.DB, org.B.Rektor), org.StudentB, cases.Closed)
	if err := s.SetLegalHold(ctx, w.admin, w.held, postgres.LegalHoldInput{Hold: ptr(true), Reason: "Överklagat till förvaltningsrätten"}); err != nil {
		t.Fatal(err)
	}
	eht := pgtest.Actor(t, s.DB, org.A.EHT)
	sig, err := s.RaiseSignal(ctx, eht, postgres.RaiseInput{StudentID: newStudent(t, s.DB, org.SchoolA, org.A.Mentor, false), Reason: "Sjukfrånvaro, kontakt med vårdnadshavare"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DismissSignal(ctx, eht, sig, postgres.DismissInput{Reason: "Förklarad av sjukhusvistelse", Version: 1}); err != nil {
		t.Fatal(err)
	}
	w.signal = sig
	s.Now = func() time.Time { return time.Date(2032, 1, 10, 9, 0, 0, 0, time.UTC) }
	return w
}

func (w *retentionWorld) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := w.s.DB.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// Without a configured period nothing is disposed of, however old.
func TestRetentionDisposesNothingWithoutAPeriod(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx := context.Background()
	empty := policy(t, "cases:\n  closed: \"\"\n")
	plan, err := w.s.PlanRetention(ctx, nil, empty)
	if err != nil || plan.Configured || len(plan.Items) != 0 {
		t.Fatalf("plan = %+v, %v; want nothing", plan, err)
	}
	res, err := w.s.RunRetention(ctx, nil, empty)
	if err != nil || res.Disposed != 0 {
		t.Fatalf("run = %+v, %v", res, err)
	}
	if n := w.count(t, `SELECT count(*) FROM cases WHERE description = ''`); n != 0 {
		t.Fatalf("%d cases blanked without a period", n)
	}
}

// The dry run lists what is due and changes nothing; the run blanks the content, deletes the
// PDFs, keeps the statistics, logs each disposal and leaves held and recent cases alone.
func TestRetentionPlanThenRun(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx := context.Background()
	p := policy(t, "cases:\n  closed: 5y\n  not_investigated: 2y\nsignals:\n  dismissed: 1y\n")

	plan, err := w.s.PlanRetention(ctx, w.admin, p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, it := range plan.Items {
		got[it.ID] = it.Kind + " " + it.Rule
	}
	want := map[int64]string{w.old: "case cases.closed = 5y", w.declined: "case cases.not_investigated = 2y", w.signal: "signal signals.dismissed = 1y"}
	if len(got) != len(want) || got[w.old] != want[w.old] || got[w.declined] != want[w.declined] || got[w.signal] != want[w.signal] {
		t.Fatalf("plan items %v, want %v (school B's case belongs to another huvudman; the active one is not due)", got, want)
	}
	if len(plan.Held) != 1 || plan.Held[0].ID != w.held {
		t.Fatalf("held %+v, want the case on legal hold", plan.Held)
	}
	if n := w.count(t, `SELECT count(*) FROM documents`); n != 2 {
		t.Fatalf("the dry run changed documents: %d left", n)
	}

	res, err := w.s.RunRetention(ctx, w.admin, p)
	if err != nil || res.Disposed != 3 {
		t.Fatalf("run = %+v, %v; want 3 disposed", res, err)
	}
	// Content gone.
	var c struct {
		Description   string     `db:"description"`
		FirstContacts string     `db:"first_contacts"`
		Reasons       string     `db:"assessment_reasons"`
		ChildView     string     `db:"closure_child_view"`
		Status        string     `db:"status"`
		ClosedAt      *time.Time `db:"closed_at"`
		Domains       string     `db:"domains"`
	}
	if err := w.s.DB.Get(&c, `SELECT description, first_contacts, assessment_reasons, closure_child_view, status,
		closed_at, array_to_string(concern_domains, ',') AS domains FROM cases WHERE id = $1`, w.old); err != nil {
		t.Fatal(err)
	}
	if c.Description != "" || c.FirstContacts != "" || c.Reasons != "" || c.ChildView != "" {
		t.Fatalf("free text left after disposal: %+v", c)
	}
	// Statistics kept.
	if c.Status != "closed" || c.ClosedAt == nil || c.Domains != "safe,included" {
		t.Fatalf("statistics lost: %+v", c)
	}
	for _, q := range []string{
		`SELECT count(*) FROM investigations WHERE case_id = $1 AND (student_view <> '' OR conclusion <> '' OR secret_appendix <> '')`,
		`SELECT count(*) FROM wheel_assessments WHERE case_id = $1 AND child_words <> ''`,
		`SELECT count(*) FROM wheel_ratings r JOIN wheel_assessments w ON w.id = r.assessment_id WHERE w.case_id = $1 AND r.note <> ''`,
		`SELECT count(*) FROM measures m JOIN plans p ON p.id = m.plan_id WHERE p.case_id = $1 AND (m.description <> '' OR m.expected_effect <> '')`,
		`SELECT count(*) FROM case_events WHERE case_id = $1 AND summary <> ''`,
		`SELECT count(*) FROM documents WHERE case_id = $1`,
	} {
		if n := w.count(t, q, w.old); n != 0 {
			t.Errorf("after disposal %s = %d", q, n)
		}
	}
	for _, q := range []string{
		`SELECT count(*) FROM wheel_ratings r JOIN wheel_assessments w ON w.id = r.assessment_id WHERE w.case_id = $1 AND r.rating = 2 AND r.domain = 'safe'`,
		`SELECT count(*) FROM measures m JOIN plans p ON p.id = m.plan_id WHERE p.case_id = $1 AND m.domains = '{safe}' AND m.level = 'school'`,
		`SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'close'`,
		`SELECT count(*) FROM notices WHERE case_id = $1`,
	} {
		if n := w.count(t, q, w.old); n == 0 {
			t.Errorf("statistic lost: %s = 0", q)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM signals WHERE id = $1 AND reason = '' AND explanation = '' AND dismiss_reason = '' AND status = 'dismissed'`, w.signal); n != 1 {
		t.Error("the dismissed signal was not anonymised")
	}
	// The disposal is itself logged, with the deleted documents' hashes as proof.
	var detail string
	if err := w.s.DB.Get(&detail, `SELECT detail::text FROM audit_log WHERE action = 'dispose' AND entity = 'case' AND entity_id = $1 AND actor_id = $2`, w.old, w.admin.UserID); err != nil {
		t.Fatalf("no audit row for the disposal: %v", err)
	}
	if !strings.Contains(detail, w.docHash) || !strings.Contains(detail, "cases.closed = 5y") {
		t.Fatalf("disposal audit detail %s lacks the rule or the document hash", detail)
	}
	// Held, recent and other huvudman's cases untouched.
	for _, id := range []int64{w.held, w.open, w.otherHM} {
		if n := w.count(t, `SELECT count(*) FROM cases WHERE id = $1 AND description <> ''`, id); n != 1 {
			t.Errorf("case %d was disposed of", id)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM documents WHERE case_id = $1`, w.held); n != 1 {
		t.Error("the held case's document was deleted")
	}
	// A second run finds nothing; the chain of the audit log still verifies.
	again, err := w.s.RunRetention(ctx, w.admin, p)
	if err != nil || again.Disposed != 0 || len(again.Items) != 0 {
		t.Fatalf("second run = %+v, %v", again, err)
	}
	if _, err := w.s.DB.SealAudit(ctx, 10000); err != nil {
		t.Fatal(err)
	}
	if v, err := w.s.DB.VerifyAudit(ctx); err != nil || v.BrokenAt != nil {
		t.Fatalf("verify after retention = %+v, %v", v, err)
	}
	// The disposed case still opens, for those who may see it, as an empty skeleton.
	view, err := w.s.GetCase(ctx, w.rektor, w.old)
	if err != nil || view.Case.Description != "" || len(view.Documents) != 0 {
		t.Fatalf("disposed case view = %+v, %v", view, err)
	}
}

// Clearing a legal hold lets the case go at the next run; the hold and its clearing are audited.
func TestLegalHoldStopsDisposalUntilCleared(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx := context.Background()
	p := policy(t, "cases:\n  closed: 5y\n")
	if _, err := w.s.RunRetention(ctx, nil, p); err != nil {
		t.Fatal(err)
	}
	if n := w.count(t, `SELECT count(*) FROM cases WHERE id = $1 AND description <> ''`, w.held); n != 1 {
		t.Fatal("the command-line run disposed of a case on legal hold")
	}
	// Only an administrator or the rektor decides a legal hold, in their own scope.
	mentor := pgtest.Actor(t, w.s.DB, w.org.A.Mentor)
	if err := w.s.SetLegalHold(ctx, mentor, w.held, postgres.LegalHoldInput{Hold: ptr(false), Reason: "Försök"}); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("mentor clearing a hold: %v, want forbidden", err)
	}
	if err := w.s.SetLegalHold(ctx, pgtest.Actor(t, w.s.DB, w.org.B.Admin), w.held, postgres.LegalHoldInput{Hold: ptr(false), Reason: "Försök"}); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Fatalf("another huvudman's admin clearing a hold: %v, want not found", err)
	}
	if err := w.s.SetLegalHold(ctx, w.rektor, w.held, postgres.LegalHoldInput{Hold: ptr(false), Reason: "Domen har vunnit laga kraft"}); err != nil {
		t.Fatal(err)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'case' AND entity_id = $1 AND detail ? 'legal_hold'`, w.held); n != 2 {
		t.Fatalf("%d audit rows for setting and clearing the hold, want 2", n)
	}
	res, err := w.s.RunRetention(ctx, nil, p)
	if err != nil || res.Disposed != 1 || res.Items[0].ID != w.held {
		t.Fatalf("run after clearing = %+v, %v", res, err)
	}
	// The command line acts for every huvudman: school A's old case, school B's, then the released one.
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'dispose' AND actor_id IS NULL AND actor_name = 'system'`); n != 3 {
		t.Fatalf("%d disposals logged as the command line (system), want 3", n)
	}
}

// Two instances running retention at once dispose of each record once: the advisory lock lets
// one run, the other is told a run is in progress (or finds nothing left).
func TestRetentionRunsOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx := context.Background()
	later := w.s.Now
	w.s.Now = func() time.Time { return time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC) }
	for range 6 {
		driveCase(t, w.s, w.rektor, newStudent(t, w.s.DB, w.org.SchoolA, w.org.A.Mentor, false), cases.Closed)
	}
	w.s.Now = later
	p := policy(t, "cases:\n  closed: 5y\n")
	stores := []*postgres.Store{w.s, postgres.NewStore(w.s.DB, w.s.Settings)}
	stores[1].Now = w.s.Now
	var wg sync.WaitGroup
	results := make([]int, len(stores))
	errs := make([]error, len(stores))
	for i, st := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := st.RunRetention(ctx, nil, p)
			if res != nil {
				results[i] = res.Disposed
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && err != postgres.ErrRetentionRunning {
			t.Fatalf("run: %v", err)
		}
	}
	if results[0]+results[1] != 8 { // 6 new, the old one and school B's (the command line covers every huvudman)
		t.Fatalf("disposed %v, want 8 in total", results)
	}
	if n := w.count(t, `SELECT count(*) FROM (SELECT entity_id FROM audit_log WHERE action = 'dispose' GROUP BY entity_id HAVING count(*) > 1) x`); n != 0 {
		t.Fatalf("%d cases were disposed of twice", n)
	}
}

// A case reopened after its disposal and closed again is disposed of again when due.
func TestReopenedDisposedCaseIsDisposedAgain(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx := context.Background()
	p := policy(t, "cases:\n  closed: 5y\n")
	if _, err := w.s.RunRetention(ctx, nil, p); err != nil {
		t.Fatal(err)
	}
	w.s.Now = func() time.Time { return time.Date(2033, 3, 1, 9, 0, 0, 0, time.UTC) }
	if err := w.s.Reopen(ctx, w.rektor, w.old, cases.ReopenInput{Reason: "Frånvaron har ökat igen", Version: version(t, w.s, w.rektor, w.old)}); err != nil {
		t.Fatal(err)
	}
	if err := w.s.Assess(ctx, w.rektor, w.old, cases.AssessInput{Decision: "not_needed", Reasons: "Ny bedömning", Version: version(t, w.s, w.rektor, w.old)}); err != nil {
		t.Fatal(err)
	}
	w.s.Now = func() time.Time { return time.Date(2040, 1, 10, 9, 0, 0, 0, time.UTC) }
	both := policy(t, "cases:\n  closed: 5y\n  not_investigated: 5y\n")
	plan, err := w.s.PlanRetention(ctx, nil, both)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range plan.Items {
		found = found || it.ID == w.old
	}
	if !found {
		t.Fatalf("the reopened and again decided case is not due: %+v", plan.Items)
	}
}

// While another instance holds the retention lock, a run is refused with a clear conflict and
// disposes of nothing.
func TestRetentionRefusedWhileAnotherRunHoldsTheLock(t *testing.T) {
	t.Parallel()
	w := newRetentionWorld(t)
	ctx := context.Background()
	conn, err := w.s.DB.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, postgres.RetentionLockKey); err != nil {
		t.Fatal(err)
	}
	_, err = w.s.RunRetention(ctx, nil, policy(t, "cases:\n  closed: 5y\n"))
	if err != postgres.ErrRetentionRunning {
		t.Fatalf("run while locked: %v, want ErrRetentionRunning", err)
	}
	if n := w.count(t, `SELECT count(*) FROM disposals`); n != 0 {
		t.Fatalf("%d disposals while another run held the lock", n)
	}
}
