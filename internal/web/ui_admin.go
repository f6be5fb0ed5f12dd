package web

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// registerAdminPages serves the huvudman administrators' pages: schools, users, API tokens,
// the attendance import, the audit log and the access-log extract for one student. The store
// decides who may do what; the pages also check first, so a refused person never gets a form
// (and an upload is refused before its body is read).
func (u *ui) registerAdminPages(in *gin.RouterGroup) {
	in.GET("/admin/schools", u.adminSchools)
	in.POST("/admin/schools", u.adminCreateSchool)

	in.GET("/admin/users", u.adminUsers)
	in.GET("/admin/users/new", u.adminNewUser)
	in.POST("/admin/users", u.adminSaveUser)
	in.GET("/admin/users/:id", u.adminEditUser)
	in.POST("/admin/users/:id", u.adminSaveUser)

	in.GET("/admin/tokens", u.adminTokens)
	in.POST("/admin/tokens", u.adminCreateToken)
	in.POST("/admin/tokens/:id/revoke", u.adminRevokeToken)

	in.GET("/admin/audit", u.adminAudit)
	in.GET("/students/:id/access-log", u.accessLogPage)

	in.GET("/admin/import", u.adminImport)
	in.POST("/admin/import/preview", u.adminImportPreview)
	in.POST("/admin/import", u.adminImportCommit)
	in.GET("/admin/import/:id", u.adminImportRecord)
}

// allowed answers the error page (403) unless the signed-in person may take the action.
func (u *ui) allowed(c *gin.Context, action auth.AdminAction) bool {
	if err := auth.Allow(actor(c), action); err != nil {
		u.errorPage(c, err)
		return false
	}
	return true
}

// served reports whether a GET route is registered, so a page links only to downloads and
// pages that exist in this build.
func (u *ui) served(path string) bool {
	for _, r := range u.s.engine.Routes() {
		if r.Method == http.MethodGet && r.Path == path {
			return true
		}
	}
	return false
}

// conflictOn puts a conflict without a field (a unique key in the database) next to the field
// it is about, so the person sees it where they typed.
func conflictOn(err error, field string) error {
	if err == nil {
		return nil
	}
	e := narvaro.AsError(err)
	if e.Code != narvaro.CodeConflict || len(e.Fields) > 0 {
		return err
	}
	out := narvaro.Errorf(narvaro.CodeConflict, e.Message.SV, e.Message.EN).Wrap(err)
	out.Fields = []narvaro.FieldError{{Field: field, Message: e.Message}}
	return out
}

// schoolsData is the schools page: the huvudman's school units and the form for a new one.
type schoolsData struct {
	Schools []narvaro.School
}

func (u *ui) adminSchools(c *gin.Context) { u.adminSchoolsWith(c, nil, http.StatusOK) }

func (u *ui) adminSchoolsWith(c *gin.Context, f *formState, status int) {
	if !u.allowed(c, auth.ManageSchools) {
		return
	}
	list, err := u.s.store.ListSchools(c.Request.Context(), actor(c))
	if err != nil {
		u.errorPage(c, err)
		return
	}
	p := u.newPage(c, "admin", &schoolsData{Schools: list})
	if f != nil {
		p.setForm(f)
	}
	u.render(c, status, "admin_schools", p)
}

func (u *ui) adminCreateSchool(c *gin.Context) {
	if !u.allowed(c, auth.ManageSchools) {
		return
	}
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("school", vals)
	var in postgres.SchoolInput
	err = bindForm(vals, &in)
	if err == nil {
		_, err = u.s.store.CreateSchool(c.Request.Context(), actor(c), in)
		err = conflictOn(err, "school_unit_code")
	}
	if err == nil {
		u.flashKey(c, "ok", "flash_adm_school_created")
		c.Redirect(http.StatusSeeOther, "/admin/schools")
		return
	}
	if u.formFailed(c, f, err) {
		u.adminSchoolsWith(c, f, statusOf(f.Code))
	}
}

// admCtx and admLinesCtx pass a page and an import record (or a list of problems: the
// store's, or a rejected file's lines) to the administration partials.
type admCtx struct {
	P *page
	R *postgres.AttendanceImport
}

type admLinesCtx struct {
	P *page
	L any
}

func init() {
	templateFuncs["adm"] = func(p *page, r *postgres.AttendanceImport) admCtx { return admCtx{p, r} }
	templateFuncs["admLines"] = func(p *page, l any) admLinesCtx { return admLinesCtx{p, l} }
}

// bindFilter binds a query form (a GET filter) like bindForm, naming each problem after the
// input it belongs to: filter types without JSON names would otherwise report the Go field.
func bindFilter(vals url.Values, into any) error {
	err := bindForm(vals, into)
	e := narvaro.AsError(err)
	if err == nil || len(e.Fields) == 0 {
		return err
	}
	names := map[string]string{}
	t := reflect.TypeOf(into).Elem()
	for i := range t.NumField() {
		if tag := strings.Split(t.Field(i).Tag.Get("form"), ",")[0]; tag != "" && tag != "-" {
			names[t.Field(i).Name] = tag
		}
	}
	var p narvaro.Problems
	for _, fe := range e.Fields {
		name := fe.Field
		if n, ok := names[name]; ok {
			name = n
		}
		p.Add(name, fe.Message.SV, fe.Message.EN)
	}
	return p.Err()
}
