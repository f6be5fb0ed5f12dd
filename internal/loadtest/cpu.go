package loadtest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// CPU time is what a request costs whatever else the machine is doing; requests per second
// are not. The load test reports both: the CPU the service process and the PostgreSQL backends
// serving it (found by application_name) spent per request.

// clockTick is the unit of utime and stime in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// ProcessCPU is the CPU time (user and system) process pid has used so far.
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may contain spaces: count from after it.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad times", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// BackendsCPU sums the CPU time of the PostgreSQL backends connected with application_name
// app, by process id. The server must run on this machine (it does for the loopback test).
func BackendsCPU(ctx context.Context, db *sqlx.DB, app string) (map[int]time.Duration, error) {
	var pids []int
	if err := db.SelectContext(ctx, &pids, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, app); err != nil {
		return nil, err
	}
	out := map[int]time.Duration{}
	for _, pid := range pids {
		if t, err := ProcessCPU(pid); err == nil {
			out[pid] = t
		}
	}
	return out, nil
}

// BackendSampler follows the CPU of an application's backends while a run lasts. A pool closes
// connections it cannot keep idle, and a backend's CPU time leaves with its process, so the
// backends are sampled every 100 ms and each one's last sample counts.
type BackendSampler struct {
	stop   chan struct{}
	done   chan struct{}
	first  map[int]time.Duration
	last   map[int]time.Duration
	errors int
}

// SampleBackends starts sampling app's backends on db.
func SampleBackends(ctx context.Context, db *sqlx.DB, app string) *BackendSampler {
	s := &BackendSampler{stop: make(chan struct{}), done: make(chan struct{}), last: map[int]time.Duration{}}
	s.first, _ = BackendsCPU(ctx, db, app)
	go func() {
		defer close(s.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			now, err := BackendsCPU(ctx, db, app)
			if err != nil {
				s.errors++
			}
			for pid, c := range now {
				s.last[pid] = c
			}
			select {
			case <-s.stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends the sampling and returns the CPU the backends spent and how many took part (a
// number above the pool size means connections were closed and opened during the run).
func (s *BackendSampler) Stop() (time.Duration, int) {
	close(s.stop)
	<-s.done
	var d time.Duration
	for pid, t := range s.last {
		d += t - s.first[pid]
	}
	return d, len(s.last)
}

// WithApplicationName sets application_name in a PostgreSQL URL, so the backends of one
// client can be told from another's.
func WithApplicationName(url, app string) string {
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return url + " application_name=" + app // key=value form: a later key wins
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "application_name=" + app
}
