package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

type loginData struct{ Next string }

// signedIn sends signed-out people to the sign-in page and back here afterwards.
func (u *ui) signedIn(c *gin.Context) {
	if actor(c) != nil {
		c.Next()
		return
	}
	next := "/"
	if c.Request.Method == http.MethodGet {
		next = c.Request.URL.RequestURI()
	}
	u.flashKey(c, "info", "flash_sign_in_first")
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(safeNext(next)))
	c.Abort()
}

func (u *ui) loginPage(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if actor(c) != nil {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	p := u.newPage(c, "login", loginData{Next: next})
	u.render(c, http.StatusOK, "login", p)
}

// login checks the password (argon2id, with the per-account lockout in the store) behind a
// per-address slowdown, and on success gives the browser a new session token so a token
// planted before sign-in is worthless.
func (u *ui) login(c *gin.Context) {
	ctx := c.Request.Context()
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	next := safeNext(vals.Get("next"))
	ip := c.ClientIP()
	if d := u.s.limiter.delay(ip); d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return
		}
	}
	cfg := u.s.cfg.Session
	a, err := u.s.store.SignIn(ctx, vals.Get("username"), vals.Get("password"),
		postgres.Lockout{After: cfg.LockoutAfter, For: cfg.LockoutFor}, ip, requestID(c))
	if err != nil {
		u.s.limiter.fail(ip)
		// The password is never sent back.
		f := newFormState("login", url.Values{"username": {vals.Get("username")}})
		f.fail(narvaro.AsError(err))
		logError(c, narvaro.AsError(err))
		p := u.newPage(c, "login", loginData{Next: next})
		p.setForm(f)
		u.render(c, statusOf(f.Code), "login", p)
		return
	}
	u.s.limiter.succeed(ip)
	if err := u.s.sessions.RenewToken(ctx); err != nil {
		u.errorPage(c, narvaro.Internal(err))
		return
	}
	u.s.sessions.Put(ctx, sessionUserKey, a.UserID)
	c.Redirect(http.StatusSeeOther, next)
}

func (u *ui) logout(c *gin.Context) {
	ctx := c.Request.Context()
	if err := u.s.sessions.Clear(ctx); err != nil {
		u.errorPage(c, narvaro.Internal(err))
		return
	}
	if err := u.s.sessions.RenewToken(ctx); err != nil {
		u.errorPage(c, narvaro.Internal(err))
		return
	}
	u.flashKey(c, "ok", "flash_signed_out")
	c.Redirect(http.StatusSeeOther, "/login")
}

// setLanguage remembers the chosen language in a cookie and returns to the page.
func (u *ui) setLanguage(c *gin.Context) {
	lang := c.Query("to")
	if lang != "en" {
		lang = "sv"
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: u.s.cfg.Server.SecureCookies, SameSite: http.SameSiteLaxMode})
	next := safePath(c.Query("next"))
	if strings.HasPrefix(next, "/lang") {
		next = "/"
	}
	c.Redirect(http.StatusSeeOther, next)
}

// safePath accepts only a relative path on this site as a place to return to, so no page can
// be used to send people elsewhere.
func safePath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil {
		return "/"
	}
	return next
}

// safeNext is where to go after signing in: a safe path other than the sign-in page itself.
func safeNext(next string) string {
	next = safePath(next)
	if strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/lang") {
		return "/"
	}
	return next
}
