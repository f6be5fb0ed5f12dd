package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsOnlyTheWindowAndEveryUnexpectedAnswer(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%5 == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.Write([]byte("ok")) //nolint:errcheck // test server
	}))
	defer srv.Close()
	c := NewClient(4)
	o := Options{Concurrency: 4, Warmup: 100 * time.Millisecond, Duration: 300 * time.Millisecond}
	res, err := Run(context.Background(), c, o, func(int) (Worker, error) {
		return get(srv.URL, http.Header{}, func() string { return "/" }), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Total <= res.Requests {
		t.Fatalf("measured %d of %d sent: the warm-up must be sent and not counted", res.Requests, res.Total)
	}
	if share := float64(res.Errors) / float64(res.Requests); share < 0.15 || share > 0.25 {
		t.Errorf("%d errors in %d requests; every fifth answer was a 500", res.Errors, res.Requests)
	}
	if res.FirstErr == nil || !strings.Contains(res.FirstErr.Error(), "status 500") {
		t.Errorf("first error %v, want the 500 named", res.FirstErr)
	}
	if res.Elapsed != o.Duration {
		t.Errorf("window %v, want %v", res.Elapsed, o.Duration)
	}
	if !slices.IsSorted(res.Latencies) || len(res.Latencies) != res.Requests {
		t.Error("latencies must be one per measured request, sorted")
	}
	if got := res.RPS(); got != float64(res.Requests)/o.Duration.Seconds() {
		t.Errorf("rps %v", got)
	}
}

func TestRunStopsAtTheRequestBound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	o := Options{Concurrency: 2, Duration: 10 * time.Second, MaxRequests: 50}
	start := time.Now()
	res, err := Run(context.Background(), NewClient(2), o, func(int) (Worker, error) {
		return get(srv.URL, http.Header{}, func() string { return "/" }), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second || res.Requests < 50 || res.Requests > 52 {
		t.Fatalf("%d requests in %v; the bound is 50 (one more per worker may be in flight)", res.Requests, time.Since(start))
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tt := range []struct {
		lat  []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{ms(7), 0.99, 7 * time.Millisecond},
		{ms(hundred...), 0.50, 50 * time.Millisecond},
		{ms(hundred...), 0.99, 99 * time.Millisecond},
		{ms(hundred...), 1, 100 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
	} {
		if got := (Result{Latencies: tt.lat}).Percentile(tt.p); got != tt.want {
			t.Errorf("p%v of %v = %v, want %v", tt.p*100, tt.lat, got, tt.want)
		}
	}
}

func TestParseBenchReadsEveryFigureWithItsPackage(t *testing.T) {
	out := `goos: linux
pkg: github.com/narvaro/narvaro/internal/pdf
BenchmarkCaseFile10Pages-2   	      20	  55912345 ns/op	25040674 B/op	   21371 allocs/op
PASS
pkg: github.com/narvaro/narvaro/internal/postgres
BenchmarkDetection/students=20000/autumn-term-2         	       3	 812345678 ns/op	      1234 first-run-ms	   3600000 rows-read
BenchmarkPeriodReport/json         	       1	1500000000 ns/op	      1500 ms/op
ok  	github.com/narvaro/narvaro/internal/postgres	100.1s
`
	got, err := ParseBench(strings.NewReader(out), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key    string
		n      int
		metric string
		value  float64
	}{
		{"internal/pdf.BenchmarkCaseFile10Pages", 20, "allocs/op", 21371},
		{"internal/postgres.BenchmarkDetection/students=20000/autumn-term", 3, "rows-read", 3600000},
		{"internal/postgres.BenchmarkPeriodReport/json", 1, "ns/op", 1.5e9},
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Key() != w.key || got[i].N != w.n || got[i].Metrics[w.metric] != w.value {
			t.Errorf("result %d: %s n=%d %s=%v; want %s n=%d %v", i, got[i].Key(), got[i].N, w.metric, got[i].Metrics[w.metric], w.key, w.n, w.value)
		}
	}
}

func TestParseAutoExplainRendersThePlan(t *testing.T) {
	msg := `duration: 0.123 ms  plan:
{
  "Query Text": "SELECT *\n\tFROM cases WHERE id = $1",
  "Plan": {"Node Type": "Index Scan", "Relation Name": "cases", "Alias": "cases", "Index Name": "cases_pkey",
           "Index Cond": "(id = $1)", "Actual Rows": 1, "Actual Loops": 1, "Actual Total Time": 0.01,
           "Shared Hit Blocks": 3, "Shared Read Blocks": 0}
}`
	s, ok := parseAutoExplain(msg)
	if !ok {
		t.Fatal("not recognised")
	}
	if s.MS != 0.123 || s.Query != "SELECT * FROM cases WHERE id = $1" {
		t.Errorf("got %v ms, %q", s.MS, s.Query)
	}
	for _, want := range []string{"Index Scan using cases_pkey on cases", "rows=1", "hit=3", "Index Cond: (id = $1)"} {
		if !strings.Contains(s.Plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, s.Plan)
		}
	}
	if _, ok := parseAutoExplain("some other notice"); ok {
		t.Error("an unrelated notice was taken for a plan")
	}
}
