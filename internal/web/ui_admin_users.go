package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// usersData is the list of the huvudman's users with their schools named.
type usersData struct {
	Users []userRow
}

type userRow struct {
	narvaro.User
	Schools []string
}

// userFormData is the page that creates (ID 0) or changes a user.
type userFormData struct {
	ID      int64
	Name    string
	Schools []narvaro.School
	Roles   []narvaro.Role
	// Self is the administrator's own account: they may not take away their own access here.
	Self bool
}

func (u *ui) adminUsers(c *gin.Context) {
	if !u.allowed(c, auth.ManageUsers) {
		return
	}
	ctx, a := c.Request.Context(), actor(c)
	users, err := u.s.store.ListUsers(ctx, a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	schools, err := u.s.store.ListSchools(ctx, a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	names := map[int64]string{}
	for _, s := range schools {
		names[s.ID] = s.Name
	}
	d := &usersData{}
	for _, usr := range users {
		r := userRow{User: usr}
		for _, id := range usr.SchoolIDs {
			if n, ok := names[id]; ok {
				r.Schools = append(r.Schools, n)
			}
		}
		d.Users = append(d.Users, r)
	}
	u.render(c, http.StatusOK, "admin_users", u.newPage(c, "admin", d))
}

func (u *ui) adminNewUser(c *gin.Context) {
	f := newFormState("user", url.Values{"active": {"true"}})
	u.userForm(c, 0, f, http.StatusOK)
}

// adminEditUser shows the form filled in from the user; only the huvudman's own users are
// found.
func (u *ui) adminEditUser(c *gin.Context) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	if !u.allowed(c, auth.ManageUsers) {
		return
	}
	usr, err := u.findUser(c, id)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	vals := url.Values{"username": {usr.Username}, "display_name": {usr.DisplayName}, "title": {usr.Title},
		"email": {usr.Email}, "role": {string(usr.Role)}}
	for _, s := range usr.SchoolIDs {
		vals.Add("school_ids", strconv.FormatInt(s, 10))
	}
	if usr.Active {
		vals.Set("active", "true")
	}
	u.userForm(c, id, newFormState("user", vals), http.StatusOK)
}

// findUser looks a user up among the administrator's own.
func (u *ui) findUser(c *gin.Context, id int64) (*narvaro.User, error) {
	users, err := u.s.store.ListUsers(c.Request.Context(), actor(c))
	if err != nil {
		return nil, err
	}
	for i := range users {
		if users[i].ID == id {
			return &users[i], nil
		}
	}
	return nil, narvaro.NotFound("Användaren", "The user")
}

func (u *ui) userForm(c *gin.Context, id int64, f *formState, status int) {
	if !u.allowed(c, auth.ManageUsers) {
		return
	}
	a := actor(c)
	schools, err := u.s.store.ListSchools(c.Request.Context(), a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &userFormData{ID: id, Schools: schools, Roles: narvaro.Roles, Self: id != 0 && id == a.UserID}
	if id != 0 {
		usr, err := u.findUser(c, id)
		if err != nil {
			u.errorPage(c, err)
			return
		}
		d.Name = usr.DisplayName
	}
	p := u.newPage(c, "admin", d)
	p.setForm(f)
	u.render(c, status, "admin_user", p)
}

// adminSaveUser creates a user (POST /admin/users) or changes one (POST /admin/users/:id).
// The active box is read as a box: an unticked box sends nothing, which means inactive here
// (the API's "absent means active" suits JSON, not forms).
func (u *ui) adminSaveUser(c *gin.Context) {
	var id int64
	if c.Param("id") != "" {
		var ok bool
		if id, ok = pageID(c); !ok {
			u.notFound(c)
			return
		}
	}
	if !u.allowed(c, auth.ManageUsers) {
		return
	}
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	a := actor(c)
	f := newFormState("user", vals)
	var in postgres.UserInput
	err = bindForm(vals, &in)
	active := vals.Get("active") == "true"
	in.Active = &active
	if id != 0 && id == a.UserID {
		// Taking away one's own access would leave nobody to undo it from this page.
		var p narvaro.Problems
		if in.Role != string(narvaro.RoleAdmin) {
			p.Add("role", "Du kan inte ta bort din egen administratörsroll.", "You cannot remove your own administrator role.")
		}
		if !active {
			p.Add("active", "Du kan inte inaktivera ditt eget konto.", "You cannot deactivate your own account.")
		}
		err = mergeErrors(err, p.Err())
	}
	if err == nil {
		_, err = u.s.store.SaveUser(c.Request.Context(), a, id, in)
		err = conflictOn(err, "username")
	}
	if err == nil {
		u.flashKey(c, "ok", "flash_adm_user_saved")
		c.Redirect(http.StatusSeeOther, "/admin/users")
		return
	}
	// The password is never sent back.
	f.Values.Del("password")
	if u.formFailed(c, f, err) {
		u.userForm(c, id, f, statusOf(f.Code))
	}
}
