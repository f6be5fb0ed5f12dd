package loadtest

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/web"
)

// Statement is one statement PostgreSQL executed for a request, with its plan as run.
type Statement struct {
	Query string
	MS    float64 // execution time on the server
	Plan  string  // the executed plan, one node per line
}

// Trace is what one request cost the database.
type Trace struct {
	Name       string
	Status     int
	Statements []Statement
}

// ServerMS is the time PostgreSQL spent executing the request's statements.
func (t Trace) ServerMS() float64 {
	var ms float64
	for _, s := range t.Statements {
		ms += s.MS
	}
	return ms
}

// Explain runs the service in this process against dbURL with PostgreSQL's auto_explain
// reporting every statement's executed plan back to the client, sends one request of each
// measured kind (after a few unmeasured ones, so the plans are those a warm service uses) and
// returns what each request ran. It needs a superuser (LOAD 'auto_explain').
func Explain(ctx context.Context, dbURL string, cfg *config.Config, w *World) ([]Trace, error) {
	var mu sync.Mutex
	var got []Statement
	connector, err := pq.NewConnector(dbURL)
	if err != nil {
		return nil, err
	}
	notices := pq.ConnectorWithNoticeHandler(connector, func(e *pq.Error) {
		if s, ok := parseAutoExplain(e.Message); ok {
			mu.Lock()
			got = append(got, s)
			mu.Unlock()
		}
	})
	sqlDB := sql.OpenDB(explainConnector{notices})
	defer sqlDB.Close()
	sqlDB.SetMaxOpenConns(2)
	db := postgres.FromSQL(sqlDB)
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	srv, err := web.New(web.Deps{Config: cfg, Store: store, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	c := NewClient(1)

	school, eht := w.Staff(0, false)
	_, rektor := w.Staff(0, true)
	caseID := school.Cases[len(school.Cases)/2]
	var active *ActiveCase
	for i := range w.Writable {
		if w.Writable[i].SchoolID == school.ID {
			active = &w.Writable[i]
			break
		}
	}
	if active == nil {
		return nil, fmt.Errorf("explain: school %d has no active case to follow up", school.ID)
	}
	pages := PagesServed(c, ts.URL)
	sessions := NewSessions(c)
	token := func(u User) http.Header { return http.Header{"Authorization": {"Bearer " + u.Token()}} }
	cookie := func(u User) (http.Header, error) {
		ck, err := sessions.For(ts.URL, u)
		return http.Header{"Cookie": {ck}}, err
	}
	type request struct {
		name, method, path string
		header             func() (http.Header, error)
		body               func() []byte
		want               int
	}
	today := time.Now().In(postgres.Stockholm())
	reqs := []request{
		{"case JSON: GET /api/v1/cases/:id (EHT)", "GET", "/api/v1/cases/" + strconv.FormatInt(caseID, 10),
			func() (http.Header, error) { return token(eht), nil }, nil, 200},
		{"start page JSON: GET /api/v1/tasks (EHT)", "GET", "/api/v1/tasks", func() (http.Header, error) { return token(eht), nil }, nil, 200},
		{"start page JSON: GET /api/v1/tasks (rektor)", "GET", "/api/v1/tasks", func() (http.Header, error) { return token(rektor), nil }, nil, 200},
	}
	if pages {
		reqs = append(reqs,
			request{"case page HTML: GET /cases/:id (EHT)", "GET", "/cases/" + strconv.FormatInt(caseID, 10),
				func() (http.Header, error) { return cookie(eht) }, nil, 200},
			request{"start page HTML: GET / (EHT)", "GET", "/", func() (http.Header, error) { return cookie(eht) }, nil, 200},
			request{"start page HTML: GET / (rektor)", "GET", "/", func() (http.Header, error) { return cookie(rektor) }, nil, 200})
	}
	reqs = append(reqs, request{"save follow-up: POST /api/v1/cases/:id/followups (EHT)", "POST",
		"/api/v1/cases/" + strconv.FormatInt(active.ID, 10) + "/followups",
		func() (http.Header, error) {
			h := token(w.Schools[0].EHT[0])
			h.Set("Content-Type", "application/json")
			return h, nil
		},
		func() []byte { return followUpBody(active, today) }, 201})

	var out []Trace
	for _, r := range reqs {
		// Six unmeasured runs first: PostgreSQL switches a prepared statement to its generic
		// plan after five.
		for run := 0; run < 7; run++ {
			h, err := r.header()
			if err != nil {
				return nil, err
			}
			var body io.Reader
			if r.body != nil {
				body = bytes.NewReader(r.body())
			}
			req, err := http.NewRequestWithContext(ctx, r.method, ts.URL+r.path, body)
			if err != nil {
				return nil, err
			}
			req.Header = h
			mu.Lock()
			got = nil
			mu.Unlock()
			_, status, err := do(c, req, r.want)
			if err != nil {
				return nil, fmt.Errorf("explain %s: %w", r.name, err)
			}
			if r.want == http.StatusCreated {
				active.Version++
			}
			if run < 6 {
				continue
			}
			mu.Lock()
			out = append(out, Trace{Name: r.name, Status: status, Statements: got})
			mu.Unlock()
		}
	}
	return out, nil
}

func followUpBody(ac *ActiveCase, today time.Time) []byte {
	type result struct {
		MeasureID int64  `json:"measure_id"`
		Result    string `json:"result"`
	}
	body := map[string]any{"held_on": today.Format("2006-01-02"), "next_date": today.AddDate(0, 0, 28).Format("2006-01-02"),
		"version": ac.Version, "comment": "Uppföljning."}
	var rs []result
	for _, m := range ac.Measures {
		rs = append(rs, result{m, "improved"})
	}
	body["results"] = rs
	b, _ := json.Marshal(body)
	return b
}

// explainConnector switches auto_explain on for every connection, reporting to the client.
type explainConnector struct{ inner driver.Connector }

func (c explainConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	_, err = cn.(driver.ExecerContext).ExecContext(ctx, `LOAD 'auto_explain';
		SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on;
		SET auto_explain.log_timing = on; SET auto_explain.log_nested_statements = off; SET auto_explain.log_format = json;
		SET auto_explain.log_level = notice; SET client_min_messages = notice`, nil)
	if err != nil {
		cn.Close()
		return nil, fmt.Errorf("explain needs a superuser to LOAD 'auto_explain': %w", err)
	}
	return cn, nil
}

func (c explainConnector) Driver() driver.Driver { return c.inner.Driver() }

// parseAutoExplain reads auto_explain's JSON notice.
func parseAutoExplain(msg string) (Statement, bool) {
	head, body, ok := strings.Cut(msg, "plan:")
	if !ok || !strings.HasPrefix(strings.TrimSpace(head), "duration:") {
		return Statement{}, false
	}
	var p struct {
		Query string   `json:"Query Text"`
		Plan  planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return Statement{}, false
	}
	ms, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(head), "duration:")), "ms")), 64)
	var b strings.Builder
	p.Plan.render(&b, 0)
	q := strings.Join(strings.Fields(p.Query), " ")
	if strings.Contains(q, "; ") {
		// auto_explain names the whole text of a multi-statement query; the plan says which part ran.
		q = "(one statement of a multi-statement query; see the plan) " + q
	}
	return Statement{Query: q, MS: ms, Plan: b.String()}, true
}

type planNode struct {
	NodeType    string     `json:"Node Type"`
	Relation    string     `json:"Relation Name"`
	Alias       string     `json:"Alias"`
	Index       string     `json:"Index Name"`
	IndexCond   string     `json:"Index Cond"`
	Filter      string     `json:"Filter"`
	JoinType    string     `json:"Join Type"`
	Strategy    string     `json:"Strategy"`
	SortKey     []string   `json:"Sort Key"`
	RowsRemoved int        `json:"Rows Removed by Filter"`
	ActualRows  float64    `json:"Actual Rows"`
	ActualLoops float64    `json:"Actual Loops"`
	ActualTime  float64    `json:"Actual Total Time"`
	SharedHit   int        `json:"Shared Hit Blocks"`
	SharedRead  int        `json:"Shared Read Blocks"`
	Plans       []planNode `json:"Plans"`
}

func (n planNode) render(b *strings.Builder, depth int) {
	pad := strings.Repeat("  ", depth)
	if depth > 0 {
		pad += "-> "
	}
	name := n.NodeType
	if n.JoinType != "" && n.JoinType != "Inner" {
		name = n.JoinType + " " + name
	}
	if n.Strategy != "" && n.NodeType == "Aggregate" {
		name = n.Strategy + " " + name
	}
	if n.Index != "" {
		name += " using " + n.Index
	}
	if n.Relation != "" {
		name += " on " + n.Relation
		if n.Alias != "" && n.Alias != n.Relation {
			name += " " + n.Alias
		}
	}
	fmt.Fprintf(b, "%s%s  (actual time=%.3f ms rows=%.0f loops=%.0f buffers hit=%d read=%d)\n", pad, name, n.ActualTime,
		n.ActualRows, n.ActualLoops, n.SharedHit, n.SharedRead)
	ind := strings.Repeat("  ", depth+2)
	if n.IndexCond != "" {
		fmt.Fprintf(b, "%sIndex Cond: %s\n", ind, n.IndexCond)
	}
	if n.Filter != "" {
		fmt.Fprintf(b, "%sFilter: %s (removed %d)\n", ind, n.Filter, n.RowsRemoved)
	}
	if len(n.SortKey) > 0 {
		fmt.Fprintf(b, "%sSort Key: %s\n", ind, strings.Join(n.SortKey, ", "))
	}
	for _, c := range n.Plans {
		c.render(b, depth+1)
	}
}
