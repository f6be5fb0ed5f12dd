package web

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// homeData is the start page: what needs the signed-in person now, by role.
type homeData struct {
	Signals     []postgres.Signal
	MyCases     []caseRow
	Overdue     []postgres.Task
	Upcoming    []postgres.Task
	Decisions   []postgres.Task
	SendNotices []postgres.Task
	Receive     []postgres.Task
	LateNotices []postgres.Task
	Counts      *countTable
	AdminLinks  []adminLink
	Students    []postgres.StudentHit
}

// caseRow is a case in a list with its next deadline.
type caseRow struct {
	postgres.CaseSummary
	DueKind string
	Due     narvaro.Date
	Overdue bool
}

func (u *ui) caseRows(list []postgres.CaseSummary, today narvaro.Date) []caseRow {
	out := make([]caseRow, 0, len(list))
	for _, cs := range list {
		r := caseRow{CaseSummary: cs}
		switch cs.Status {
		case cases.Investigating:
			r.DueKind, r.Due = "deadline_investigation", cs.InvestigationDue
		case cases.Active:
			r.DueKind, r.Due = "deadline_followup", cs.NextFollowUp
		}
		r.Overdue = !r.Due.IsZero() && r.Due.Before(today)
		out = append(out, r)
	}
	return out
}

// countTable is cases per school and status.
type countTable struct {
	Statuses []cases.Status
	Rows     []countRow
	Totals   []int
	Total    int
}

type countRow struct {
	School string
	Counts []int
	Total  int
}

func buildCounts(counts []postgres.SchoolCaseCount) *countTable {
	t := &countTable{Statuses: cases.Statuses, Totals: make([]int, len(cases.Statuses))}
	idx := map[int64]int{}
	for _, c := range counts {
		i, ok := idx[c.SchoolID]
		if !ok {
			i = len(t.Rows)
			idx[c.SchoolID] = i
			t.Rows = append(t.Rows, countRow{School: c.SchoolName, Counts: make([]int, len(cases.Statuses))})
		}
		if j := slices.Index(cases.Statuses, cases.Status(c.Status)); j >= 0 {
			t.Rows[i].Counts[j] += c.Count
			t.Rows[i].Total += c.Count
			t.Totals[j] += c.Count
			t.Total += c.Count
		}
	}
	return t
}

// adminLink is a link to an administration page, shown when that page is served.
type adminLink struct{ Path, Label string }

// adminPages are the administration pages other features provide; only those registered are
// linked, so the start page never links to a page that does not exist.
var adminPages = []adminLink{
	{"/reports", "admin_reports"},
	{"/admin/users", "admin_users"},
	{"/admin/schools", "admin_schools"},
	{"/admin/tokens", "admin_tokens"},
	{"/admin/import", "admin_import"},
	{"/admin/attendance", "admin_import"},
	{"/admin/audit", "admin_audit"},
	{"/admin/retention", "admin_retention"},
}

func (u *ui) adminLinks() []adminLink {
	served := map[string]bool{}
	for _, r := range u.s.engine.Routes() {
		if r.Method == http.MethodGet {
			served[r.Path] = true
		}
	}
	var out []adminLink
	for _, l := range adminPages {
		if served[l.Path] {
			out = append(out, l)
		}
	}
	return out
}

func (u *ui) home(c *gin.Context) { u.homeWith(c, nil, http.StatusOK) }

// homeWith renders the start page, with a form that was just rejected (f) if any.
func (u *ui) homeWith(c *gin.Context, f *formState, status int) {
	ctx := c.Request.Context()
	a := actor(c)
	d := &homeData{}
	tasks, err := u.s.store.Tasks(ctx, a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	for _, t := range tasks {
		switch {
		case t.Kind == "decide" || (t.Kind == "assess" && a.Role == narvaro.RoleRektor):
			d.Decisions = append(d.Decisions, t)
		case t.Kind == "send_notice":
			d.SendNotices = append(d.SendNotices, t)
		case t.Kind == "receive_notice":
			d.Receive = append(d.Receive, t)
		case t.Kind == "overdue_notice":
			d.LateNotices = append(d.LateNotices, t)
		case t.Kind == "signal":
			// Signals are listed with their figures below.
		case t.Overdue:
			d.Overdue = append(d.Overdue, t)
		default:
			d.Upcoming = append(d.Upcoming, t)
		}
	}
	switch a.Role {
	case narvaro.RoleEHT, narvaro.RoleRektor, narvaro.RoleMentor:
		if d.Signals, err = u.s.store.ListSignals(ctx, a, postgres.SignalFilter{Status: "open", Limit: 100}); err != nil {
			u.errorPage(c, err)
			return
		}
		filter := postgres.CaseFilter{Mine: a.Role != narvaro.RoleMentor, Limit: 100}
		list, err := u.s.store.ListCases(ctx, a, filter)
		if err != nil {
			u.errorPage(c, err)
			return
		}
		open := list[:0]
		for _, cs := range list {
			if cs.Status.Open() {
				open = append(open, cs)
			}
		}
		p := u.newPage(c, "home", d)
		d.MyCases = u.caseRows(open, p.Today)
		if a.Role == narvaro.RoleMentor {
			if d.Students, err = u.s.store.SearchStudents(ctx, a, "", 100); err != nil {
				u.errorPage(c, err)
				return
			}
		}
		if f != nil {
			p.setForm(f)
		}
		u.render(c, status, "home", p)
		return
	case narvaro.RoleAdmin:
		counts, err := u.s.store.CaseCounts(ctx, a)
		if err != nil {
			u.errorPage(c, err)
			return
		}
		d.Counts = buildCounts(counts)
		d.AdminLinks = u.adminLinks()
	}
	u.render(c, status, "home", u.newPage(c, "home", d))
}

// sendNotice marks a notice to the huvudman as sent (the rektor's button).
func (u *ui) sendNotice(c *gin.Context) {
	u.noticeAction(c, func(id int64) error { return u.s.store.SendNotice(c.Request.Context(), actor(c), id) }, "flash_notice_sent")
}

// receiveNotice acknowledges a notice (the administrator's button).
func (u *ui) receiveNotice(c *gin.Context) {
	u.noticeAction(c, func(id int64) error { return u.s.store.ReceiveNotice(c.Request.Context(), actor(c), id) }, "flash_notice_received")
}

func (u *ui) noticeAction(c *gin.Context, run func(int64) error, okFlash string) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	if _, err := readForm(c); err != nil {
		u.errorPage(c, err)
		return
	}
	back := safeNext(c.PostForm("back"))
	if err := run(id); err != nil {
		e := narvaro.AsError(err)
		if e.Code == narvaro.CodeConflict || e.Code == narvaro.CodeForbidden {
			u.flash(c, "error", e.Message)
			c.Redirect(http.StatusSeeOther, back)
			return
		}
		u.errorPage(c, err)
		return
	}
	u.flashKey(c, "ok", okFlash)
	c.Redirect(http.StatusSeeOther, back)
}
