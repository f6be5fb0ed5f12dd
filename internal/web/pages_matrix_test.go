package web_test

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/pgtest"
)

// The page matrix: every page a browser GETs, for the same callers and subjects as the API
// matrix, with the status of the page. A signed-out visitor is sent to the sign-in page. The
// forms (POST) call the same store functions as the API routes above, whose authorization the
// API matrix proves cell by cell; their pages are covered by the page tests (ui_*_test.go).
//
// Every GET page route must have a row, or be listed in publicPages.

var publicPages = []string{"GET /login", "GET /lang", "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/*filepath"}

func caseStagePage(stage string) func(e *env, s mxSubject) mxTarget {
	return func(e *env, s mxSubject) mxTarget {
		id, st := e.caseAt(s, stage)
		return mxTarget{ID: id, StudentID: st}
	}
}

var pageMatrix = []matrixRow{
	{route: "GET /", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)}, list: &listSpec{}},
	{route: "GET /admin/users", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "GET /admin/users/new", want: adminOnlyCells(everywhere(200))},
	{route: "GET /admin/users/:id", prep: func(e *env, s mxSubject) mxTarget { return mxTarget{ID: e.userAt(s, "eht")} },
		want: adminOnlyCells(mxCells{200, 404, notApplicable})},
	{route: "GET /admin/import", want: adminOnlyCells(everywhere(200))},
	{route: "GET /admin/import/:id", prep: func(e *env, s mxSubject) mxTarget {
		h := e.org.HuvudmanA
		if s == other {
			h = e.org.HuvudmanB
		}
		return mxTarget{ID: e.scalar(`INSERT INTO attendance_imports (huvudman_id, file_name, file_sha256, layout) VALUES ($1, 'närvaro.csv', '', 'skola24-dag') RETURNING id`, h)}
	}, want: adminOnlyCells(mxCells{200, 404, notApplicable})},
	{route: "GET /admin/schools", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "GET /admin/tokens", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "GET /admin/audit", want: adminOnlyCells(everywhere(200)), list: &listSpec{}},
	{route: "GET /cases", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)}, list: &listSpec{}},
	// The report form reads the student like the student page; submitting it is the store's
	// OpenCase (EHT and rektor only, see the API matrix).
	{route: "GET /cases/new", query: "?student=:student", prep: studentInPath, identity: true, want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "GET /cases/:id", prep: caseStagePage(stageReady), secrets: readySecrets, want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	// The step forms render from the case view the caller may read: for the mentor and the
	// administrator without the secret parts (checked: the investigation's and the child's words
	// are not on the page); submitting is refused by the store (403, see the API matrix).
	{route: "GET /cases/:id/investigation", prep: caseStagePage(stageReady), want: formCells, secrets: readySecrets},
	{route: "GET /cases/:id/wheel", prep: caseStagePage(stageReady), want: formCells, secrets: readySecrets},
	{route: "GET /cases/:id/plan", prep: caseStagePage(stagePlanning), want: formCells, secrets: readySecrets},
	{route: "GET /cases/:id/followup", prep: caseStagePage(stageActive), want: formCells, secrets: readySecrets},
	{route: "GET /cases/:id/documents/:kind", variant: "notice", prep: documentOf("notice_huvudman", false), want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "GET /cases/:id/documents/:kind", variant: "secret", prep: documentOf("assessment_decision", false), want: teamOnlyCells(200)},
	{route: "GET /students", query: "?q=7B", want: mxWant{everywhere(200), everywhere(200), everywhere(200), everywhere(200)}, list: &listSpec{}},
	{route: "GET /students/:id", prep: studentInPath, identity: true, want: mxWant{
		mentor: mxCells{200, 404, 404},
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 404},
	}},
	{route: "GET /students/:id/access-log", prep: studentInPath, want: accessLogCells},
	{route: "GET /students/:id/access-log.pdf", prep: studentInPath, want: accessLogCells},
	{route: "GET /reports", query: "?from=2026-08-17&to=2026-12-18", want: adminOnlyCells(everywhere(200))},
	{route: "GET /rounds", want: mxWant{mentor: everywhere(403), eht: everywhere(200), rektor: everywhere(200), admin: everywhere(200)}, list: &listSpec{}},
	{route: "GET /rounds/:id", prep: roundFor(false), want: mxWant{
		mentor: everywhere(403),
		eht:    mxCells{200, 404, 404},
		rektor: mxCells{200, 404, 200},
		admin:  mxCells{200, 404, 200},
	}},
}

// formCells: a step form opens for everyone who may read the case.
var formCells = mxWant{
	mentor: mxCells{200, 404, 404},
	eht:    mxCells{200, 404, 404},
	rektor: mxCells{200, 404, 200},
	admin:  mxCells{200, 404, 404},
}

// readySecrets are texts of the secret parts that driveTo records (investigation, child's words).
var readySecrets = []string{"Elevens syn X17", "Slutsats Q42", "Barnord Z93"}

// pageSession is a browser signed in as one user; redirects are not followed.
type pageSession struct {
	t  *testing.T
	e  *env
	hc *http.Client
}

func newPageSession(t *testing.T, e *env, username string) *pageSession {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	p := &pageSession{t: t, e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if username == "" {
		return p
	}
	res, err := p.hc.PostForm(e.srv.URL+"/login", url.Values{"username": {username}, "password": {pgtest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 3 {
		t.Fatalf("sign-in as %s: %d", username, res.StatusCode)
	}
	return p
}

func (p *pageSession) get(path string) response {
	p.t.Helper()
	res, err := p.hc.Get(p.e.srv.URL + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return response{res.StatusCode, []byte(b.String()), res.Header}
}

func TestPageMatrixCoversEveryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rows := map[string]bool{}
	for _, r := range pageMatrix {
		rows[r.route] = true
	}
	for _, r := range e.web.PageRouteTable() {
		if !strings.HasPrefix(r, "GET ") || slices.Contains(publicPages, r) {
			continue
		}
		if !rows[r] {
			t.Errorf("page %s has no row in the page matrix (internal/web/pages_matrix_test.go): state who may see it", r)
		}
	}
}

func TestPageMatrix(t *testing.T) {
	t.Parallel()
	for _, row := range pageMatrix {
		t.Run(strings.TrimSpace(row.route+" "+row.variant), func(t *testing.T) {
			t.Parallel()
			e, _ := newMatrixEnv(t)
			if newPageSession(t, e, "").get("/login").Status != 200 {
				t.Skip("the service has no pages")
			}
			var world *listWorld
			if row.list != nil {
				world = newListWorld(e)
			}
			shared := map[mxSubject]mxTarget{}
			target := func(s mxSubject) mxTarget {
				if row.prep == nil {
					return mxTarget{}
				}
				if _, ok := shared[s]; !ok {
					shared[s] = row.prep(e, s)
				}
				return shared[s]
			}
			users := map[mxRole]string{mentor: "mentor.a", eht: "eht.a", rektor: "rektor.a", admin: "admin.a"}
			for _, r := range mxRoles {
				session := newPageSession(t, e, users[r])
				for _, s := range cellsToRun(row.want.of(r)) {
					want := row.want.of(r)[s]
					_, path := matrixPath(row.route, target(s))
					path = strings.TrimPrefix(path, "/api/v1") + strings.Replace(row.query, ":student", fmt.Sprint(target(s).StudentID), 1)
					res := session.get(path)
					if (r == mentor || r == admin) && res.Status < 300 {
						for _, secret := range row.secrets {
							if strings.Contains(string(res.Body), secret) {
								t.Errorf("page %s as %s shows the secret %q", row.route, r, secret)
							}
						}
					}
					if res.Status != want {
						t.Errorf("page %s as %s on %s: status %d, want %d: %s", row.route, r, s, res.Status, want, clipBody(res.Body))
					}
					if world != nil && res.Status == 200 {
						for _, leak := range world.leaks {
							if strings.Contains(string(res.Body), leak) {
								t.Errorf("page %s as %s shows %q", row.route, r, leak)
							}
						}
					}
					if s == protected && res.Status < 300 && !row.identity {
						expectMasked(t, row, r, res)
					}
				}
			}
			for _, s := range cellsToRun(row.want.admin) {
				_, path := matrixPath(row.route, target(s))
				res := newPageSession(t, e, "").get(strings.TrimPrefix(path, "/api/v1") + strings.Replace(row.query, ":student", fmt.Sprint(target(s).StudentID), 1))
				if res.Status/100 != 3 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
					t.Errorf("page %s signed out on %s: %d to %q, want a redirect to /login", row.route, s, res.Status, res.Header.Get("Location"))
				}
			}
		})
	}
}
