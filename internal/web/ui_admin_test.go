package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// adminGetPages are the administration pages and who besides the administrator may open them.
func adminGetPages(e *env) map[string][]string {
	o := e.org
	return map[string][]string{
		"/admin/schools":                   nil,
		"/admin/users":                     nil,
		"/admin/users/new":                 nil,
		uiPath("/admin/users/%d", o.A.EHT): nil,
		"/admin/tokens":                    nil,
		"/admin/audit":                     nil,
		"/admin/import":                    nil,
		uiPath("/students/%d/access-log", o.StudentA): {"rektor.a"},
	}
}

func TestAdminPagesAreForAdministratorsOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.uiClient().signIn("admin.a")
	home := admin.get("/")
	for _, link := range []string{"/admin/schools", "/admin/users", "/admin/tokens", "/admin/import", "/admin/audit"} {
		expectPage(t, home, 200, `href="`+link+`"`)
	}
	others := map[string]*uiClient{}
	for _, who := range []string{"eht.a", "rektor.a", "mentor.a"} {
		others[who] = e.uiClient().signIn(who)
	}
	for path, alsoFor := range adminGetPages(e) {
		t.Run(path, func(t *testing.T) {
			r := admin.get(path)
			expectPage(t, r, 200, "<h1>", `<html lang="sv">`)
			if strings.Contains(r.Body, "[adm_") || strings.Contains(r.Body, "[admin_") {
				t.Errorf("a text is missing from the catalogue: %s", pageExcerpt(r.Body))
			}
			if en := e.uiClient().signIn("admin.a").setLang("en").get(path); en.Status != 200 || strings.Contains(en.Body, "[adm_") {
				t.Errorf("English page %d: %s", en.Status, pageExcerpt(en.Body))
			}
			for who, b := range others {
				want := http.StatusForbidden
				for _, ok := range alsoFor {
					if ok == who {
						want = http.StatusOK
					}
				}
				if r := b.get(path); r.Status != want {
					t.Errorf("%s got %d, want %d", who, r.Status, want)
				}
			}
		})
	}
	// Forms posted by somebody else change nothing.
	eht := others["eht.a"]
	for _, p := range []struct {
		path string
		form url.Values
	}{
		{"/admin/schools", url.Values{"name": {"Smygskolan"}, "school_unit_code": {"12345678"}, "municipality_code": {"1999"}}},
		{"/admin/users", url.Values{"username": {"smyg"}, "display_name": {"Smyg"}, "role": {"admin"}, "password": {"ett-långt-lösenord"}, "active": {"true"}}},
		{uiPath("/admin/users/%d", e.org.A.EHT), url.Values{"username": {"eht.a"}, "display_name": {"X"}, "role": {"admin"}, "active": {"true"}}},
		{"/admin/tokens", url.Values{"user_id": {strconv.FormatInt(e.org.A.EHT, 10)}, "name": {"Min nyckel"}}},
	} {
		expectPage(t, eht.post(p.path, p.form), http.StatusForbidden)
	}
	var n int
	if err := e.store.DB.Get(&n, `SELECT (SELECT count(*) FROM schools WHERE name = 'Smygskolan') + (SELECT count(*) FROM users WHERE username = 'smyg' OR role = 'admin' AND id = $1)
		+ (SELECT count(*) FROM api_tokens)`, e.org.A.EHT); err != nil || n != 0 {
		t.Fatalf("refused posts left %d records (%v)", n, err)
	}
	// Another huvudman's records are not found.
	expectPage(t, admin.get(uiPath("/admin/users/%d", e.org.B.EHT)), http.StatusNotFound)
	expectPage(t, admin.get(uiPath("/students/%d/access-log", e.org.StudentB)), http.StatusNotFound)
	expectPage(t, others["rektor.a"].get(uiPath("/students/%d/access-log", e.org.StudentB)), http.StatusNotFound)
}

func TestAdminCreatesSchoolsThroughTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient().signIn("admin.a")
	expectPage(t, b.get("/admin/schools"), 200, "Alfaskolan", "10000001")
	if strings.Contains(b.get("/admin/schools").Body, "Betaskolan") {
		t.Fatal("another huvudman's school is listed")
	}

	r := b.post("/admin/schools", url.Values{"name": {"G"}, "school_unit_code": {"1234"}, "municipality_code": {"1999"}})
	expectPage(t, r, http.StatusUnprocessableEntity, `value="G"`, `value="1234"`, `value="1999"`)
	if got := nearID(r.Body, "school-name-err", 80); !strings.Contains(got, "Skriv minst 2 tecken.") {
		t.Errorf("name message: %q", got)
	}
	if got := nearID(r.Body, "school-school_unit_code-err", 80); !strings.Contains(got, "(len)") && !strings.Contains(got, "8") {
		t.Errorf("school unit code message: %q", got)
	}

	form := url.Values{"name": {"Gammaskolan"}, "school_unit_code": {"10000003"}, "municipality_code": {"1999"}}
	r = b.post("/admin/schools", form)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/schools" {
		t.Fatalf("create: %d to %q: %s", r.Status, r.Location, pageExcerpt(r.Body))
	}
	expectPage(t, b.follow(r), 200, "Skolenheten är tillagd.", "Gammaskolan", "10000003")

	// A code that exists (here: another huvudman's) is said at the code, in the person's language.
	form.Set("school_unit_code", "10000002")
	r = b.setLang("en").post("/admin/schools", form)
	expectPage(t, r, http.StatusConflict, `value="10000002"`)
	if got := nearID(r.Body, "school-school_unit_code-err", 100); !strings.Contains(got, "A school unit with this code already exists.") {
		t.Errorf("conflict message: %q", got)
	}
	// The new school is the administrator's: a user can be placed there.
	expectPage(t, b.setLang("sv").get("/admin/users/new"), 200, "Gammaskolan")
}

func TestAdminCreatesAndEditsUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	b := e.uiClient().signIn("admin.a")
	list := b.get("/admin/users")
	expectPage(t, list, 200, "Test eht.a", "Alfaskolan", uiPath(`href="/admin/users/%d"`, o.A.Rektor))
	if strings.Contains(list.Body, "Test eht.b") {
		t.Fatal("another huvudman's user is listed")
	}
	school := strconv.FormatInt(o.SchoolA, 10)

	// Rejected: every message at its field, the input kept, the password never sent back.
	bad := url.Values{"display_name": {"Kim Kurator"}, "username": {"k"}, "role": {"eht"}, "password": {"kort-lösen"}, "email": {"inte-en-adress"}, "active": {"true"}}
	r := b.post("/admin/users", bad)
	expectPage(t, r, http.StatusUnprocessableEntity, `value="Kim Kurator"`, `value="k"`, `value="inte-en-adress"`, `value="eht" id="user-role-eht" checked`)
	for id, want := range map[string]string{"user-username-err": "Skriv minst 2 tecken.", "user-password-err": "Skriv minst 12 tecken.",
		"user-email-err": "Ange en giltig e-postadress."} {
		if got := nearID(r.Body, id, 80); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	if strings.Contains(r.Body, "kort-lösen") {
		t.Fatal("the password was sent back")
	}
	bad.Set("username", "kim.kurator")
	bad.Set("password", "ett-tillräckligt-långt-lösenord")
	bad.Set("email", "kim@example.se")
	r = b.post("/admin/users", bad)
	expectPage(t, r, http.StatusUnprocessableEntity)
	if got := nearID(r.Body, "user-school_ids-err", 80); !strings.Contains(got, "Välj minst en skola för användaren.") {
		t.Errorf("schools message: %q", got)
	}

	good := bad
	good.Set("school_ids", school)
	r = b.post("/admin/users", good)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/users" {
		t.Fatalf("create: %d to %q: %s", r.Status, r.Location, pageExcerpt(r.Body))
	}
	expectPage(t, b.follow(r), 200, "Användaren är sparad.", "Kim Kurator", "kim.kurator")
	var id int64
	if err := e.store.DB.Get(&id, `SELECT id FROM users WHERE username = 'kim.kurator'`); err != nil {
		t.Fatal(err)
	}
	kim := e.uiClient()
	if r := kim.post("/login", url.Values{"username": {"kim.kurator"}, "password": {"ett-tillräckligt-långt-lösenord"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the new user cannot sign in: %d", r.Status)
	}

	// The edit form is filled in; the username is taken is said at the username.
	edit := b.get(uiPath("/admin/users/%d", id))
	expectPage(t, edit, 200, `value="kim.kurator"`, `value="eht" id="user-role-eht" checked`, uiPath(`value="%d" id="user-school_ids-%d" checked`, o.SchoolA, o.SchoolA),
		`id="user-active-box" checked`, `autocomplete="new-password"`)
	taken := url.Values{"display_name": {"Kim Kurator"}, "username": {"rektor.a"}, "role": {"rektor"}, "school_ids": {school}, "active": {"true"}}
	r = b.post(uiPath("/admin/users/%d", id), taken)
	if got := nearID(r.Body, "user-username-err", 80); r.Status != http.StatusConflict || !strings.Contains(got, "Användarnamnet är upptaget.") {
		t.Errorf("taken username: %d %q", r.Status, got)
	}
	// Made rektor and inactive (the box left unticked): the person can no longer sign in.
	taken.Set("username", "kim.kurator")
	taken.Del("active")
	expectPage(t, b.follow(b.post(uiPath("/admin/users/%d", id), taken)), 200, "Användaren är sparad.", "Inaktiv")
	var role string
	var active bool
	if err := e.store.DB.QueryRow(`SELECT role, active FROM users WHERE id = $1`, id).Scan(&role, &active); err != nil || role != "rektor" || active {
		t.Fatalf("after the edit: role %q active %v (%v)", role, active, err)
	}
	if r := e.uiClient().post("/login", url.Values{"username": {"kim.kurator"}, "password": {"ett-tillräckligt-långt-lösenord"}}); r.Status == http.StatusSeeOther {
		t.Fatal("an inactive user signed in")
	}

	// The administrator cannot lock themselves out here.
	self := url.Values{"display_name": {"Test admin.a"}, "username": {"admin.a"}, "role": {"eht"}, "school_ids": {school}}
	r = b.post(uiPath("/admin/users/%d", o.A.Admin), self)
	expectPage(t, r, http.StatusUnprocessableEntity, "Du kan inte ta bort din egen administratörsroll.", "Du kan inte inaktivera ditt eget konto.")
	if err := e.store.DB.Get(&role, `SELECT role FROM users WHERE id = $1`, o.A.Admin); err != nil || role != "admin" {
		t.Fatalf("own role became %q", role)
	}
	// Another huvudman's user cannot be changed through a made-up address.
	expectPage(t, b.post(uiPath("/admin/users/%d", o.B.EHT), taken), http.StatusNotFound)
}

var tokenSecret = regexp.MustCompile(`id="token-secret" value="(nrv_[A-Za-z0-9_-]+)"`)

func TestAdminTokenIsShownOnceThenOnlyListedAndCanBeRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	b := e.uiClient().signIn("admin.a")
	form := url.Values{"user_id": {""}, "name": {"N"}, "valid_days": {"9999"}}
	r := b.post("/admin/tokens", form)
	expectPage(t, r, http.StatusUnprocessableEntity, `value="N"`, `value="9999"`)
	for id, want := range map[string]string{"token-user_id-err": "Välj användaren som nyckeln ska gälla för.", "token-name-err": "Skriv minst 2 tecken.",
		"token-valid_days-err": "Värdet får vara högst 730."} {
		if got := nearID(r.Body, id, 80); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	// Somebody of another huvudman is not offered, nor accepted.
	form = url.Values{"user_id": {strconv.FormatInt(o.B.EHT, 10)}, "name": {"Nattlig import"}, "valid_days": {"30"}}
	r = b.post("/admin/tokens", form)
	if got := nearID(r.Body, "token-user_id-err", 80); r.Status != http.StatusUnprocessableEntity || !strings.Contains(got, "Användaren finns inte hos huvudmannen.") {
		t.Fatalf("another huvudman's user: %d %q", r.Status, got)
	}

	form.Set("user_id", strconv.FormatInt(o.A.EHT, 10))
	r = b.post("/admin/tokens", form)
	expectPage(t, r, 200, "Kopiera nyckeln nu – den visas bara den här gången.", "Nattlig import", "eht.a")
	m := tokenSecret.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no secret on the result page: %s", pageExcerpt(r.Body))
	}
	secret := m[1]
	api := func() int {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", e.srv.URL+"/api/v1/cases", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := api(); got != 200 {
		t.Fatalf("the new token answered %d", got)
	}
	list := b.get("/admin/tokens")
	expectPage(t, list, 200, "Nattlig import", "Giltig")
	if strings.Contains(list.Body, secret) {
		t.Fatal("the list shows the secret")
	}
	var tokenID int64
	if err := e.store.DB.Get(&tokenID, `SELECT id FROM api_tokens WHERE name = 'Nattlig import'`); err != nil {
		t.Fatal(err)
	}
	// Only the huvudman's administrator can revoke it.
	expectPage(t, e.uiClient().signIn("admin.b").post(uiPath("/admin/tokens/%d/revoke", tokenID), nil), http.StatusNotFound)
	if got := api(); got != 200 {
		t.Fatalf("another huvudman's administrator revoked the token (%d)", got)
	}
	r = b.post(uiPath("/admin/tokens/%d/revoke", tokenID), nil)
	expectPage(t, b.follow(r), 200, "API-nyckeln är återkallad.", "Återkallad")
	if strings.Contains(b.get("/admin/tokens").Body, uiPath(`id="revoke-token-%d"`, tokenID)) {
		t.Error("a revoked token still has a revoke button")
	}
	if got := api(); got != http.StatusUnauthorized {
		t.Fatalf("the revoked token answered %d", got)
	}
}
