package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

// urlDB is a fresh migrated database reached by URL, with the server administrator's URL for
// the same database (for what only a superuser may do: create roles, databases).
type urlDB struct {
	db       *postgres.DB
	url      string
	adminURL string
	name     string
}

func newURLDB(t *testing.T) *urlDB {
	t.Helper()
	u := pgtest.URL(t)
	db, err := postgres.Open(context.Background(), u, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	cfg := pgtest.ServerConfig(t)
	cfg.Database = strings.TrimPrefix(parsed.Path, "/")
	return &urlDB{db: db, url: u, adminURL: cfg.URL(), name: cfg.Database}
}

func storeOn(t *testing.T, db *postgres.DB) *postgres.Store {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	s := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	s.Now = func() time.Time { return time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC) }
	return s
}

func pqCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return ""
}

// The audit log refuses every change, even from the owner of the table (the role the tests
// and a default deployment run as): the trigger, not only missing grants, stops it.
func TestAuditLogIsAppendOnlyEvenForTheOwner(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	id := driveCase(t, s, rektor, org.StudentA, cases.Reported)
	issueDocument(t, s.DB, id, "notice_huvudman", []byte("%PDF-1.4 anmälan"))
	if _, err := s.DB.SealAudit(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	var owner bool
	if err := s.DB.Get(&owner, `SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'audit_log'`); err != nil || !owner {
		t.Fatalf("the test should run as the table owner (%v, %v)", owner, err)
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET actor_name = 'någon annan' WHERE id = (SELECT min(id) FROM audit_log)`,
		`UPDATE audit_log SET at = at - interval '1 day'`,
		`UPDATE audit_log SET seq = seq + 1000, hash = 'x' WHERE seq IS NOT NULL`,
		`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`UPDATE documents SET title = 'x'`,
	} {
		_, err := s.DB.ExecContext(ctx, stmt)
		if err == nil {
			t.Errorf("%s was allowed", stmt)
			continue
		}
		if strings.HasPrefix(stmt, "UPDATE documents") {
			continue // the documents trigger answers check_violation (document_frozen)
		}
		if pqCode(err) != "42501" {
			t.Errorf("%s: %v, want insufficient_privilege", stmt, err)
		}
		// Through the store's one transaction helper the refusal is "forbidden", not a 500.
		err = s.DB.Tx(ctx, func(tx *sqlx.Tx) error { _, err := tx.ExecContext(ctx, stmt); return err })
		if narvaro.ErrorCode(err) != narvaro.CodeForbidden {
			t.Errorf("%s through Tx: %v, want forbidden", stmt, err)
		}
	}
	if v, err := s.DB.VerifyAudit(ctx); err != nil || v.BrokenAt != nil || v.Checked == 0 {
		t.Fatalf("verify = %+v, %v", v, err)
	}
}

// Tampering that gets past the trigger (an owner who disables it) breaks the hash chain, and
// VerifyAudit says where.
func TestAuditChainDetectsTampering(t *testing.T) {
	t.Parallel()
	tamper := []struct {
		name   string
		sql    string // run with the append-only triggers disabled, as a table owner could
		at     int64  // the seq VerifyAudit must report
		reason string
	}{
		{"a row's actor changed", `UPDATE audit_log SET actor_name = 'Någon annan' WHERE seq = 3`, 3, "content"},
		{"a row's time changed", `UPDATE audit_log SET at = at - interval '3 hours' WHERE seq = 5`, 5, "content"},
		{"a row's detail changed", `UPDATE audit_log SET detail = '{"step":"nothing"}' WHERE seq = 4`, 4, "content"},
		{"a row in the middle deleted", `DELETE FROM audit_log WHERE seq = 4`, 4, "missing"},
		{"the newest rows deleted", `DELETE FROM audit_log WHERE seq > 6`, 6, "chain head"},
		{"a forged row appended", `INSERT INTO audit_log (actor_name, action, entity, seq, prev_hash, hash)
			SELECT 'Förfalskare', 'read', 'case', max(seq) + 1, (SELECT hash FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)), 'deadbeef' FROM audit_log`, 11, "content"},
		{"a row re-hashed without its successor", `UPDATE audit_log SET actor_name = 'X', hash = 'abc' WHERE seq = 2`, 2, "content"},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, org := newStore(t)
			ctx := context.Background()
			rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
			id := driveCase(t, s, rektor, org.StudentA, cases.Planning) // 9 audit rows: create, reads, updates
			if _, err := s.GetCase(ctx, rektor, id); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.SealAudit(ctx, 1000); err != nil {
				t.Fatal(err)
			}
			if v, err := s.DB.VerifyAudit(ctx); err != nil || v.BrokenAt != nil || v.Checked != 10 {
				t.Fatalf("before tampering: %+v, %v", v, err)
			}
			_, err := s.DB.ExecContext(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;`+tt.sql+`;ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.DB.VerifyAudit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v.BrokenAt == nil {
				t.Fatalf("tampering (%s) not detected: %+v", tt.sql, v)
			}
			if *v.BrokenAt != tt.at || !strings.Contains(v.Reason, tt.reason) {
				t.Fatalf("broken at %d (%s), want %d (%s)", *v.BrokenAt, v.Reason, tt.at, tt.reason)
			}
		})
	}
}

// Writers never wait for the sealer, and two sealers at once (two instances) still build one
// valid chain over every row.
func TestConcurrentWritersAndSealersKeepOneValidChain(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	id := driveCase(t, s, rektor, org.StudentA, cases.Reported)
	stop := make(chan struct{})
	var sealers sync.WaitGroup
	sealErrs := make(chan error, 100)
	for range 2 {
		sealers.Add(1)
		go func() {
			defer sealers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.DB.SealAudit(ctx, 7); err != nil {
					sealErrs <- err
					return
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for w := range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			a := pgtest.Actor(t, s.DB, org.A.Rektor)
			for i := range 20 {
				if i%2 == 0 {
					if _, err := s.GetCase(ctx, a, id); err != nil {
						t.Error(err)
						return
					}
				} else if err := s.DB.Audit(ctx, a, audit.Entry{Action: audit.Read, Entity: "test", EntityID: int64(w*100 + i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	sealers.Wait()
	close(sealErrs)
	for err := range sealErrs {
		t.Fatalf("sealer: %v", err)
	}
	if _, err := s.DB.SealAudit(ctx, 100000); err != nil {
		t.Fatal(err)
	}
	var total int64
	if err := s.DB.Get(&total, `SELECT count(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	v, err := s.DB.VerifyAudit(ctx)
	if err != nil || v.BrokenAt != nil || v.Unsealed != 0 || v.Checked != total {
		t.Fatalf("verify = %+v, %v; want all %d rows chained", v, err, total)
	}
}

// A deployment's application role (docs/app-role.sql) runs the whole service but cannot change
// or delete the audit log or issued documents, nor switch off the triggers that guard them.
func TestAppRoleCannotChangeTheAuditLogOrDocuments(t *testing.T) {
	t.Parallel()
	u := newURLDB(t)
	ctx := context.Background()
	org := pgtest.NewOrg(t, u.db)
	role := fmt.Sprintf("narvaro_app_test_%d", time.Now().UnixNano()%1e9)
	admin, err := sql.Open("postgres", u.adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE ROLE `+pq.QuoteIdentifier(role)+` LOGIN PASSWORD 'app-test-password'`); err != nil {
		t.Skipf("cannot create a role on the test server (%v): the app-role grants are not tested here", err)
	}
	t.Cleanup(func() {
		if c, err := sql.Open("postgres", u.adminURL); err == nil {
			c.Exec(`DROP OWNED BY ` + pq.QuoteIdentifier(role))
			c.Close()
		}
		if c, err := sql.Open("postgres", strings.Replace(u.adminURL, "/"+u.name+"?", "/postgres?", 1)); err == nil {
			c.Exec(`DROP ROLE IF EXISTS ` + pq.QuoteIdentifier(role))
			c.Close()
		}
	})
	script, err := os.ReadFile("../../docs/app-role.sql")
	if err != nil {
		t.Fatal(err)
	}
	// psql would substitute :"app_role"; the owner runs the script.
	if _, err := u.db.ExecContext(ctx, strings.ReplaceAll(string(script), `:"app_role"`, pq.QuoteIdentifier(role))); err != nil {
		t.Fatalf("docs/app-role.sql: %v", err)
	}
	appURL, _ := url.Parse(u.url)
	appURL.User = url.UserPassword(role, "app-test-password")
	appDB, err := postgres.Open(ctx, appURL.String(), 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer appDB.Close()

	// The service works as the application role: start-up migration check, a case, a read, sealing.
	m, err := postgres.NewMigrator(appDB.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(ctx, nil); err != nil {
		t.Fatalf("start-up migration check as the app role: %v", err)
	}
	s := storeOn(t, appDB)
	rektor := pgtest.Actor(t, appDB, org.A.Rektor)
	id := driveCase(t, s, rektor, org.StudentA, cases.Closed)
	issueDocument(t, appDB, id, "closure_decision", []byte("%PDF-1.4 app role"))
	if _, err := s.GetCase(ctx, rektor, id); err != nil {
		t.Fatal(err)
	}
	if _, err := appDB.SealAudit(ctx, 1000); err != nil {
		t.Fatalf("sealing as the app role: %v", err)
	}
	if v, err := appDB.VerifyAudit(ctx); err != nil || v.BrokenAt != nil {
		t.Fatalf("verify as the app role: %+v, %v", v, err)
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET actor_name = 'x'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`,
		`UPDATE documents SET title = 'x'`,
		`DELETE FROM documents`,
		`ALTER TABLE documents DISABLE TRIGGER documents_immutable`,
		`UPDATE audit_chain_head SET last_seq = 0, last_hash = ''`, // allowed by grant: see below
		`DROP TABLE audit_log`,
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`,
	} {
		_, err := appDB.ExecContext(ctx, stmt)
		if strings.HasPrefix(stmt, "UPDATE audit_chain_head") {
			// The sealer must move the head, so the role may; a moved head is caught by verify.
			if err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
			if v, _ := appDB.VerifyAudit(ctx); v == nil || v.BrokenAt == nil {
				t.Fatal("a chain head moved back was not detected")
			}
			continue
		}
		if code := pqCode(err); code != "42501" {
			t.Errorf("%s as the app role: %v, want insufficient_privilege (42501)", stmt, err)
		}
	}
	// Retention deletes documents, so the app role cannot run it: a clear refusal, not a 500.
	s.Now = func() time.Time { return time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC) }
	_, err = s.RunRetention(ctx, nil, policy(t, "cases:\n  closed: 1y\n"))
	if narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("retention as the app role: %v, want forbidden", err)
	}
	var content string
	if err := u.db.Get(&content, `SELECT description FROM cases WHERE id = $1`, id); err != nil || content == "" {
		t.Fatalf("the refused run left the case half-disposed: %q, %v", content, err)
	}
}

// visibleStudents (the SQL that scopes every list, count and search) agrees with
// auth.SeeStudent for every combination of role, school, protected identity, mentor and team.
func TestVisibleStudentsAgreesWithSeeStudent(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	type combo struct {
		school    int64
		protected bool
		mentor    int64
		team      bool // the actor sits on the team of one of the student's cases
	}
	actors := []int64{org.A.Mentor, org.A.EHT, org.A.EHT2, org.A.Rektor, org.A.Admin, org.B.Mentor, org.B.EHT, org.B.Rektor, org.B.Admin}
	// Every student gets a case; which actors sit on its team varies, so that for each actor
	// every combination occurs with and without membership.
	type fixture struct {
		id int64
		combo
		members map[int64]bool
	}
	var all []fixture
	for _, school := range []int64{org.SchoolA, org.SchoolB} {
		for _, protected := range []bool{false, true} {
			for _, mentor := range []int64{0, org.A.Mentor, org.B.Mentor} {
				for _, team := range []bool{false, true} {
					st := newStudent(t, s.DB, school, mentor, protected)
					var caseID int64
					if err := s.DB.Get(&caseID, `INSERT INTO cases (case_number, huvudman_id, school_id, student_id, status, description, opened_by)
						SELECT $4, sc.huvudman_id, sc.id, $1, 'reported', 'x', $2 FROM schools sc WHERE sc.id = $3 RETURNING id`,
						st, org.A.Rektor, school, fmt.Sprintf("T-%d", st)); err != nil {
						t.Fatal(err)
					}
					f := fixture{id: st, combo: combo{school, protected, mentor, false}, members: map[int64]bool{}}
					if team {
						for _, u := range actors {
							if _, err := s.DB.Exec(`INSERT INTO case_members (case_id, user_id) VALUES ($1, $2)`, caseID, u); err != nil {
								t.Fatal(err)
							}
							f.members[u] = true
						}
					}
					all = append(all, f)
				}
			}
		}
	}
	for _, uid := range actors {
		a := pgtest.Actor(t, s.DB, uid)
		ids, err := postgres.VisibleStudentIDs(ctx, s.DB, a)
		if err != nil {
			t.Fatal(err)
		}
		inSQL := map[int64]bool{}
		for _, id := range ids {
			inSQL[id] = true
		}
		for _, f := range all {
			var mentor *int64
			if f.mentor != 0 {
				mentor = &f.mentor
			}
			policy := auth.SeeStudent(a, auth.Subject{SchoolID: f.school, ProtectedIdentity: f.protected, MentorID: mentor, OnCaseTeam: f.members[uid]})
			if (policy != auth.Hidden) != inSQL[f.id] {
				t.Errorf("%s %d, student (school %d, protected %v, mentor %d, on team %v): policy %d, SQL visible %v",
					a.Role, uid, f.school, f.protected, f.mentor, f.members[uid], policy, inSQL[f.id])
			}
		}
	}
}

// The access-log extract lists who read or changed the student's data, from where, and nothing
// about other students; only an administrator or the rektor may make it, within their scope.
func TestAccessLogExtract(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	eht := pgtest.Actor(t, s.DB, org.A.EHT)
	eht.IP = "10.1.2.3"
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	id := driveCase(t, s, rektor, org.StudentA, cases.Reported)
	if _, err := s.GetCase(ctx, eht, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetStudent(ctx, eht, org.StudentA); err != nil {
		t.Fatal(err)
	}
	driveCase(t, s, pgtest.Actor(t, s.DB, org.B.Rektor), org.StudentB, cases.Reported)

	x, err := s.AccessLog(ctx, admin, org.StudentA, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var sawEHT, sawOpen bool
	for _, e := range x.Entries {
		if e.ActorID != nil && *e.ActorID == org.A.EHT && e.Action == audit.Read && e.IP == "10.1.2.3" && e.ActorRole == "eht" {
			sawEHT = true
		}
		if e.Action == audit.Create && e.Entity == "case" && e.ActorName == rektor.Name {
			sawOpen = true
		}
	}
	var masked string
	if err := s.DB.Get(&masked, `SELECT left(personnummer, 9) || '****' FROM students WHERE id = $1`, org.StudentA); err != nil {
		t.Fatal(err)
	}
	if !sawEHT || !sawOpen || x.Student.Name != "Åsa Öberg" || x.Student.Personnummer != masked {
		t.Fatalf("extract lacks the EHT's read from 10.1.2.3 or the rektor's opening, or names the wrong student: %+v", x)
	}
	var others int
	if err := s.DB.Get(&others, `SELECT count(*) FROM audit_log WHERE student_id = $1`, org.StudentB); err != nil || others == 0 {
		t.Fatal("fixture: school B's student has no audit rows")
	}
	for _, e := range x.Entries {
		if e.Entity == "case" && e.EntityID != nil && *e.EntityID != id {
			t.Fatalf("entry about another case: %+v", e)
		}
	}
	// Making the extract is recorded too.
	var n int
	if err := s.DB.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'access_log' AND student_id = $1 AND actor_id = $2`, org.StudentA, org.A.Admin); err != nil || n != 1 {
		t.Fatalf("the extract was not audited (%d, %v)", n, err)
	}
	// Who may make it.
	for _, tt := range []struct {
		who     int64
		student int64
		want    narvaro.Code
	}{
		{org.A.Rektor, org.StudentA, ""},
		{org.A.Rektor, org.ProtectedA, ""},
		{org.A.Admin, org.ProtectedA, narvaro.CodeNotFound},
		{org.A.EHT, org.StudentA, narvaro.CodeForbidden},
		{org.A.Mentor, org.StudentA, narvaro.CodeForbidden},
		{org.A.EHT, org.StudentB, narvaro.CodeForbidden},
		{org.B.Rektor, org.StudentA, narvaro.CodeNotFound},
		{org.B.Admin, org.StudentA, narvaro.CodeNotFound},
	} {
		got, err := s.AccessLog(ctx, pgtest.Actor(t, s.DB, tt.who), tt.student, time.Time{}, time.Time{})
		if narvaro.ErrorCode(err) != tt.want {
			t.Errorf("user %d, student %d: %v, want %q", tt.who, tt.student, err, tt.want)
		}
		if err == nil && tt.student == org.ProtectedA && (got.Student.Name != "Skyddad identitet" || strings.Contains(got.Student.Personnummer, "2012")) {
			t.Errorf("protected identity not masked in the extract: %+v", got.Student)
		}
	}
	// A period narrows it.
	narrow, err := s.AccessLog(ctx, rektor, org.StudentA, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour))
	if err != nil || len(narrow.Entries) != 0 {
		t.Fatalf("future period gave %d entries, %v", len(narrow.Entries), err)
	}
}

// The administrator's audit query sees their own huvudman only, and its filters work.
func TestQueryAuditIsScopedToTheHuvudman(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	s.Now = time.Now
	ctx := context.Background()
	driveCase(t, s, pgtest.Actor(t, s.DB, org.A.Rektor), org.StudentA, cases.Reported)
	driveCase(t, s, pgtest.Actor(t, s.DB, org.B.Rektor), org.StudentB, cases.Reported)
	adminA := pgtest.Actor(t, s.DB, org.A.Admin)
	rows, err := s.QueryAudit(ctx, adminA, postgres.AuditFilter{})
	if err != nil || len(rows) == 0 {
		t.Fatalf("query = %d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		if (r.SchoolID != nil && *r.SchoolID != org.SchoolA) || (r.StudentID != nil && *r.StudentID == org.StudentB) ||
			(r.ActorID != nil && *r.ActorID == org.B.Rektor) {
			t.Fatalf("admin A sees a row of huvudman B: %+v", r)
		}
		if strings.Contains(r.StudentMasked, "Öberg") {
			t.Fatalf("student named in the audit query: %+v", r)
		}
	}
	only, err := s.QueryAudit(ctx, adminA, postgres.AuditFilter{Action: "create", StudentID: org.StudentA})
	if err != nil || len(only) != 1 || only[0].Entity != "case" || only[0].StudentMasked == "" {
		t.Fatalf("filtered query = %+v, %v", only, err)
	}
	if _, err := s.QueryAudit(ctx, pgtest.Actor(t, s.DB, org.A.Rektor), postgres.AuditFilter{}); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("rektor querying the audit log: %v, want forbidden", err)
	}
	if _, err := s.QueryAudit(ctx, adminA, postgres.AuditFilter{From: "2026-10-10", To: "2026-10-01"}); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Fatalf("reversed period: %v, want invalid", err)
	}
}

// The periodic review samples reads of case data reproducibly, and lists accesses outside
// office hours and reads by people outside the case's team.
func TestAuditReview(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	id := driveCase(t, s, rektor, org.StudentA, cases.Reported)
	// Reads at known times (Swedish time): a weekday morning by the team, a Saturday night by
	// an EHT member who is not on the team, and reads by the admin.
	insert := func(at string, actor int64, name string) {
		t.Helper()
		if _, err := s.DB.Exec(`INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, student_id, school_id)
			VALUES ($1::timestamp AT TIME ZONE 'Europe/Stockholm', $2, $3, 'read', 'case', $4, $5, $6)`, at, actor, name, id, org.StudentA, org.SchoolA); err != nil {
			t.Fatal(err)
		}
	}
	insert("2026-10-07 10:00", org.A.Rektor, "Test rektor.a")
	insert("2026-10-10 23:30", org.A.EHT2, "Test eht2.a") // Saturday night, not on the team
	for i := range 30 {
		insert(fmt.Sprintf("2026-10-08 %02d:%02d", 8+i/6, i%6*10), org.A.Admin, "Test admin.a")
	}
	// School B's reads never reach admin A's review.
	if _, err := s.DB.Exec(`INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, student_id, school_id)
		VALUES ('2026-10-10 23:00+02', $1, 'Test eht.b', 'read', 'case', 1, $2, $3)`, org.B.EHT, org.StudentB, org.SchoolB); err != nil {
		t.Fatal(err)
	}
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	q := postgres.ReviewQuery{From: "2026-10-01", To: "2026-10-31", Sample: 10, Seed: "granskning-1"}
	r, err := s.ReviewAudit(ctx, admin, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Sample) != 10 || r.Reads < 32 {
		t.Fatalf("sample %d of %d reads", len(r.Sample), r.Reads)
	}
	again, err := s.ReviewAudit(ctx, admin, q)
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Sample {
		if r.Sample[i].ID != again.Sample[i].ID {
			t.Fatal("the same seed drew a different sample")
		}
	}
	outside := map[string]bool{}
	for _, e := range r.OutsideOfficeHours {
		outside[e.ActorName] = true
		if e.SchoolID != nil && *e.SchoolID == org.SchoolB {
			t.Fatal("school B's access in admin A's review")
		}
	}
	if !outside["Test eht2.a"] || outside["Test rektor.a"] {
		t.Fatalf("outside office hours: %v, want the Saturday-night read only among these", outside)
	}
	noTeam := map[string]bool{}
	for _, e := range r.WithoutTeam {
		noTeam[e.ActorName] = true
		if strings.Contains(e.StudentMasked, "Öberg") || e.StudentMasked == "" {
			t.Fatalf("student not masked in the review: %+v", e)
		}
	}
	if !noTeam["Test eht2.a"] || !noTeam["Test admin.a"] || noTeam["Test rektor.a"] {
		t.Fatalf("without team: %v; want the EHT member off the team and the admin, not the rektor", noTeam)
	}
	if _, err := s.ReviewAudit(ctx, rektor, q); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("rektor drawing the review: %v, want forbidden", err)
	}
}

// Database failures reach people as clear, classified errors: never a bare 500 for a full disk,
// a read-only database, a restart or hostile text.
func TestTranslateMapsDatabaseFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code    pqerror.Code
		want    narvaro.Code
		message string
	}{
		{"53100", narvaro.CodeUnavailable, "disk full"},        // disk_full
		{"53200", narvaro.CodeUnavailable, "out of resources"}, // out_of_memory
		{"53300", narvaro.CodeUnavailable, "out of resources"}, // too_many_connections
		{"25006", narvaro.CodeUnavailable, "read-only"},        // read_only_sql_transaction
		{"57P01", narvaro.CodeUnavailable, "not available"},    // admin_shutdown (restart)
		{"57P03", narvaro.CodeUnavailable, "not available"},    // cannot_connect_now (starting up)
		{"08006", narvaro.CodeUnavailable, "not available"},    // connection_failure
		{"40001", narvaro.CodeConflict, "same time"},           // serialization_failure
		{"40P01", narvaro.CodeConflict, "same time"},           // deadlock_detected
		{"42501", narvaro.CodeForbidden, "not allowed"},        // insufficient_privilege
		{"22021", narvaro.CodeInvalid, "cannot be stored"},     // NUL byte / invalid UTF-8
		{"22P05", narvaro.CodeInvalid, "cannot be stored"},     // \u0000 in jsonb
		{"22003", narvaro.CodeInvalid, "out of range"},
		{"22012", narvaro.CodeInternal, "internal error"}, // division by zero: our bug, not the caller's
	}
	for _, tt := range tests {
		err := postgres.Translate(fmt.Errorf("context: %w", &pq.Error{Code: tt.code, Message: "test"}))
		e := narvaro.AsError(err)
		if e.Code != tt.want || !strings.Contains(e.Message.EN, tt.message) || e.Message.SV == "" {
			t.Errorf("%s: %s %q, want %s containing %q", tt.code, e.Code, e.Message.EN, tt.want, tt.message)
		}
	}
	for _, err := range []error{errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"), errors.New("read: connection reset by peer"),
		errors.New("driver: bad connection"), context.DeadlineExceeded} {
		if got := narvaro.ErrorCode(postgres.Translate(err)); got != narvaro.CodeUnavailable {
			t.Errorf("%v: %s, want unavailable", err, got)
		}
	}
}
