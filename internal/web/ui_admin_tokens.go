package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// tokensData lists the API tokens of the huvudman's users (never their secrets) with the form
// for a new one.
type tokensData struct {
	Tokens []tokenRow
	Users  []narvaro.User
}

type tokenRow struct {
	postgres.Token
	State string // active, expired or revoked
}

// tokenCreatedData is the one page that ever shows a token's secret.
type tokenCreatedData struct {
	Secret   string
	Name     string
	Username string
}

func (u *ui) adminTokens(c *gin.Context) { u.adminTokensWith(c, nil, http.StatusOK) }

func (u *ui) adminTokensWith(c *gin.Context, f *formState, status int) {
	if !u.allowed(c, auth.ManageTokens) {
		return
	}
	ctx, a := c.Request.Context(), actor(c)
	tokens, err := u.s.store.ListTokens(ctx, a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	users, err := u.s.store.ListUsers(ctx, a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &tokensData{}
	now := u.s.store.Now()
	for _, t := range tokens {
		r := tokenRow{Token: t, State: "active"}
		switch {
		case t.RevokedAt != nil:
			r.State = "revoked"
		case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
			r.State = "expired"
		}
		d.Tokens = append(d.Tokens, r)
	}
	for _, usr := range users {
		if usr.Active {
			d.Users = append(d.Users, usr)
		}
	}
	p := u.newPage(c, "admin", d)
	if f != nil {
		p.setForm(f)
	}
	u.render(c, status, "admin_tokens", p)
}

// adminCreateToken creates a token and shows its secret on the answer to this post only: it
// is not put in the session or a redirect, and the page is not cached (no-store), so it cannot
// be shown again.
func (u *ui) adminCreateToken(c *gin.Context) {
	if !u.allowed(c, auth.ManageTokens) {
		return
	}
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("token", vals)
	var in postgres.TokenInput
	var p narvaro.Problems
	userID, convErr := strconv.ParseInt(strings.TrimSpace(vals.Get("user_id")), 10, 64)
	if convErr != nil || userID <= 0 {
		p.Add("user_id", "Välj användaren som nyckeln ska gälla för.", "Choose the user the token is for.")
	}
	err = mergeErrors(p.Err(), bindForm(vals, &in))
	var secret string
	if err == nil {
		_, secret, err = u.s.store.CreateToken(c.Request.Context(), actor(c), userID, in)
		if e := narvaro.AsError(err); err != nil && e.Code == narvaro.CodeNotFound {
			// Somebody outside the huvudman, or removed meanwhile: say so at the choice.
			err = narvaro.Invalid("user_id", "Användaren finns inte hos huvudmannen.", "The user does not belong to the governing body.")
		}
	}
	if err != nil {
		if u.formFailed(c, f, err) {
			u.adminTokensWith(c, f, statusOf(f.Code))
		}
		return
	}
	d := &tokenCreatedData{Secret: secret, Name: in.Name}
	if usr, err := u.findUser(c, userID); err == nil {
		d.Username = usr.Username
	}
	u.render(c, http.StatusOK, "admin_token_created", u.newPage(c, "admin", d))
}

func (u *ui) adminRevokeToken(c *gin.Context) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	if !u.allowed(c, auth.ManageTokens) {
		return
	}
	if _, err := readForm(c); err != nil {
		u.errorPage(c, err)
		return
	}
	if err := u.s.store.RevokeToken(c.Request.Context(), actor(c), id); err != nil {
		u.errorPage(c, err)
		return
	}
	u.flashKey(c, "ok", "flash_adm_token_revoked")
	c.Redirect(http.StatusSeeOther, "/admin/tokens")
}
