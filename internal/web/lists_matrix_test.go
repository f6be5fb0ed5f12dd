package web_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// subjectSet is which subjects' records a caller finds in a list.
type subjectSet map[mxSubject]bool

func sees(s ...mxSubject) subjectSet {
	out := subjectSet{}
	for _, x := range s {
		out[x] = true
	}
	return out
}

func (s subjectSet) String() string {
	var names []string
	for _, x := range mxSubjects {
		if s[x] {
			names = append(names, x.String())
		}
	}
	return "{" + strings.Join(names, ", ") + "}"
}

// listSpec says what a list, count or search answer holds for each role: the records of which
// subjects. Whatever the role, the answer never holds another school's records, a protected
// identity's name or personnummer, nor anything of the other huvudman (see leaks).
type listSpec struct {
	idKind                     string // what "id" means in the answer: case, signal, student ("": nothing)
	mentor, eht, rektor, admin subjectSet
}

func (l listSpec) of(r mxRole) subjectSet {
	return [...]subjectSet{l.mentor, l.eht, l.rektor, l.admin}[r]
}

// listWorld gives each subject two students: one with an open signal and a reported case
// (the rektor's "assess" task), one with an investigation whose notice to the huvudman is sent
// (the administrator's "receive" task). School B's huvudman has users, tokens and audit rows.
type listWorld struct {
	ids   map[string]map[mxSubject][]int64 // kind → mxSubject → ids
	leaks []string
}

func newListWorld(e *env) *listWorld {
	w := &listWorld{ids: map[string]map[mxSubject][]int64{"case": {}, "signal": {}, "student": {}, "notice": {}}}
	add := func(kind string, s mxSubject, id int64) { w.ids[kind][s] = append(w.ids[kind][s], id) }
	for _, s := range mxSubjects {
		g, st := e.signalFor(s)
		add("signal", s, g)
		add("student", s, st)
		add("case", s, e.drive(e.rektorOf(s), st, stageReported))
		c2, st2 := e.caseAt(s, stageInvestigating)
		add("case", s, c2)
		add("student", s, st2)
		add("notice", s, e.scalar(`UPDATE notices SET sent_at = now() WHERE case_id = $1 AND kind = 'investigation_started' RETURNING id`, c2))
	}
	e.token(e.org.B.EHT)
	// Names and numbers that must never reach a school A caller in a list.
	w.leaks = []string{"Främling", "Annanskola", "Hemlig", "Personsson", "Betaskolan", "FRI 20", "eht.b", "rektor.b", "mentor.b", "admin.b"}
	for _, kind := range []mxSubject{other, protected} {
		for _, id := range w.ids["student"][kind] {
			var pnr string
			if err := e.store.DB.Get(&pnr, `SELECT personnummer FROM students WHERE id = $1`, id); err != nil {
				e.t.Fatal(err)
			}
			w.leaks = append(w.leaks, pnr)
			if kind == other {
				w.leaks = append(w.leaks, pnr[:9]+"****")
			}
		}
	}
	return w
}

// check looks into a 200 answer of a list row: nothing leaks, and the records found belong to
// exactly the subjects the role should find.
func (w *listWorld) check(t *testing.T, row matrixRow, r mxRole, res response) {
	t.Helper()
	for _, leak := range w.leaks {
		if strings.Contains(string(res.Body), leak) {
			t.Errorf("%s as %s leaks %q: %s", row.route, r, leak, clipBody(res.Body))
		}
	}
	want := row.list.of(r)
	if want == nil {
		return
	}
	var doc any
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatalf("%s: %v", row.route, err)
	}
	got := subjectSet{}
	keys := map[string]string{"case_id": "case", "signal_id": "signal", "student_id": "student", "notice_id": "notice"}
	if row.list.idKind != "" {
		keys["id"] = row.list.idKind
	}
	walkIDs(doc, func(key string, id int64) {
		kind, ok := keys[key]
		if !ok {
			return
		}
		for s, ids := range w.ids[kind] {
			if slices.Contains(ids, id) {
				got[s] = true
			}
		}
	})
	if !maps.Equal(got, want) {
		t.Errorf("%s as %s finds records of %s, want %s", row.route, r, got, want)
	}
}

// walkIDs calls fn for every integer under a key anywhere in a JSON document.
func walkIDs(v any, fn func(key string, id int64)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if f, ok := c.(float64); ok {
				fn(k, int64(f))
			}
			walkIDs(c, fn)
		}
	case []any:
		for _, c := range x {
			walkIDs(c, fn)
		}
	}
}

// What a list shows agrees with what opening each record answers: a case is in a caller's list
// exactly when the caller may open it, so no list reveals a record its detail would hide.
func TestCaseListsAgreeWithCaseDetail(t *testing.T) {
	t.Parallel()
	e, _ := newMatrixEnv(t)
	w := newListWorld(e)
	// A protected student with two cases, the EHT member on the team of the first only: the
	// policy is per student, so both cases show, and both open.
	st := e.student(protected)
	first := e.drive(e.rektorOf(protected), st, stageClosed)
	if _, err := e.store.DB.Exec(`INSERT INTO case_members (case_id, user_id) VALUES ($1, $2)`, first, e.org.A.EHT); err != nil {
		t.Fatal(err)
	}
	second := e.drive(e.rektorOf(protected), st, stageReported)
	all := []int64{first, second}
	for _, ids := range w.ids["case"] {
		all = append(all, ids...)
	}
	for _, r := range mxRoles {
		var list []struct{ ID int64 }
		e.must(200, e.call(r.user(e), "GET", "/api/v1/cases?limit=500", nil)).json(t, &list)
		listed := map[int64]bool{}
		for _, c := range list {
			listed[c.ID] = true
		}
		for _, id := range all {
			status := e.call(r.user(e), "GET", fmt.Sprintf("/api/v1/cases/%d", id), nil).Status
			if (status == 200) != listed[id] {
				t.Errorf("%s: case %d listed %v but opening it answers %d", r, id, listed[id], status)
			}
		}
		if r == eht && (!listed[first] || !listed[second]) {
			t.Errorf("the EHT member on the protected student's team does not see both of the student's cases")
		}
	}
}
