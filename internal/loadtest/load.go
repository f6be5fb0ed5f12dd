package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Worker sends one request per call over c and reports whether the answer was the expected one;
// err is for answers that could not be had at all (a refused connection, a timeout).
type Worker func(ctx context.Context, c *http.Client) (ok bool, err error)

// Options bound a run in time and in requests.
type Options struct {
	Concurrency int           // workers, each with its own connection
	Warmup      time.Duration // requests before the measurement window are sent but not counted
	Duration    time.Duration // the measurement window
	MaxRequests int           // stop early after this many measured requests (0: no limit)
}

// Result is what one run measured inside its window.
type Result struct {
	Requests  int             // answered inside the window
	Errors    int             // of those, unexpected answers or failures
	Elapsed   time.Duration   // the window's length
	Latencies []time.Duration // sorted
	Total     int             // every request sent, warm-up included
	FirstErr  error           // the first failure, for the report
}

// RPS is requests per second inside the window.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile is the latency below which p (0..1) of the requests completed.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p*float64(len(r.Latencies))+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// NewClient is an HTTP client for n concurrent workers against one host: one kept-alive
// connection per worker, no compression, no redirects followed (a redirect is an answer).
func NewClient(n int) *http.Client {
	t := &http.Transport{
		MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n,
		DisableCompression: true, IdleConnTimeout: time.Minute,
	}
	return &http.Client{Transport: t, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Run drives the workers (newWorker is called once per worker, before anything is sent) for
// the warm-up and then the measurement window. A request counts when it started and finished
// inside the window.
func Run(ctx context.Context, c *http.Client, o Options, newWorker func(i int) (Worker, error)) (Result, error) {
	workers := make([]Worker, o.Concurrency)
	for i := range workers {
		w, err := newWorker(i)
		if err != nil {
			return Result{}, fmt.Errorf("worker %d: %w", i, err)
		}
		workers[i] = w
	}
	type sample struct {
		lat time.Duration
		ok  bool
	}
	start := time.Now()
	from, to := start.Add(o.Warmup), start.Add(o.Warmup+o.Duration)
	ctx, cancel := context.WithDeadline(ctx, to.Add(30*time.Second))
	defer cancel()
	var measured, total atomic.Int64
	var firstErr atomic.Pointer[error]
	samples := make([][]sample, o.Concurrency)
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]sample, 0, 4096)
			for {
				t0 := time.Now()
				if !t0.Before(to) || ctx.Err() != nil {
					break
				}
				if o.MaxRequests > 0 && measured.Load() >= int64(o.MaxRequests) {
					break
				}
				ok, err := w(ctx, c)
				t1 := time.Now()
				total.Add(1)
				if err != nil {
					ok = false
					firstErr.CompareAndSwap(nil, &err)
				}
				if !t0.Before(from) && !t1.After(to) {
					measured.Add(1)
					out = append(out, sample{t1.Sub(t0), ok})
				}
			}
			samples[i] = out
		}()
	}
	wg.Wait()
	end := time.Now()
	var r Result
	r.Elapsed = to.Sub(from)
	if o.MaxRequests > 0 && measured.Load() >= int64(o.MaxRequests) {
		r.Elapsed = end.Sub(from) // stopped early by the request bound
	}
	for _, s := range samples {
		for _, x := range s {
			r.Requests++
			if !x.ok {
				r.Errors++
			}
			r.Latencies = append(r.Latencies, x.lat)
		}
	}
	slices.Sort(r.Latencies)
	r.Total = int(total.Load())
	if e := firstErr.Load(); e != nil {
		r.FirstErr = *e
	}
	return r, nil
}
