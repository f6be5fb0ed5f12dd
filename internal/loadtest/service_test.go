package loadtest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/web"
)

// service runs the real service over a small generated municipality.
func service(t *testing.T) (*postgres.DB, *httptest.Server, *World) {
	t.Helper()
	db := generated(t)
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	srv, err := web.New(web.Deps{Config: cfg, Store: store, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	w, err := LoadWorld(context.Background(), db.DB)
	if err != nil {
		t.Fatal(err)
	}
	return db, ts, w
}

// TestEveryEndpointAnswersAsRealUsersWouldSeeIt runs each measured endpoint briefly against the
// service on a small municipality: every request must get the expected answer, as the benchmark
// counts anything else as an error.
func TestEveryEndpointAnswersAsRealUsersWouldSeeIt(t *testing.T) {
	t.Parallel()
	db, ts, w := service(t)
	c := NewClient(4)
	floor := httptest.NewServer(FloorHandler(db.DB))
	defer floor.Close()
	eps := []Endpoint{FloorRead(floor.URL, w), CaseJSON(ts.URL, w), Tasks(ts.URL, w)}
	if PagesServed(c, ts.URL) {
		s := NewSessions(c)
		eps = append(eps, CasePage(ts.URL, w, s), HomePage(ts.URL, w, s))
	}
	o := Options{Concurrency: 4, Duration: 300 * time.Millisecond}
	for _, ep := range eps {
		res, err := Run(context.Background(), c, o, ep.Worker)
		if err != nil {
			t.Fatalf("%s: %v", ep.Name, err)
		}
		if res.Requests == 0 || res.Errors != 0 {
			t.Errorf("%s: %d errors in %d requests (first: %v)", ep.Name, res.Errors, res.Requests, res.FirstErr)
		}
	}
}

// TestSavedFollowUpsAreAllStored checks the write benchmark's own bookkeeping: every 201 is a
// row, no worker saves on a stale version (each owns its cases), and a case read back shows the
// version the worker expects.
func TestSavedFollowUpsAreAllStored(t *testing.T) {
	t.Parallel()
	db, ts, w := service(t)
	ctx := context.Background()
	var before int
	if err := db.GetContext(ctx, &before, `SELECT count(*) FROM followups`); err != nil {
		t.Fatal(err)
	}
	var counts FollowUps
	// The service's clock is the wall clock: a follow-up is held today.
	ep := SaveFollowUp(ts.URL, w, time.Now().In(postgres.Stockholm()), &counts, 4)
	res, err := Run(ctx, NewClient(4), Options{Concurrency: 4, Duration: 500 * time.Millisecond}, ep.Worker)
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || counts.Conflict.Load() != 0 {
		t.Fatalf("%d errors, %d conflicts (first: %v)", res.Errors, counts.Conflict.Load(), res.FirstErr)
	}
	var after int
	if err := db.GetContext(ctx, &after, `SELECT count(*) FROM followups`); err != nil {
		t.Fatal(err)
	}
	if counts.Created.Load() == 0 || int64(after-before) != counts.Created.Load() {
		t.Fatalf("%d saved with 201, %d rows added", counts.Created.Load(), after-before)
	}
	ac := w.Writable[0]
	v, err := currentVersion(ctx, NewClient(1), ts.URL, schoolToken(w, ac.SchoolID), ac.ID)
	if err != nil || v != ac.Version {
		t.Fatalf("case %d at version %d (%v), the worker expects %d", ac.ID, v, err, ac.Version)
	}
}

func schoolToken(w *World, school int64) string {
	for _, s := range w.Schools {
		if s.ID == school {
			return s.EHT[0].Token()
		}
	}
	return ""
}

func TestFloorReadsOneCaseRow(t *testing.T) {
	t.Parallel()
	db := generated(t)
	ts := httptest.NewServer(FloorHandler(db.DB))
	defer ts.Close()
	res, err := http.Get(ts.URL + "/cases/3")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var row map[string]any
	body, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(body, &row); err != nil || res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if row["id"] != float64(3) || !strings.HasPrefix(row["case_number"].(string), "BUN ") || row["status"] == "" {
		t.Errorf("row %v", row)
	}
	if res, err := http.Get(ts.URL + "/cases/999999"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("a missing case: %v %v", res.StatusCode, err)
	}
}
