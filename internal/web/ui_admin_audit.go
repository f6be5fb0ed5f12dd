package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Paging of the audit log: QueryAudit answers at most auditMaxRows newest-first rows, so page
// n asks for the first n pages (plus one row, to know whether there is a next page). Deep pages
// cost more than the first; the filters are the way to a narrow result.
const (
	auditPageSize = 50
	auditMaxRows  = 5000
)

// auditActions are the actions the audit log records, offered as a choice.
var auditActions = []string{audit.Read, audit.Create, audit.Update, audit.Download, audit.Export,
	audit.SignIn, "sign_in_failed", audit.SignOut, audit.Dispose}

// auditData is the audit-log viewer: the filters, one page of rows and the links around it.
type auditData struct {
	Users      []narvaro.User
	Actions    []string
	Rows       []postgres.AuditEntry
	Page       int
	Prev, Next string
	// Capped: the filters match more rows than the viewer pages through.
	Capped bool
}

func (u *ui) adminAudit(c *gin.Context) {
	if !u.allowed(c, auth.ViewAuditLog) {
		return
	}
	ctx, a := c.Request.Context(), actor(c)
	q := c.Request.URL.Query()
	f := newFormState("audit", q)
	d := &auditData{Actions: auditActions, Page: 1}
	users, err := u.s.store.ListUsers(ctx, a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d.Users = users
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		d.Page = min(n, auditMaxRows/auditPageSize)
	}
	// The page sets the limit; paging is not a filter.
	fields := url.Values{}
	for k, v := range q {
		if k != "limit" && k != "page" {
			fields[k] = v
		}
	}
	var filter postgres.AuditFilter
	err = bindFilter(fields, &filter)
	if err == nil {
		filter.Limit = min(d.Page*auditPageSize+1, auditMaxRows)
		// The store records this search in the audit log, filters and all.
		d.Rows, err = u.s.store.QueryAudit(ctx, a, filter)
	}
	status := http.StatusOK
	if err != nil {
		if !u.formFailed(c, f, err) {
			return
		}
		status = statusOf(f.Code)
	}
	start, end := (d.Page-1)*auditPageSize, d.Page*auditPageSize
	switch {
	case len(d.Rows) > end:
		d.Next = auditPageURL(q, d.Page+1)
	case len(d.Rows) == auditMaxRows && end >= auditMaxRows:
		d.Capped = true
	}
	d.Rows = d.Rows[min(start, len(d.Rows)):min(end, len(d.Rows))]
	if d.Page > 1 {
		d.Prev = auditPageURL(q, d.Page-1)
	}
	p := u.newPage(c, "admin", d)
	p.setForm(f)
	u.render(c, status, "admin_audit", p)
}

func auditPageURL(q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "page" && len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	v.Set("page", strconv.Itoa(page))
	return "/admin/audit?" + v.Encode()
}

// AuditAction names an audit action in the page's language; an action without a text is
// shown as recorded.
func (p *page) AuditAction(action string) string {
	if t := p.T("adm_action_" + action); !strings.HasPrefix(t, "[") {
		return t
	}
	return action
}

// RoleName names a role given as text (an audit row's), "" for none.
func (p *page) RoleName(role string) string {
	if role == "" {
		return ""
	}
	return p.Role(narvaro.Role(role))
}

// Detail shows an audit row's detail compactly.
func (p *page) Detail(raw []byte) string {
	s := string(raw)
	if s == "" || s == "{}" || s == "null" {
		return ""
	}
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

// accessLogData is one student's access-log extract with its downloads.
type accessLogData struct {
	StudentID int64
	X         *postgres.AccessLogExtract
	CSV, PDF  template.URL
}

// accessLogPage lists who read or changed a student's data (administrators, and rektorer for
// their school's students). Making the extract is itself logged by the store.
func (u *ui) accessLogPage(c *gin.Context) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	// The store decides (and for which students); asking first keeps a refused person from
	// getting even the empty form.
	if a := actor(c); a.Role != narvaro.RoleAdmin && a.Role != narvaro.RoleRektor {
		u.errorPage(c, narvaro.Forbidden())
		return
	}
	q := c.Request.URL.Query()
	f := newFormState("access", q)
	var in accessLogQuery
	if err := bindFilter(q, &in); err != nil {
		if !u.formFailed(c, f, err) {
			return
		}
		p := u.newPage(c, "students", &accessLogData{StudentID: id})
		p.setForm(f)
		u.render(c, statusOf(f.Code), "admin_access_log", p)
		return
	}
	from, to := dayBounds(in.From, in.To)
	x, err := u.s.store.AccessLog(c.Request.Context(), actor(c), id, from, to)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &accessLogData{StudentID: id, X: x}
	period := url.Values{}
	for k, v := range map[string]string{"from": in.From, "to": in.To} {
		if v != "" {
			period.Set(k, v)
		}
	}
	suffix := ""
	if len(period) > 0 {
		suffix = "?" + period.Encode()
	}
	sid := strconv.FormatInt(id, 10)
	if u.served("/api/v1/students/:id/access-log.csv") {
		d.CSV = template.URL("/api/v1/students/" + sid + "/access-log.csv" + suffix) //nolint:gosec // an id and query-encoded dates
	}
	if u.served("/students/:id/access-log.pdf") {
		d.PDF = template.URL("/students/" + sid + "/access-log.pdf" + suffix) //nolint:gosec // an id and query-encoded dates
	}
	p := u.newPage(c, "students", d)
	p.setForm(f)
	u.render(c, http.StatusOK, "admin_access_log", p)
}

// dayBounds turns inclusive Swedish dates (already checked) into the extract's period; an empty
// date leaves that end open.
func dayBounds(fromDay, toDay string) (time.Time, time.Time) {
	var from, to time.Time
	if d, err := narvaro.ParseDate(fromDay); err == nil {
		from = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, postgres.Stockholm())
	}
	if d, err := narvaro.ParseDate(toDay); err == nil {
		to = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, postgres.Stockholm()).AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return from, to
}
