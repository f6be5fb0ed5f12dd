package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/loadtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

type loadFlags struct {
	gen         genFlags
	concurrency int
	warmup      time.Duration
	duration    time.Duration
	rounds      int
	maxRequests int
	only        string
	profileDir  string
	keepLogs    bool
	serviceEnv  string
}

func (l *loadFlags) register(fs *flag.FlagSet) {
	l.gen.register(fs)
	fs.IntVar(&l.concurrency, "c", 32, "concurrent connections (workers)")
	fs.DurationVar(&l.warmup, "warmup", 2*time.Second, "warm-up before each measurement")
	fs.DurationVar(&l.duration, "duration", 10*time.Second, "measurement window per endpoint")
	fs.IntVar(&l.rounds, "rounds", 3, "rounds over every endpoint; figures are the medians")
	fs.IntVar(&l.maxRequests, "max-requests", 500000, "stop a window early after this many requests")
	fs.StringVar(&l.only, "only", "", "comma-separated words; measure only endpoints whose name contains one (the floor always runs)")
	fs.StringVar(&l.profileDir, "profile", "", "write a CPU and an allocation profile of the service per endpoint into this directory")
	fs.BoolVar(&l.keepLogs, "keep-logs", false, "keep the servers' logs (their path is printed)")
	fs.StringVar(&l.serviceEnv, "service-env", "", "extra environment for the service, comma-separated K=V (experiments, e.g. NARVARO_AUDIT_SEAL_INTERVAL=1h)")
}

func cmdLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var l loadFlags
	l.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var out report
	err := runLoad(ctx, l, &out)
	out.print(os.Stdout)
	return err
}

// endpointGoal is what issue 9 asks of an endpoint, as a share of the floor's requests/s.
type endpointGoal struct {
	share float64 // 0: no goal
	p99   time.Duration
	noErr bool
}

var goals = map[string]endpointGoal{
	"case JSON":       {share: 0.30, p99: 50 * time.Millisecond},
	"case page HTML":  {share: 0.20},
	"start page HTML": {share: 0.20},
	"start page JSON": {share: 0.20},
	"save follow-up":  {share: 0.15, noErr: true},
}

func goalOf(name string) endpointGoal {
	for k, g := range goals {
		if strings.HasPrefix(name, k+":") {
			return g
		}
	}
	return endpointGoal{}
}

func runLoad(ctx context.Context, l loadFlags, out *report) error {
	url, err := l.gen.prepare(ctx, out)
	if err != nil {
		return err
	}
	root, err := loadtest.ModuleRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "narvaro-bench-")
	if err != nil {
		return err
	}
	if l.keepLogs {
		fmt.Fprintf(os.Stderr, "logs in %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := filepath.Join(tmp, "narvaro")
	var buildFlags []string
	if l.profileDir != "" {
		overlay, err := pprofOverlay(root, tmp)
		if err != nil {
			return err
		}
		buildFlags = append(buildFlags, "-overlay", overlay)
	}
	if err := loadtest.Build(ctx, root, "./cmd/narvaro", bin, buildFlags...); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	svcAddr, err := loadtest.FreeAddr()
	if err != nil {
		return err
	}
	floorAddr, err := loadtest.FreeAddr()
	if err != nil {
		return err
	}
	pprofAddr := ""
	env := []string{"DATABASE_URL=" + loadtest.WithApplicationName(url, svcApp), "NARVARO_ADDR=" + svcAddr, "NARVARO_BASE_URL=http://" + svcAddr,
		"NARVARO_CONFIG_DIR=" + filepath.Join(root, "configs")}
	for _, kv := range strings.Split(l.serviceEnv, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			env = append(env, kv)
		}
	}
	if l.profileDir != "" {
		if pprofAddr, err = loadtest.FreeAddr(); err != nil {
			return err
		}
		env = append(env, "NARVARO_PPROF="+pprofAddr)
		if err := os.MkdirAll(l.profileDir, 0o755); err != nil {
			return err
		}
	}
	svc, err := loadtest.Start(ctx, bin, []string{"serve"}, env, "http://"+svcAddr, "/readyz", filepath.Join(tmp, "narvaro.log"))
	if err != nil {
		return err
	}
	defer svc.Stop()
	floor, err := loadtest.Start(ctx, self, []string{"floor", "-addr", floorAddr}, []string{"DATABASE_URL=" + loadtest.WithApplicationName(url, floorApp)},
		"http://"+floorAddr, "/cases/1", filepath.Join(tmp, "floor.log"))
	if err != nil {
		return err
	}
	defer floor.Stop()
	fmt.Fprintf(os.Stderr, "service pid %d at %s, floor pid %d at %s\n", svc.PID(), svc.URL, floor.PID(), floor.URL)

	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return err
	}
	defer db.Close()
	world, err := loadtest.LoadWorld(ctx, db)
	if err != nil {
		return err
	}
	client := loadtest.NewClient(l.concurrency)
	var counts loadtest.FollowUps
	today := time.Now().In(postgres.Stockholm())
	endpoints := []loadtest.Endpoint{
		loadtest.FloorRead(floor.URL, world),
		loadtest.CaseJSON(svc.URL, world),
	}
	pages := loadtest.PagesServed(client, svc.URL)
	if pages {
		sessions := loadtest.NewSessions(client)
		// Everybody signs in before anything is measured: argon2id is slow on purpose.
		for i := range l.concurrency {
			for _, u := range []loadtest.User{staff(world, i, false), staff(world, i/2, i%2 == 1)} {
				if _, err := sessions.For(svc.URL, u); err != nil {
					return err
				}
			}
		}
		endpoints = append(endpoints, loadtest.CasePage(svc.URL, world, sessions), loadtest.HomePage(svc.URL, world, sessions))
	}
	endpoints = append(endpoints, loadtest.Tasks(svc.URL, world),
		loadtest.SaveFollowUp(svc.URL, world, today, &counts, l.concurrency))
	endpoints = selectEndpoints(endpoints, l.only)

	var before int64
	if err := db.GetContext(ctx, &before, `SELECT count(*) FROM followups`); err != nil {
		return err
	}
	opts := loadtest.Options{Concurrency: l.concurrency, Warmup: l.warmup, Duration: l.duration, MaxRequests: l.maxRequests}
	results := map[string][]loadtest.Result{}
	costs := map[string][]cpuCost{}
	ratios := map[string][]float64{}
	for round := 1; round <= l.rounds; round++ {
		var floorRPS float64
		for _, ep := range endpoints {
			stopProfile := func() {}
			if l.profileDir != "" && round == 1 && !strings.HasPrefix(ep.Name, "floor") {
				stopProfile = profile(ctx, pprofAddr, l.profileDir, ep.Name, l.warmup, l.duration)
			}
			proc, app := svc, svcApp
			if strings.HasPrefix(ep.Name, "floor") {
				proc, app = floor, floorApp
			}
			procBefore, _ := loadtest.ProcessCPU(proc.PID())
			selfBefore, _ := loadtest.ProcessCPU(os.Getpid())
			sampler := loadtest.SampleBackends(ctx, db, app)
			o := opts
			if ep.Concurrency > 0 {
				o.Concurrency = ep.Concurrency
			}
			res, err := loadtest.Run(ctx, client, o, ep.Worker)
			stopProfile()
			pgCPU, backends := sampler.Stop()
			if err != nil {
				return fmt.Errorf("%s: %w", ep.Name, err)
			}
			procAfter, _ := loadtest.ProcessCPU(proc.PID())
			selfAfter, _ := loadtest.ProcessCPU(os.Getpid())
			if res.Total > 0 {
				n := time.Duration(res.Total)
				c := cpuCost{server: (procAfter - procBefore) / n, pg: pgCPU / n, client: (selfAfter - selfBefore) / n, backends: backends}
				costs[ep.Name] = append(costs[ep.Name], c)
			}
			if strings.HasPrefix(ep.Name, "floor") {
				floorRPS = res.RPS()
			} else if floorRPS > 0 {
				ratios[ep.Name] = append(ratios[ep.Name], res.RPS()/floorRPS)
			}
			results[ep.Name] = append(results[ep.Name], res)
			rss, _ := svc.RSS()
			var c cpuCost
			if cs := costs[ep.Name]; len(cs) > 0 {
				c = cs[len(cs)-1]
			}
			fmt.Fprintf(os.Stderr, "round %d  %-50s %8.0f req/s  p50 %6.1f ms  p99 %6.1f ms  errors %d  cpu/req %.2f+%.2f ms (load generator %.2f)  backends %d  rss %d MB%s\n", round, ep.Name,
				res.RPS(), ms(res.Percentile(0.50)), ms(res.Percentile(0.99)), res.Errors, ms(c.server), ms(c.pg), ms(c.client), c.backends, rss>>20, errNote(res.FirstErr))
		}
	}
	var after int64
	if err := db.GetContext(ctx, &after, `SELECT count(*) FROM followups`); err != nil {
		return err
	}
	peak, err := svc.PeakRSS()
	if err != nil {
		return err
	}

	for _, ep := range endpoints {
		rs := results[ep.Name]
		var rps, p50, p99 []float64
		errs, reqs := 0, 0
		for _, r := range rs {
			rps = append(rps, r.RPS())
			p50 = append(p50, ms(r.Percentile(0.50)))
			p99 = append(p99, ms(r.Percentile(0.99)))
			errs += r.Errors
			reqs += r.Requests
		}
		g := goalOf(ep.Name)
		f := figure{Name: ep.Name, Value: median(rps), Unit: "req/s"}
		detail := []string{fmt.Sprintf("p50 %.1f ms", median(p50)), fmt.Sprintf("p99 %.1f ms", median(p99)),
			fmt.Sprintf("errors %d of %d", errs, reqs)}
		if rt := ratios[ep.Name]; len(rt) > 0 {
			r := median(rt)
			f.Ratio = fmt.Sprintf("%.1f %% of floor", 100*r)
			if g.share > 0 {
				ok := r >= g.share
				goal := fmt.Sprintf("≥ %.0f %% of floor", 100*g.share)
				if g.p99 > 0 {
					goal += fmt.Sprintf(", p99 ≤ %.0f ms", ms(g.p99))
					ok = ok && median(p99) <= ms(g.p99)
				}
				if g.noErr {
					goal += ", no errors"
					ok = ok && errs == 0
				}
				f.Goal, f.Met = goal, met(ok)
			}
		}
		if strings.HasPrefix(ep.Name, "save follow-up") {
			lost := counts.Created.Load() - (after - before)
			detail = append(detail, fmt.Sprintf("%d saved (201), %d rows added, %d lost, %d conflicts",
				counts.Created.Load(), after-before, lost, counts.Conflict.Load()))
			if lost != 0 {
				f.Met = "NO"
			}
		}
		if c, ok := medianCost(costs[ep.Name]); ok {
			line := fmt.Sprintf("CPU/request %.2f ms server + %.2f ms PostgreSQL (+ %.2f ms load generator)", ms(c.server), ms(c.pg), ms(c.client))
			if fc, ok := medianCost(costs[endpoints[0].Name]); ok && !strings.HasPrefix(ep.Name, "floor") && c.server+c.pg > 0 {
				line += fmt.Sprintf(" (%.1f %% of floor's CPU efficiency)", 100*float64(fc.server+fc.pg)/float64(c.server+c.pg))
			}
			detail = append(detail, line)
		}
		f.Note = strings.Join(detail, ", ")
		out.add(f)
	}
	if !pages {
		out.add(figure{Name: "case page HTML, start page HTML", Note: "skipped: the service has no HTML pages yet (GET /login is not 200)"})
	}
	queryCounts(ctx, root, url, world, out)
	out.add(figure{Name: "service peak memory (VmHWM)", Value: float64(peak) / (1 << 20), Unit: "MB",
		Goal: "< 150 MB", Met: met(peak < 150<<20), Note: fmt.Sprintf("narvaro serve as its own process, pid %d", svc.PID())})
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func errNote(err error) string {
	if err == nil {
		return ""
	}
	return "  first error: " + err.Error()
}

func selectEndpoints(eps []loadtest.Endpoint, only string) []loadtest.Endpoint {
	if only == "" {
		return eps
	}
	var out []loadtest.Endpoint
	for _, ep := range eps {
		keep := strings.HasPrefix(ep.Name, "floor")
		for _, w := range strings.Split(only, ",") {
			if w = strings.TrimSpace(w); w != "" && strings.Contains(ep.Name, w) {
				keep = true
			}
		}
		if keep {
			out = append(out, ep)
		}
	}
	return out
}

// profile fetches a CPU profile of the measurement window and an allocation profile after it
// from the service's pprof listener.
func profile(ctx context.Context, addr, dir, name string, warmup, window time.Duration) func() {
	slug := strings.NewReplacer(" ", "-", ":", "", "/", "_").Replace(strings.SplitN(name, ":", 2)[0])
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-time.After(warmup):
		case <-ctx.Done():
			return
		}
		secs := int(window.Seconds())
		fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, max(1, secs-1)), filepath.Join(dir, slug+".cpu.pprof"))
	}()
	return func() {
		<-done
		fetch(ctx, "http://"+addr+"/debug/pprof/allocs", filepath.Join(dir, slug+".allocs.pprof"))
	}
}

func fetch(ctx context.Context, url, path string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(os.Stderr, "profile %s: %v\n", url, err)
		return
	}
	defer res.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.ReadFrom(res.Body)
}

// pprofOverlay builds the service with its pprof listener switched on from start-up (it reads
// NARVARO_PPROF), without touching the source tree: go build -overlay adds one file.
func pprofOverlay(root, tmp string) (string, error) {
	src := filepath.Join(tmp, "zz_bench_pprof.go")
	code := "package main\n\nimport \"log/slog\"\n\nfunc init() {\n\tif err := startPprof(slog.Default()); err != nil {\n\t\tslog.Error(\"pprof\", \"error\", err)\n\t}\n}\n"
	if err := os.WriteFile(src, []byte(code), 0o644); err != nil {
		return "", err
	}
	overlay := filepath.Join(tmp, "overlay.json")
	spec := fmt.Sprintf(`{"Replace": {%q: %q}}`, filepath.Join(root, "cmd", "narvaro", "zz_bench_pprof.go"), src)
	return overlay, os.WriteFile(overlay, []byte(spec), 0o644)
}

// The PostgreSQL application names that tell the service's backends from the floor's.
const (
	svcApp   = "narvaro-bench-service"
	floorApp = "narvaro-bench-floor"
)

// cpuCost is the CPU one request cost the server process and its PostgreSQL backends.
type cpuCost struct {
	server, pg time.Duration
	client     time.Duration // the load generator itself (this process), on the same cores
	backends   int           // PostgreSQL backends seen during the run
}

func medianCost(cs []cpuCost) (cpuCost, bool) {
	if len(cs) == 0 {
		return cpuCost{}, false
	}
	var s, p, g []float64
	for _, c := range cs {
		s = append(s, float64(c.server))
		p = append(p, float64(c.pg))
		g = append(g, float64(c.client))
	}
	return cpuCost{server: time.Duration(median(s)), pg: time.Duration(median(p)), client: time.Duration(median(g))}, true
}

func staff(w *loadtest.World, i int, rektor bool) loadtest.User {
	_, u := w.Staff(i, rektor)
	return u
}

// queryCounts adds how many statements each measured request runs (auto_explain, in this
// process); without a superuser it says so and goes on.
func queryCounts(ctx context.Context, root, url string, world *loadtest.World, out *report) {
	cfg, err := config.Load(filepath.Join(root, "configs"))
	if err == nil {
		var traces []loadtest.Trace
		if traces, err = loadtest.Explain(ctx, url, cfg, world); err == nil {
			for _, t := range traces {
				out.add(figure{Name: "statements per request: " + t.Name, Value: float64(len(t.Statements)), Unit: "",
					Note: fmt.Sprintf("%.2f ms executing in PostgreSQL (auto_explain; narvaro-bench explain shows the plans)", t.ServerMS())})
			}
			return
		}
	}
	out.add(figure{Name: "statements per request", Note: "not measured: " + err.Error()})
}
