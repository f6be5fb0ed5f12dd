package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// pageID reads :id for a page; a malformed id is answered like a missing record.
func pageID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	return id, err == nil && id > 0
}

type searchData struct {
	Q    string
	Hits []postgres.StudentHit
	Err  string
}

func (u *ui) searchStudents(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	d := &searchData{Q: q}
	p := u.newPage(c, "students", d)
	if len([]rune(q)) > 100 {
		d.Err = p.T("search_too_long")
		u.render(c, http.StatusUnprocessableEntity, "students", p)
		return
	}
	if q != "" || actor(c).Role == narvaro.RoleMentor {
		hits, err := u.s.store.SearchStudents(c.Request.Context(), actor(c), q, 50)
		if err != nil {
			u.errorPage(c, err)
			return
		}
		d.Hits = hits
	}
	u.render(c, http.StatusOK, "students", p)
}

type studentData struct {
	V         *postgres.StudentView
	Pnr       string
	ShowPnr   bool
	Chart     *absenceChart
	HasOpen   bool
	CanHandle bool
	CanRaise  bool
}

func (u *ui) student(c *gin.Context) { u.studentWith(c, nil, http.StatusOK) }

// studentWith renders the student page, with a form that was just rejected (f) if any.
func (u *ui) studentWith(c *gin.Context, f *formState, status int) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	ctx, a := c.Request.Context(), actor(c)
	v, err := u.s.store.GetStudent(ctx, a, id)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &studentData{V: v, Pnr: v.Masked,
		CanHandle: a.Role == narvaro.RoleEHT || a.Role == narvaro.RoleRektor,
		CanRaise:  a.Role != narvaro.RoleAdmin}
	// Showing the full personnummer is a read of its own, logged by the store.
	if c.Query("show") == "pnr" {
		pnr, err := u.s.store.RevealPersonnummer(ctx, a, id)
		if err != nil {
			u.errorPage(c, err)
			return
		}
		d.Pnr, d.ShowPnr = string(pnr), true
	}
	for _, cs := range v.Cases {
		if cs.Status.Open() {
			d.HasOpen = true
		}
	}
	p := u.newPage(c, "students", d)
	d.Chart = buildAbsenceChart(p, v.Weeks)
	if f != nil {
		p.setForm(f)
	}
	u.render(c, status, "student", p)
}

// raiseSignal lets a mentor (or the team) raise a signal about a student by hand.
func (u *ui) raiseSignal(c *gin.Context) {
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("raise", vals)
	var in postgres.RaiseInput
	err = bindForm(vals, &in)
	if err == nil {
		_, err = u.s.store.RaiseSignal(c.Request.Context(), actor(c), in)
	}
	back := safeNext(vals.Get("back"))
	if err == nil {
		u.flashKey(c, "ok", "flash_signal_raised")
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	if !u.formFailed(c, f, err) {
		return
	}
	if strings.HasPrefix(back, "/students/") {
		c.Params = append(c.Params, gin.Param{Key: "id", Value: strings.TrimPrefix(back, "/students/")})
		u.studentWith(c, f, statusOf(f.Code))
		return
	}
	u.homeWith(c, f, statusOf(f.Code))
}

// dismissSignal closes a signal without a case, with the reason.
func (u *ui) dismissSignal(c *gin.Context) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("dismiss-"+strconv.FormatInt(id, 10), vals)
	var in postgres.DismissInput
	err = bindForm(vals, &in)
	if err == nil {
		err = u.s.store.DismissSignal(c.Request.Context(), actor(c), id, in)
	}
	studentID := vals.Get("student_id")
	if err == nil {
		u.flashKey(c, "ok", "flash_signal_dismissed")
		c.Redirect(http.StatusSeeOther, "/students/"+url.PathEscape(studentID))
		return
	}
	if !u.formFailed(c, f, err) {
		return
	}
	c.Params = gin.Params{{Key: "id", Value: studentID}}
	u.studentWith(c, f, statusOf(f.Code))
}

// formFailed records a rejected form's error on f and reports true when the form should be
// shown again; other errors (not found, internal) get the error page and false.
func (u *ui) formFailed(c *gin.Context, f *formState, err error) bool {
	e := narvaro.AsError(err)
	switch e.Code {
	case narvaro.CodeInvalid, narvaro.CodeConflict, narvaro.CodeForbidden:
		logError(c, e)
		f.fail(e)
		return true
	}
	u.errorPage(c, err)
	return false
}
