package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// The authorization matrix: every API route × every caller × own school / other school /
// protected identity, with the expected status in each cell. Every route in the server's route
// table must have a row here, so a new route cannot ship without its authorization stated.
//
// Callers are school A's mentor (of the own and protected students), EHT member, rektor and the
// huvudman's administrator, each with an API token; a signed-out caller and a revoked token get
// 401 in every cell and are not written out. Each authorized cell gets a fresh record of the
// subject's kind in the stage the route needs, so cells do not disturb each other.
//
// Reading the statuses: 2xx allowed; 404 the record is hidden (another school's, or a protected
// identity outside the team) — answered as if it did not exist; 403 the role may not do this
// (answered the same for every id, so it reveals nothing); 422 valid request refused by a rule.
// notApplicable: the column does not apply to the route (users and tokens have no protected identity).

type mxRole int

const (
	mentor mxRole = iota
	eht
	rektor
	admin
)

var mxRoles = []mxRole{mentor, eht, rektor, admin}

func (r mxRole) String() string { return [...]string{"mentor", "eht", "rektor", "admin"}[r] }

func (r mxRole) user(e *env) int64 {
	return [...]int64{e.org.A.Mentor, e.org.A.EHT, e.org.A.Rektor, e.org.A.Admin}[r]
}

const notApplicable = 0

// cells are the statuses for own school, other school and protected identity.
type mxCells [3]int

type mxWant struct{ mentor, eht, rektor, admin mxCells }

func (w mxWant) of(r mxRole) mxCells { return [...]mxCells{w.mentor, w.eht, w.rektor, w.admin}[r] }

// same gives every subject the same status (routes that concern no one student).
func everywhere(s int) mxCells { return mxCells{s, s, s} }

// target is the prepared record a cell acts on.
type mxTarget struct {
	ID        int64 // the :id in the path
	StudentID int64
	Version   int
	MeasureID int64
	NoticeID  int64
	Kind      string // the :kind in the path
}

type matrixRow struct {
	route string // "METHOD /path" exactly as in the route table
	// variant names a second row for the same route (e.g. another document kind).
	variant string
	query   string
	// prep makes a fresh record of the subject's kind for a cell; nil for routes about no record.
	prep func(e *env, s mxSubject) mxTarget
	body func(e *env, tg mxTarget, s mxSubject) any
	want mxWant
	// list rows: which subjects' records each role finds in the answer (see listWorld).
	list *listSpec
	// identity: the answer names the student to those who may see them (the student page);
	// every other answer masks a protected identity.
	identity bool
	// secrets are texts of the case's secret parts that the mentor and the administrator must
	// not find in a 2xx answer.
	secrets []string
}

func caseIn(stage string) func(e *env, s mxSubject) mxTarget {
	return func(e *env, s mxSubject) mxTarget {
		id, st := e.caseAt(s, stage)
		return mxTarget{ID: id, StudentID: st, Version: e.mxVersion(id)}
	}
}

func freshStudentInBody(e *env, s mxSubject) mxTarget {
	return mxTarget{StudentID: e.student(s), ID: 0}
}

func studentInPath(e *env, s mxSubject) mxTarget {
	id := e.student(s)
	return mxTarget{ID: id, StudentID: id}
}

func versionOnlyBody(_ *env, tg mxTarget, _ mxSubject) any {
	return map[string]any{"version": tg.Version}
}

func todayOf(e *env) string { return e.store.Now().Format("2006-01-02") }

// matrix is the table. Keep it in the order of the route table.
var matrix = []matrixRow{
	{route: "GET /me", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)}},
	{route: "GET /tasks", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)},
		// The huvudman receives every notice of its schools: a protected identity is masked there, not hidden.
		list: &listSpec{mentor: sees(own), eht: sees(own), rektor: sees(own, protected), admin: sees(own, protected)}},
	{route: "GET /schools", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)}, list: &listSpec{}},
	{route: "POST /schools", body: func(e *env, _ mxTarget, _ mxSubject) any {
		n := matrixSeq.Add(1)
		return map[string]any{"name": fmt.Sprintf("Matrisskolan %d", n), "school_unit_code": fmt.Sprintf("2%07d", n), "municipality_code": "1999"}
	}, want: mxWant{everywhere(403), everywhere(403), everywhere(403), everywhere(201)}},
	{route: "GET /students", query: "?q=7B", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)},
		// Search never finds a protected identity, not even for the rektor.
		list: &listSpec{idKind: "student", mentor: sees(own), eht: sees(own), rektor: sees(own), admin: sees(own)}},
	{route: "GET /students/:id", prep: studentInPath, identity: true, want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "GET /signals", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)},
		list: &listSpec{idKind: "signal", mentor: sees(own), eht: sees(own), rektor: sees(own, protected), admin: sees(own)}},
	{route: "POST /signals", prep: freshStudentInBody, body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"student_id": tg.StudentID, "reason": "Frånvaro på måndagar"}
	}, want: mxWant{
		mentor: mxCells{201, 404, 404},
		eht:    mxCells{201, 404, 404},
		rektor: mxCells{201, 404, 201},
		admin:  everywhere(403),
	}},
	{route: "POST /signals/:id/dismiss", prep: func(e *env, s mxSubject) mxTarget {
		id, st := e.signalFor(s)
		return mxTarget{ID: id, StudentID: st}
	}, body: func(*env, mxTarget, mxSubject) any {
		return map[string]any{"reason": "Förklarad frånvaro", "version": 1}
	}, want: mxWant{
		mentor: everywhere(403),
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  everywhere(403),
	}},
	{route: "GET /cases", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)},
		list: &listSpec{idKind: "case", mentor: sees(own), eht: sees(own), rektor: sees(own, protected), admin: sees(own)}},
	{route: "POST /cases", prep: freshStudentInBody, body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"student_id": tg.StudentID, "description": "Frånvaro under flera veckor.", "concern_domains": []string{"safe"}}
	}, want: mxWant{
		mentor: everywhere(403),
		eht:    mxCells{201, 404, 404},
		rektor: mxCells{201, 404, 201},
		admin:  everywhere(403),
	}},
	// The mentor and the administrator read the case without its secret parts.
	{route: "GET /cases/:id", prep: caseIn(stageReady), secrets: []string{"Elevens syn X17", "Slutsats Q42", "Barnord Z93"}, want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "POST /cases/:id/assessment", prep: caseIn(stageReported), body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"decision": "started", "reasons": "Upprepad frånvaro", "version": tg.Version}
	}, want: mxWant{
		mentor: mxCells{403, 404, 404},
		eht:    mxCells{403, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{403, 404, 404},
	}},
	{route: "PUT /cases/:id/investigation", prep: caseIn(stageInvestigating), body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"conclusion": "Slutsats", "version": tg.Version}
	}, want: teamOnlyCells(200)},
	{route: "POST /cases/:id/investigation/complete", prep: caseIn(stageReady), body: versionOnlyBody, want: teamOnlyCells(200)},
	{route: "POST /cases/:id/wheel", prep: caseIn(stageInvestigating), body: func(e *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"occasion": "investigation", "assessed_on": todayOf(e), "child_participation": "declined", "version": tg.Version}
	}, want: teamOnlyCells(201)},
	{route: "POST /cases/:id/plans", prep: caseIn(stagePlanning), body: func(e *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"version": tg.Version, "measures": []any{map[string]any{"description": "Rastvärd", "domains": []string{"safe"}, "level": "school",
			"responsible": "Rektor", "start_date": todayOf(e), "expected_effect": "Trygghet", "follow_up_date": todayOf(e)}}}
	}, want: teamOnlyCells(201)},
	{route: "POST /cases/:id/plans/decision", prep: caseIn(stageSubmitted), body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"decision": "approve", "version": tg.Version}
	}, want: rektorOnlyCells(200)},
	{route: "POST /cases/:id/followups", prep: func(e *env, s mxSubject) mxTarget {
		tg := caseIn(stageActive)(e, s)
		tg.MeasureID = e.scalar(`SELECT m.id FROM measures m JOIN plans p ON p.id = m.plan_id WHERE p.case_id = $1 AND p.status = 'approved'`, tg.ID)
		return tg
	}, body: func(e *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"held_on": todayOf(e), "results": []any{map[string]any{"measure_id": tg.MeasureID, "result": "improved"}}, "version": tg.Version}
	}, want: teamOnlyCells(201)},
	// A report of concern to social services is every staff member's own duty: never gated by role.
	{route: "POST /cases/:id/escalations", prep: caseIn(stageReported), body: func(e *env, _ mxTarget, _ mxSubject) any {
		return map[string]any{"kind": "report_of_concern", "occurred_on": todayOf(e), "note": "Oro"}
	}, want: mxWant{
		mentor: mxCells{201, 404, 404},
		eht:    mxCells{201, 404, 404},
		rektor: mxCells{201, 404, 201},
		admin:  mxCells{201, 404, 404},
	}},
	{route: "POST /cases/:id/contacts", prep: caseIn(stageReported), body: func(e *env, _ mxTarget, _ mxSubject) any {
		return map[string]any{"contacted_on": todayOf(e), "method": "phone", "note": "Samtal"}
	}, want: mxWant{
		mentor: mxCells{201, 404, 404},
		eht:    mxCells{201, 404, 404},
		rektor: mxCells{201, 404, 201},
		admin:  mxCells{403, 404, 404},
	}},
	{route: "POST /cases/:id/close", prep: caseIn(stageActive), body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"reason": "attendance_restored", "child_view": "Bra", "version": tg.Version}
	}, want: teamOnlyCells(200)},
	{route: "POST /cases/:id/reopen", prep: caseIn(stageClosed), body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"reason": "Frånvaron ökar igen", "version": tg.Version}
	}, want: teamOnlyCells(200)},
	{route: "POST /notices/:id/send", prep: func(e *env, s mxSubject) mxTarget {
		tg := caseIn(stageInvestigating)(e, s)
		tg.ID = e.scalar(`SELECT id FROM notices WHERE case_id = $1 AND kind = 'investigation_started'`, tg.ID)
		return tg
	}, want: rektorOnlyCells(200)},
	// The huvudman receives every notice of its schools, a protected identity's too (masked).
	{route: "POST /notices/:id/receive", prep: func(e *env, s mxSubject) mxTarget {
		tg := caseIn(stageInvestigating)(e, s)
		tg.ID = e.scalar(`UPDATE notices SET sent_at = now() WHERE case_id = $1 AND kind = 'investigation_started' RETURNING id`, tg.ID)
		return tg
	}, want: mxWant{
		mentor: everywhere(403),
		eht:    everywhere(403),
		rektor: everywhere(403),
		admin:  mxCells{200, 404, 200},
	}},
	{route: "GET /users", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "POST /users", body: func(e *env, _ mxTarget, s mxSubject) any {
		school := e.org.SchoolA
		if s == other {
			school = e.org.SchoolB
		}
		return map[string]any{"username": fmt.Sprintf("ny.%d", matrixSeq.Add(1)), "display_name": "Ny Användare", "role": "eht",
			"school_ids": []int64{school}, "password": "ett-långt-lösenord"}
	}, want: adminOnlyCells(mxCells{201, 422, notApplicable})},
	{route: "PUT /users/:id", prep: func(e *env, s mxSubject) mxTarget { return mxTarget{ID: e.userAt(s, narvaro.RoleEHT)} },
		body: func(e *env, _ mxTarget, _ mxSubject) any {
			return map[string]any{"username": fmt.Sprintf("andrad.%d", matrixSeq.Add(1)), "display_name": "Ändrad", "role": "eht", "school_ids": []int64{e.org.SchoolA}}
		}, want: adminOnlyCells(mxCells{200, 404, notApplicable})},
	{route: "GET /tokens", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "POST /users/:id/tokens", prep: func(e *env, s mxSubject) mxTarget { return mxTarget{ID: e.userAt(s, narvaro.RoleEHT)} },
		body: func(*env, mxTarget, mxSubject) any { return map[string]any{"name": "Integration"} }, want: adminOnlyCells(mxCells{201, 404, notApplicable})},
	{route: "DELETE /tokens/:id", prep: func(e *env, s mxSubject) mxTarget {
		u := e.userAt(s, narvaro.RoleEHT)
		e.token(u)
		return mxTarget{ID: e.scalar(`SELECT id FROM api_tokens WHERE user_id = $1`, u)}
	}, want: adminOnlyCells(mxCells{200, 404, notApplicable})},

	// Attendance import and detection (internal/web/attendance.go): imports are the huvudman's
	// administrator's; detection also the school's EHT and rektor.
	{route: "GET /layouts", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)}},
	{route: "POST /imports/preview", query: "?layout=skola24-dag", body: attendanceFile, want: adminOnlyCells(everywhere(200))},
	{route: "POST /imports", query: "?layout=skola24-dag", body: attendanceFile, want: adminOnlyCells(everywhere(201))},
	{route: "GET /imports", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "GET /imports/:id", prep: func(e *env, s mxSubject) mxTarget {
		h := e.org.HuvudmanA
		if s == other {
			h = e.org.HuvudmanB
		}
		return mxTarget{ID: e.scalar(`INSERT INTO attendance_imports (huvudman_id, file_name, file_sha256, layout) VALUES ($1, 'närvaro.csv', '', 'skola24-dag') RETURNING id`, h)}
	}, want: adminOnlyCells(mxCells{200, 404, notApplicable})},
	{route: "POST /detection/run", want: mxWant{mentor: everywhere(403), eht: everywhere(200), rektor: everywhere(200), admin: everywhere(200)}},

	// Reports and follow-up rounds (internal/web/reports.go): the huvudman's administrator.
	{route: "GET /reports/period", query: "?from=2026-08-17&to=2026-12-18", want: adminOnlyCells(everywhere(200))},
	{route: "GET /reports/period.csv", query: "?from=2026-08-17&to=2026-12-18", want: adminOnlyCells(everywhere(200))},
	{route: "GET /reports/period.pdf", query: "?from=2026-08-17&to=2026-12-18", want: adminOnlyCells(everywhere(200))},
	{route: "GET /rounds", want: mxWant{mentor: everywhere(403), eht: everywhere(200), rektor: everywhere(200), admin: everywhere(200)}, list: &listSpec{}},
	{route: "POST /rounds", body: func(e *env, _ mxTarget, _ mxSubject) any {
		return map[string]any{"name": fmt.Sprintf("Omgång %d", matrixSeq.Add(1)), "due_on": todayOf(e)}
	}, want: adminOnlyCells(everywhere(201))},
	// A round item names a case (not the student): a protected identity's item is for the rektor
	// and the huvudman (who receives every notice), not for an EHT member outside the team.
	{route: "GET /rounds/:id", prep: roundFor(false), want: mxWant{
		mentor: everywhere(403),
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 200},
	}},
	{route: "POST /rounds/:id/answers", prep: roundFor(false), body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"answers": []any{map[string]any{"notice_id": tg.NoticeID, "absence_continues": false, "can_close": true, "comment": "Närvaron är god"}}}
	}, want: mxWant{
		mentor: everywhere(403),
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  everywhere(403),
	}},
	{route: "POST /rounds/:id/confirm", prep: roundFor(true), body: func(_ *env, tg mxTarget, _ mxSubject) any {
		return map[string]any{"notice_ids": []int64{tg.NoticeID}}
	}, want: mxWant{
		mentor: everywhere(403),
		eht:    everywhere(403),
		rektor: everywhere(403),
		admin:  mxCells{200, 404, 200},
	}},

	// Formal documents (internal/web/documents.go): a notice may be read by everyone who sees the
	// case (the huvudman receives it); a secret document needs the case's secret parts.
	{route: "GET /cases/:id/documents", prep: caseIn(stageInvestigating), want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "GET /cases/:id/documents/:kind", variant: "notice", prep: documentOf("notice_huvudman", false), want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "GET /cases/:id/documents/:kind", variant: "secret", prep: documentOf("assessment_decision", false), want: teamOnlyCells(200)},
	{route: "POST /cases/:id/documents/:kind/reissue", prep: documentOf("assessment_decision", true), want: rektorOnlyCells(201)},
	{route: "GET /students/:id/access-log.pdf", prep: studentInPath, want: accessLogCells},

	// Security (internal/web/security.go).
	{route: "GET /audit", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "GET /audit/review", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "GET /students/:id/access-log", prep: studentInPath, want: accessLogCells},
	{route: "GET /students/:id/access-log.csv", prep: studentInPath, want: accessLogCells},
	{route: "POST /cases/:id/legal-hold", prep: caseIn(stageClosed), body: func(*env, mxTarget, mxSubject) any {
		return map[string]any{"hold": true, "reason": "Överklagat"}
	}, want: mxWant{
		mentor: everywhere(403),
		eht:    everywhere(403),
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "GET /retention/plan", want: adminOnlyCells(everywhere(200))},
	{route: "POST /retention/run", want: adminOnlyCells(everywhere(200))},
}

// attendanceFile is a small Skola24 day export for the own school's fixture student (sent as
// the raw body).
func attendanceFile(e *env, _ mxTarget, _ mxSubject) any {
	var pnr string
	if err := e.store.DB.Get(&pnr, `SELECT personnummer FROM students WHERE id = $1`, e.org.StudentA); err != nil {
		e.t.Fatal(err)
	}
	return "Personnummer;Förnamn;Efternamn;Klass;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n" +
		pnr + ";Åsa;Öberg;8A;2026-09-14;330;0;30\n" + pnr + ";Åsa;Öberg;8A;2026-09-15;300;60;0\n"
}

// roundFor makes a follow-up round of the subject's huvudman that asks about exactly one notice:
// the sent notice of a fresh case of the subject (answered "can close" when answered is set).
func roundFor(answered bool) func(e *env, s mxSubject) mxTarget {
	return func(e *env, s mxSubject) mxTarget {
		caseID, st := e.caseAt(s, stageInvestigating)
		notice := e.scalar(`UPDATE notices SET sent_at = now() WHERE case_id = $1 AND kind = 'investigation_started' RETURNING id`, caseID)
		admin := e.org.A.Admin
		if s == other {
			admin = e.org.B.Admin
		}
		round := e.scalar(`INSERT INTO followup_rounds (huvudman_id, name, due_on, created_by)
			SELECT huvudman_id, 'Matris ' || $2::text, current_date + 14, $3 FROM cases WHERE id = $1 RETURNING id`, caseID, fmt.Sprint(matrixSeq.Add(1)), admin)
		if _, err := e.store.DB.Exec(`INSERT INTO followup_round_items (round_id, notice_id, case_id, school_id, category, absence_continues, can_close, answered_by, answered_at)
			SELECT $1, $2, c.id, c.school_id, 'municipal', CASE WHEN $4 THEN false END, CASE WHEN $4 THEN true END, CASE WHEN $4 THEN $5::bigint END, CASE WHEN $4 THEN now() END
			FROM cases c WHERE c.id = $3`, round, notice, caseID, answered, e.rektorOf(s).UserID); err != nil {
			e.t.Fatal(err)
		}
		return mxTarget{ID: round, StudentID: st, NoticeID: notice}
	}
}

// documentOf prepares an investigating case and names a document kind of it; issued asks its
// rektor to issue it first (a reissue needs an issued version).
func documentOf(kind string, issued bool) func(e *env, s mxSubject) mxTarget {
	return func(e *env, s mxSubject) mxTarget {
		tg := caseIn(stageInvestigating)(e, s)
		tg.Kind = kind
		if issued {
			method, path := matrixPath("GET /cases/:id/documents/:kind", tg)
			e.must(200, e.call(e.rektorOf(s).UserID, method, path, nil))
		}
		return tg
	}
}

// teamOnlyCells: the EHT member and the rektor work the case (the rektor also for a protected
// identity); the mentor and the administrator see it but may not change it.
func teamOnlyCells(ok int) mxWant {
	return mxWant{
		mentor: mxCells{403, 404, 404},
		eht:    mxCells{ok, 404, 404},
		rektor: mxCells{ok, 404, ok},
		admin:  mxCells{403, 404, 404},
	}
}

// rektorOnlyCells: decisions and notices are the rektor's.
func rektorOnlyCells(ok int) mxWant {
	return mxWant{
		mentor: mxCells{403, 404, 404},
		eht:    mxCells{403, 404, 404},
		rektor: mxCells{ok, 404, ok},
		admin:  mxCells{403, 404, 404},
	}
}

func adminOnlyCells(c mxCells) mxWant {
	forbidden := mxCells{403, 403, 403}
	for i := range c {
		if c[i] == notApplicable {
			forbidden[i] = notApplicable
		}
	}
	return mxWant{forbidden, forbidden, forbidden, c}
}

// The access-log extract: the administrator (not for a protected identity) or the rektor.
var accessLogCells = mxWant{
	mentor: everywhere(403),
	eht:    everywhere(403),
	rektor: mxCells{200, 404, 200},
	admin:  mxCells{200, 404, 404},
}

func matrixPath(route string, tg mxTarget) (method, path string) {
	method, path, _ = strings.Cut(route, " ")
	path = strings.Replace(path, ":id", strconv.FormatInt(tg.ID, 10), 1)
	return method, "/api/v1" + strings.Replace(path, ":kind", tg.Kind, 1)
}

func TestAuthorizationMatrixCoversEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rows, names := map[string]bool{}, map[string]bool{}
	for _, r := range matrix {
		if names[r.route+" "+r.variant] {
			t.Errorf("route %s has two rows named %q", r.route, r.variant)
		}
		names[r.route+" "+r.variant] = true
		rows[r.route] = true
	}
	served := e.web.APIRouteTable()
	for _, r := range served {
		if !rows[r] {
			t.Errorf("route %s has no row in the authorization matrix (internal/web/authz_matrix_test.go): state who may call it", r)
		}
	}
	for r := range rows {
		if !slices.Contains(served, r) {
			t.Errorf("matrix row %s names no served route", r)
		}
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	for _, row := range matrix {
		t.Run(strings.TrimSpace(row.route+" "+row.variant), func(t *testing.T) {
			t.Parallel()
			e, revoked := newMatrixEnv(t)
			var world *listWorld
			if row.list != nil {
				world = newListWorld(e)
			}
			// A change that should succeed gets a fresh record; reads and cells that should be
			// refused share one record per subject (they change nothing; if one wrongly succeeds,
			// it is reported and the later cells may differ).
			shared := map[mxSubject]mxTarget{}
			prep := func(s mxSubject, fresh bool) mxTarget {
				if row.prep == nil {
					return mxTarget{}
				}
				if fresh {
					return row.prep(e, s)
				}
				if _, ok := shared[s]; !ok {
					shared[s] = row.prep(e, s)
				}
				return shared[s]
			}
			send := func(user int64, s mxSubject, tg mxTarget, headers ...string) response {
				t.Helper()
				var body any
				if row.body != nil {
					body = row.body(e, tg, s)
				}
				method, path := matrixPath(row.route, tg)
				return e.call(user, method, path+row.query, body, headers...)
			}
			for _, r := range mxRoles {
				for _, s := range cellsToRun(row.want.of(r)) {
					want := row.want.of(r)[s]
					res := send(r.user(e), s, prep(s, want < 300 && !strings.HasPrefix(row.route, "GET ")))
					if res.Status != want {
						t.Errorf("%s as %s on %s: status %d, want %d: %s", row.route, r, s, res.Status, want, clipBody(res.Body))
					}
					if res.Status >= 400 {
						expectErrorShape(t, res)
					}
					if world != nil && res.Status == 200 {
						world.check(t, row, r, res)
					}
					if s == protected && res.Status < 300 && !row.identity {
						expectMasked(t, row, r, res)
					}
					if (r == mentor || r == admin) && res.Status < 300 {
						for _, secret := range row.secrets {
							if strings.Contains(string(res.Body), secret) {
								t.Errorf("%s as %s shows the secret %q", row.route, r, secret)
							}
						}
					}
				}
			}
			// Signed out and revoked: 401 in every cell, before anything is looked up.
			for _, s := range cellsToRun(row.want.admin) {
				tg := prep(s, false)
				if res := send(0, s, tg); res.Status != 401 {
					t.Errorf("%s signed out on %s: status %d, want 401: %s", row.route, s, res.Status, clipBody(res.Body))
				}
				if res := send(0, s, tg, "Authorization", "Bearer "+revoked); res.Status != 401 {
					t.Errorf("%s with a revoked token on %s: status %d, want 401: %s", row.route, s, res.Status, clipBody(res.Body))
				}
			}
		})
	}
}

// cellsToRun skips notApplicable cells, and runs a route that is the same for every subject once.
func cellsToRun(c mxCells) []mxSubject {
	if c[0] == c[1] && c[1] == c[2] {
		return []mxSubject{own}
	}
	var out []mxSubject
	for _, s := range mxSubjects {
		if c[s] != notApplicable {
			out = append(out, s)
		}
	}
	return out
}

// expectMasked: an answer about a protected identity carries neither the name nor the
// personnummer (born in July 2014 in this matrix), not even to those who may work the case.
// PDFs are checked by the documents' own tests.
func expectMasked(t *testing.T, row matrixRow, r mxRole, res response) {
	t.Helper()
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/pdf") {
		return
	}
	for _, leak := range []string{"Hemlig", "Personsson", "201407"} {
		if strings.Contains(string(res.Body), leak) {
			t.Errorf("%s as %s names the protected identity (%q): %s", row.route, r, leak, clipBody(res.Body))
		}
	}
}

func expectErrorShape(t *testing.T, res response) {
	t.Helper()
	var b struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	if err := json.Unmarshal(res.Body, &b); err != nil || b.Error.Code == "" || b.Error.Message == "" || b.Error.RequestID == "" {
		t.Errorf("error answer %d is not the error shape: %s", res.Status, clipBody(res.Body))
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("error answer %d has Content-Type %q", res.Status, res.Header.Get("Content-Type"))
	}
}

func clipBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(bytes.TrimSpace(b))
}
