package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Endpoint is one thing the load test measures.
type Endpoint struct {
	Name string
	// Worker builds worker i's request loop.
	Worker func(i int) (Worker, error)
	// Concurrency, when not 0, is the most workers the endpoint can keep busy (the follow-up
	// writes need a case of their own per worker).
	Concurrency int
}

// do sends req and reads the whole answer; ok when the status is want.
func do(c *http.Client, req *http.Request, want int) ([]byte, int, error) {
	res, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, res.StatusCode, err
	}
	if res.StatusCode != want {
		return body, res.StatusCode, fmt.Errorf("%s %s: status %d, want %d: %.200s", req.Method, req.URL.Path, res.StatusCode, want, body)
	}
	return body, res.StatusCode, nil
}

// get is a worker reading paths chosen by next with the given headers.
func get(base string, headers http.Header, next func() string) Worker {
	return func(ctx context.Context, c *http.Client) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+next(), nil)
		if err != nil {
			return false, err
		}
		req.Header = headers.Clone()
		_, _, err = do(c, req, http.StatusOK)
		return err == nil, err
	}
}

func randomOf(ids []int64, seed uint64) func() int64 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	return func() int64 { return ids[rng.IntN(len(ids))] }
}

// FloorRead reads one case row by primary key from the floor server.
func FloorRead(floorURL string, w *World) Endpoint {
	return Endpoint{Name: "floor: one row by primary key", Worker: func(i int) (Worker, error) {
		pick := randomOf(w.CaseIDs, uint64(i))
		return get(floorURL, http.Header{}, func() string { return "/cases/" + strconv.FormatInt(pick(), 10) }), nil
	}}
}

// CaseJSON reads GET /api/v1/cases/:id with an EHT member's API token, a case of their school.
func CaseJSON(base string, w *World) Endpoint {
	return Endpoint{Name: "case JSON: GET /api/v1/cases/:id", Worker: func(i int) (Worker, error) {
		s, u := w.Staff(i, false)
		pick := randomOf(s.Cases, uint64(i))
		h := http.Header{"Authorization": {"Bearer " + u.Token()}, "Accept": {"application/json"}}
		return get(base, h, func() string { return "/api/v1/cases/" + strconv.FormatInt(pick(), 10) }), nil
	}}
}

// Tasks reads "what needs me now" as JSON; even workers are EHT members, odd ones rektorer.
func Tasks(base string, w *World) Endpoint {
	return Endpoint{Name: "start page JSON: GET /api/v1/tasks", Worker: func(i int) (Worker, error) {
		_, u := w.Staff(i/2, i%2 == 1)
		h := http.Header{"Authorization": {"Bearer " + u.Token()}, "Accept": {"application/json"}}
		return get(base, h, func() string { return "/api/v1/tasks" }), nil
	}}
}

// CasePage reads the case page as a signed-in EHT member (a session cookie from POST /login).
func CasePage(base string, w *World, sessions *Sessions) Endpoint {
	return Endpoint{Name: "case page HTML: GET /cases/:id", Worker: func(i int) (Worker, error) {
		s, u := w.Staff(i, false)
		cookie, err := sessions.For(base, u)
		if err != nil {
			return nil, err
		}
		pick := randomOf(s.Cases, uint64(i))
		h := http.Header{"Cookie": {cookie}, "Accept": {"text/html"}}
		return get(base, h, func() string { return "/cases/" + strconv.FormatInt(pick(), 10) }), nil
	}}
}

// HomePage reads the start page as a signed-in person; even workers are EHT members, odd ones
// rektorer.
func HomePage(base string, w *World, sessions *Sessions) Endpoint {
	return Endpoint{Name: "start page HTML: GET /", Worker: func(i int) (Worker, error) {
		_, u := w.Staff(i/2, i%2 == 1)
		cookie, err := sessions.For(base, u)
		if err != nil {
			return nil, err
		}
		h := http.Header{"Cookie": {cookie}, "Accept": {"text/html"}}
		return get(base, h, func() string { return "/" }), nil
	}}
}

// FollowUps counts the follow-ups the service confirmed with 201, warm-up included, so the
// database can be checked for lost writes afterwards.
type FollowUps struct {
	Created  atomic.Int64
	Conflict atomic.Int64
}

// SaveFollowUp posts follow-ups (POST /api/v1/cases/:id/followups) with the version the worker
// last saw. Each worker owns its own active cases, as a person works their own caseload, so a
// stale version would mean the service lost or reordered a write. workers is the run's
// concurrency; with fewer active cases than that, the endpoint asks for fewer workers. After a 409 the worker reads
// the case again and carries on (the 409 still counts as an error).
func SaveFollowUp(base string, w *World, today time.Time, counts *FollowUps, workers int) Endpoint {
	workers = min(workers, len(w.Writable))
	return Endpoint{Name: "save follow-up: POST /api/v1/cases/:id/followups", Concurrency: workers, Worker: func(i int) (Worker, error) {
		var mine []*ActiveCase
		for k := range w.Writable {
			if k%workers == i%workers {
				mine = append(mine, &w.Writable[k])
			}
		}
		if len(mine) == 0 {
			return nil, fmt.Errorf("no active case left for worker %d (%d writable cases)", i, len(w.Writable))
		}
		tokens := map[int64]string{}
		for _, s := range w.Schools {
			if len(s.EHT) > 0 {
				tokens[s.ID] = s.EHT[i%len(s.EHT)].Token()
			}
		}
		held := today.Format("2006-01-02")
		next := today.AddDate(0, 0, 28).Format("2006-01-02")
		n := 0
		return func(ctx context.Context, c *http.Client) (bool, error) {
			ac := mine[n%len(mine)]
			n++
			type result struct {
				MeasureID int64  `json:"measure_id"`
				Result    string `json:"result"`
				Comment   string `json:"comment"`
			}
			body := struct {
				HeldOn   string   `json:"held_on"`
				Results  []result `json:"results"`
				Comment  string   `json:"comment"`
				NextDate string   `json:"next_date"`
				Version  int      `json:"version"`
			}{HeldOn: held, NextDate: next, Version: ac.Version,
				Comment: "Uppföljning: närvaron har ökat sedan förra mötet; eleven trivs bättre i den mindre gruppen."}
			for _, m := range ac.Measures {
				body.Results = append(body.Results, result{MeasureID: m, Result: "improved", Comment: "Fungerar bra."})
			}
			b, _ := json.Marshal(body)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/cases/"+strconv.FormatInt(ac.ID, 10)+"/followups", bytes.NewReader(b))
			if err != nil {
				return false, err
			}
			req.Header.Set("Authorization", "Bearer "+tokens[ac.SchoolID])
			req.Header.Set("Content-Type", "application/json")
			_, status, err := do(c, req, http.StatusCreated)
			switch {
			case err == nil:
				counts.Created.Add(1)
				ac.Version++
				return true, nil
			case status == http.StatusConflict:
				counts.Conflict.Add(1)
				v, rerr := currentVersion(ctx, c, base, tokens[ac.SchoolID], ac.ID)
				if rerr == nil {
					ac.Version = v
				}
			}
			return false, err
		}, nil
	}}
}

func currentVersion(ctx context.Context, c *http.Client, base, token string, id int64) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/cases/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	body, _, err := do(c, req, http.StatusOK)
	if err != nil {
		return 0, err
	}
	var v struct {
		Case struct {
			Version int `json:"version"`
		} `json:"case"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return 0, err
	}
	return v.Case.Version, nil
}

// Sessions signs people in through the sign-in form once and keeps their session cookies.
type Sessions struct {
	c       *http.Client
	cookies map[string]string
}

// NewSessions signs in with c.
func NewSessions(c *http.Client) *Sessions { return &Sessions{c: c, cookies: map[string]string{}} }

// For returns u's session cookie ("name=value"), signing in first if needed.
func (s *Sessions) For(base string, u User) (string, error) {
	if c, ok := s.cookies[u.Username]; ok {
		return c, nil
	}
	form := url.Values{"username": {u.Username}, "password": {Password}}
	req, err := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := s.c.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck // only the cookie matters
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in as %s: status %d", u.Username, res.StatusCode)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "narvaro_session" && ck.Value != "" {
			s.cookies[u.Username] = ck.Name + "=" + ck.Value
			return s.cookies[u.Username], nil
		}
	}
	return "", fmt.Errorf("sign in as %s: no session cookie", u.Username)
}

// PagesServed reports whether the service has the HTML pages (the sign-in page answers).
func PagesServed(c *http.Client, base string) bool {
	res, err := c.Get(base + "/login")
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck // only the status matters
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}
