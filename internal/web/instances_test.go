package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/web"
)

// secondInstance starts another, independent server on the same database, as a second
// instance behind a load balancer would be.
func (e *env) secondInstance() *env {
	e.t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		e.t.Fatal(err)
	}
	store := postgres.NewStore(e.store.DB, e.store.Settings)
	s, err := web.New(web.Deps{Config: cfg, Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		e.t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	e.t.Cleanup(ts.Close)
	return &env{t: e.t, srv: ts, web: s, store: store, org: e.org, tokens: e.tokens}
}

// Two instances against one database, a case driven through both alternately: nothing of the
// workflow lives in a process.
func TestTwoInstancesDriveOneCase(t *testing.T) {
	t.Parallel()
	one := newEnv(t)
	two := one.secondInstance()
	o := one.org
	var c struct{ ID int64 }
	one.must(201, one.call(o.A.EHT, "POST", "/api/v1/cases", map[string]any{"student_id": o.StudentA, "description": "Frånvaro under flera veckor.", "concern_domains": []string{"safe"}})).json(t, &c)
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	two.must(200, two.call(o.A.Rektor, "POST", path+"/assessment", map[string]any{"decision": "started", "reasons": "Skäl", "version": one.version(o.A.EHT, c.ID)}))
	one.must(200, one.call(o.A.EHT, "PUT", path+"/investigation", map[string]any{"conclusion": "Slutsats", "consult_student": "held", "consult_student_on": "2026-10-06",
		"consult_guardians": "held", "consult_guardians_on": "2026-10-06", "consult_eht": "held", "consult_eht_on": "2026-10-06", "version": two.version(o.A.EHT, c.ID)}))
	two.must(201, two.call(o.A.EHT, "POST", path+"/wheel", map[string]any{"occasion": "investigation", "assessed_on": "2026-10-06", "child_participation": "declined", "version": one.version(o.A.EHT, c.ID)}))
	one.must(200, one.call(o.A.EHT, "POST", path+"/investigation/complete", map[string]any{"version": two.version(o.A.EHT, c.ID)}))
	// A stale write through the other instance is still caught.
	two.must(409, two.call(o.A.EHT, "POST", path+"/close", map[string]any{"reason": "moved", "child_view": "Flyttar", "version": 1}))
	two.must(200, two.call(o.A.EHT, "POST", path+"/close", map[string]any{"reason": "moved", "child_view": "Flyttar", "version": one.version(o.A.EHT, c.ID)}))
	var v struct{ Case struct{ Status string } }
	one.must(200, one.call(o.A.EHT, "GET", path, nil)).json(t, &v)
	if v.Case.Status != "closed" {
		t.Fatalf("status %s after driving the case through both instances", v.Case.Status)
	}
	// Both instances open cases concurrently without colliding numbers.
	one.must(201, one.call(o.A.Rektor, "POST", "/api/v1/cases", map[string]any{"student_id": o.ProtectedA, "description": "Andra ärendet via instans ett.", "concern_domains": []string{"safe"}}))
	var numbers []string
	one.store.DB.Select(&numbers, `SELECT case_number FROM cases ORDER BY case_number`)
	if len(numbers) != 2 || numbers[0] == numbers[1] {
		t.Fatalf("case numbers %v", numbers)
	}
}

func TestMetricsUseRoutePatterns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.call(e.org.A.EHT, "GET", "/api/v1/cases/12345", nil)
	r := e.must(200, e.call(0, "GET", "/metrics", nil))
	body := string(r.Body)
	if !strings.Contains(body, `narvaro_http_requests_total{method="GET",route="/api/v1/cases/:id",status="404"} 1`) {
		t.Fatalf("metrics lack the request by route pattern:\n%s", grep(body, "narvaro_http_requests_total"))
	}
	if strings.Contains(body, "12345") {
		t.Fatal("a raw id leaked into the metrics")
	}
	if !strings.Contains(body, "narvaro_max_open_connections") && !strings.Contains(body, "go_sql_max_open_connections") {
		t.Fatalf("no database pool metrics:\n%s", grep(body, "narvaro"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
