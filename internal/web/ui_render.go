package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// ui is the server-rendered interface: one template set per page (the layout, the shared
// partials and the page), parsed once at start-up, and the page texts in Swedish and English.
type ui struct {
	s     *Server
	pages map[string]*template.Template
	cat   *catalog
	wheel *wheel.Wheel
}

// requiredPages are the pages the handlers render; start-up fails when one is missing.
var requiredPages = []string{"login", "home", "students", "student", "case", "case_new", "investigation",
	"wheel", "plan", "followup", "cases", "error"}

// newUI parses every page's template set and the message catalogues from fsys.
func newUI(s *Server, fsys fs.FS) (*ui, error) {
	cat, err := loadCatalog(fsys)
	if err != nil {
		return nil, err
	}
	pages, err := loadPages(fsys)
	if err != nil {
		return nil, err
	}
	u := &ui{s: s, pages: pages, cat: cat}
	if s != nil && s.cfg != nil {
		u.wheel = s.cfg.Wheel
	}
	return u, nil
}

// loadPages builds one template set per file in pages/. Each set must define "title" and
// "content"; parse errors and missing pages are reported with the file's name.
func loadPages(fsys fs.FS) (map[string]*template.Template, error) {
	files, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".html")
		patterns := append([]string{"layout.html"}, partials...)
		patterns = append(patterns, file)
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(fsys, patterns...)
		if err != nil {
			return nil, fmt.Errorf("template set for page %q (%s): %w", name, file, err)
		}
		for _, block := range []string{"layout", "title", "content"} {
			if t.Lookup(block) == nil {
				return nil, fmt.Errorf("template set for page %q (%s): no {{define %q}}", name, file, block)
			}
		}
		out[name] = t
	}
	for _, name := range requiredPages {
		if out[name] == nil {
			return nil, fmt.Errorf("template pages/%s.html is missing", name)
		}
	}
	return out, nil
}

// page is what every template receives: the request's language, the signed-in person, a flash
// message, the page's own data (D) and the state of its forms.
type page struct {
	Lang      string
	Actor     *narvaro.Actor
	Flash     string
	FlashKind string
	Path      string
	Nav       string
	Today     narvaro.Date
	D         any
	forms     map[string]*formState
	u         *ui
}

func (u *ui) newPage(c *gin.Context, nav string, data any) *page {
	p := &page{Lang: language(c), Actor: actor(c), Path: c.Request.URL.RequestURI(), Nav: nav, D: data,
		Today: narvaro.DateOf(u.s.store.Now().In(postgres.Stockholm())), forms: map[string]*formState{}, u: u}
	ctx := c.Request.Context()
	if kind := u.s.sessions.PopString(ctx, "flash_kind"); kind != "" {
		sv, en := u.s.sessions.PopString(ctx, "flash_sv"), u.s.sessions.PopString(ctx, "flash_en")
		p.FlashKind, p.Flash = kind, narvaro.Text{SV: sv, EN: en}.In(p.Lang)
	}
	return p
}

// flash keeps a message for the next page the person sees (after a redirect).
func (u *ui) flash(c *gin.Context, kind string, t narvaro.Text) {
	ctx := c.Request.Context()
	u.s.sessions.Put(ctx, "flash_kind", kind)
	u.s.sessions.Put(ctx, "flash_sv", t.SV)
	u.s.sessions.Put(ctx, "flash_en", t.EN)
}

// flashKey flashes a message from the page texts.
func (u *ui) flashKey(c *gin.Context, kind, id string) {
	u.flash(c, kind, narvaro.Text{SV: u.cat.text("sv", id), EN: u.cat.text("en", id)})
}

// render executes the page's template set into a buffer first, so a failing template gives a
// clean error page instead of half a page.
func (u *ui) render(c *gin.Context, status int, name string, p *page) {
	t := u.pages[name]
	if t == nil {
		logger(c).Error("no template set", "page", name)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		logger(c).Error("render page", "page", name, "error", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Ett internt fel inträffade / An internal error occurred ("+requestID(c)+")"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// errorPage answers a page request that failed: not found, forbidden or an internal error.
// Signed-out people are sent to sign in instead.
func (u *ui) errorPage(c *gin.Context, err error) {
	e := narvaro.AsError(err)
	logError(c, e)
	if e.Code == narvaro.CodeUnauthorized {
		c.Redirect(http.StatusSeeOther, "/login")
		return
	}
	status := statusOf(e.Code)
	p := u.newPage(c, "", errorData{Status: status, Message: e.Message.In(language(c)), RequestID: requestID(c)})
	u.render(c, status, "error", p)
}

type errorData struct {
	Status    int
	Message   string
	RequestID string
}

func (u *ui) notFound(c *gin.Context) { u.errorPage(c, notFoundError()) }

// T returns a page text in the page's language.
func (p *page) T(id string, args ...any) string { return p.u.cat.text(p.Lang, id, args...) }

// Tx returns a domain text (state labels, error messages) in the page's language.
func (p *page) Tx(t narvaro.Text) string { return t.In(p.Lang) }

// Date formats a date (narvaro.Date, time.Time or a pointer to either) the local way.
func (p *page) Date(v any) string {
	switch d := v.(type) {
	case narvaro.Date:
		return formatDate(p.Lang, d)
	case *narvaro.Date:
		if d != nil {
			return formatDate(p.Lang, *d)
		}
	case time.Time:
		return formatDate(p.Lang, narvaro.DateOf(d.In(postgres.Stockholm())))
	case *time.Time:
		if d != nil {
			return formatDate(p.Lang, narvaro.DateOf(d.In(postgres.Stockholm())))
		}
	case string:
		if dd, err := narvaro.ParseDate(d); err == nil {
			return formatDate(p.Lang, dd)
		}
		return d
	}
	return ""
}

// Time formats a point in time in Stockholm time.
func (p *page) Time(v any) string {
	switch t := v.(type) {
	case time.Time:
		return formatTime(p.Lang, t)
	case *time.Time:
		if t != nil {
			return formatTime(p.Lang, *t)
		}
	}
	return ""
}

// Pct formats a percentage (float64 or *float64).
func (p *page) Pct(v any) string {
	switch x := v.(type) {
	case float64:
		return formatPercent(p.Lang, x)
	case *float64:
		if x != nil {
			return formatPercent(p.Lang, *x)
		}
	}
	return "–"
}

// Domain names a wheel domain in the page's language.
func (p *page) Domain(key string) string { return p.u.wheel.Label(key, p.Lang) }

// Domains lists the configured wheel.
func (p *page) Domains() []wheel.Domain { return p.u.wheel.Domains() }

// Role names a role.
func (p *page) Role(r narvaro.Role) string { return r.Label().In(p.Lang) }

// Form returns a form's state (empty when the form was not just submitted).
func (p *page) Form(name string) *formState {
	if f, ok := p.forms[name]; ok {
		return f
	}
	f := newFormState(name, nil)
	p.setForm(f)
	return f
}

// setForm attaches a submitted form's state to the page.
func (p *page) setForm(f *formState) {
	f.lang = p.Lang
	p.forms[f.Name] = f
}

// Is reports whether the signed-in person has one of the roles.
func (p *page) Is(roles ...string) bool {
	return p.Actor != nil && slices.Contains(roles, string(p.Actor.Role))
}

// OtherLang is the language the switch offers.
func (p *page) OtherLang() string {
	if p.Lang == "en" {
		return "sv"
	}
	return "en"
}

// SwitchURL is the language switch's link: it sets the cookie and returns to this page.
func (p *page) SwitchURL() string {
	return "/lang?to=" + p.OtherLang() + "&next=" + url.QueryEscape(p.Path)
}

var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	},
	"join": strings.Join,
	"fld":  newField,
	"str":  func(v any) string { return fmt.Sprint(v) },
	"deref": func(v any) any {
		switch x := v.(type) {
		case *int64:
			if x != nil {
				return *x
			}
		case *string:
			if x != nil {
				return *x
			}
		case *int:
			if x != nil {
				return *x
			}
		}
		return nil
	},
}

// formCtx and gridCtx pass a page and a form (and a name prefix) to the shared partials.
type formCtx struct {
	P *page
	F *formState
}

type gridCtx struct {
	P      *page
	F      *formState
	Prefix string
}

// Name is the input name of one cell of the wheel grid.
func (g gridCtx) Name(domain string, p wheel.Perspective, part string) string {
	return gridName(g.Prefix, domain, p, part)
}

func (g gridCtx) Perspectives() []wheel.Perspective     { return wheel.Perspectives }
func (g gridCtx) Ratings() []int                        { return []int{1, 2, 3, 4, 5} }
func (g gridCtx) Participations() []wheel.Participation { return wheel.Participations }

type wheelCtx struct {
	P *page
	W *wheelPicture
}

func init() {
	templateFuncs["pf"] = func(p *page, f *formState) formCtx { return formCtx{p, f} }
	templateFuncs["grid"] = func(p *page, f *formState, prefix string) gridCtx { return gridCtx{p, f, prefix} }
	templateFuncs["wp"] = func(p *page, w *wheelPicture) wheelCtx { return wheelCtx{p, w} }
	templateFuncs["kindLabel"] = cases.KindLabel
}

// CaseRows is the page's list of cases, for the shared case table.
func (p *page) CaseRows() []caseRow {
	switch d := p.D.(type) {
	case *homeData:
		return d.MyCases
	case *caseListData:
		return d.Rows
	case *studentData:
		return p.u.caseRows(d.V.Cases, p.Today)
	}
	return nil
}

// Statuses lists the case statuses in process order.
func (p *page) Statuses() []cases.Status { return cases.Statuses }

// Token is a fresh idempotency key for a form that creates a record.
func (p *page) Token() string { return formToken() }

// Perspectives lists the wheel's perspectives in display order.
func (p *page) Perspectives() []wheel.Perspective { return wheel.Perspectives }

func init() {
	templateFuncs["list"] = func(s ...string) []string { return s }
}

// Rows is the plan form's measure row numbers: as many as were offered before, at least five.
func (p *page) Rows(f *formState) []int {
	n, _ := strconv.Atoi(f.V("rows"))
	n = min(max(n, 5), 50)
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// Other features' pages (reports, imports, the audit log) use the same layout, texts and
// sign-in through these helpers: their templates go in templates/pages/<name>.html and their
// texts in templates/i18n/*.toml.
var uis sync.Map // *Server → *ui

func (s *Server) ui() *ui {
	if u, ok := uis.Load(s); ok {
		return u.(*ui)
	}
	return nil
}

// renderPage renders a page's template set with data as .D; nav names the menu item to mark.
func (s *Server) renderPage(c *gin.Context, status int, name, nav string, data any) {
	u := s.ui()
	u.render(c, status, name, u.newPage(c, nav, data))
}

// pageError answers a page request that failed, as the other pages do.
func (s *Server) pageError(c *gin.Context, err error) { s.ui().errorPage(c, err) }

// pagesGroup is the group of page routes that need a signed-in person.
func (s *Server) pagesGroup() *gin.RouterGroup { return s.pages.Group("", s.ui().signedIn) }
