package pgsetup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxSocketPath is the shortest sun_path limit among supported systems (macOS: 104 with the NUL).
const maxSocketPath = 103

// startTimeout bounds pg_ctl start; crash recovery after an unclean stop can take a while.
const startTimeout = 60 * time.Second

// cluster is the layout of a private cluster under one directory.
type cluster struct {
	dir  string // socket, log and lock live here
	data string // PGDATA
	port int
}

func newCluster(opts Options) cluster {
	return cluster{dir: opts.PrivateDir, data: filepath.Join(opts.PrivateDir, "data"), port: opts.Port}
}

func (c cluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

func (c cluster) serverURL() string { return socketURL("postgres", c.dir, c.port, "postgres") }

// resolvePrivate reuses the cluster under opts.PrivateDir if it runs, else creates it if needed
// and starts it.
func resolvePrivate(ctx context.Context, opts Options, bins binaries) (*Database, error) {
	c := newCluster(opts)
	log := opts.Logger
	r, err := newRunner()
	if err != nil {
		return nil, err
	}
	if sock := filepath.Join(c.dir, ".s.PGSQL."+strconv.Itoa(c.port)); len(sock) > maxSocketPath {
		return nil, fmt.Errorf("socket path %s is longer than %d bytes; choose a shorter directory", sock, maxSocketPath)
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	if err := r.own(c.dir); err != nil {
		return nil, err
	}
	if err := r.checkReachable(c.dir); err != nil {
		return nil, err
	}
	// Two narvaro processes starting at once must not both run initdb or pg_ctl start.
	unlock, err := lockDir(c.dir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	if running, err := c.running(); err != nil {
		return nil, err
	} else if running != nil {
		server := socketURL("postgres", running.socketDir, running.port, "postgres")
		if err := waitReady(ctx, server, 10*time.Second); err != nil {
			return nil, fmt.Errorf("a server runs in %s (pid %d) but does not answer: %w", c.data, running.pid, err)
		}
		dbURL, err := EnsureDatabase(ctx, server, opts.DatabaseName)
		if err != nil {
			return nil, err
		}
		log.Info("reusing running private PostgreSQL cluster", "dir", c.dir, "pid", running.pid)
		return &Database{URL: dbURL, Source: SourcePrivate, Stop: noStop}, nil
	}

	if _, err := os.Stat(filepath.Join(c.data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		log.Info("creating private PostgreSQL cluster", "dir", c.data, "initdb", bins.initdb)
		if err := r.run(ctx, c.dir, bins.initdb, "-D", c.data, "-U", "postgres", "--auth=trust",
			"--encoding=UTF8", "--no-locale", "--no-sync"); err != nil {
			return nil, err
		}
		if err := appendInclude(c.data); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if err := c.writeConf(r); err != nil {
		return nil, err
	}
	log.Info("starting private PostgreSQL cluster", "dir", c.data, "log", c.logFile())
	if err := r.run(ctx, c.dir, bins.pgCtl, "start", "-w", "-t", strconv.Itoa(int(startTimeout/time.Second)),
		"-D", c.data, "-l", c.logFile()); err != nil {
		return nil, fmt.Errorf("%w\n--- %s ---\n%s", err, c.logFile(), tail(c.logFile(), 2048))
	}
	// We hold the lock here, so failures stop the server without taking it again.
	if err := waitReady(ctx, c.serverURL(), 10*time.Second); err != nil {
		return nil, errors.Join(err, c.stopLocked(context.WithoutCancel(ctx), r, bins))
	}
	dbURL, err := EnsureDatabase(ctx, c.serverURL(), opts.DatabaseName)
	if err != nil {
		return nil, errors.Join(err, c.stopLocked(context.WithoutCancel(ctx), r, bins))
	}
	log.Info("started private PostgreSQL cluster", "dir", c.dir)
	stop := func(ctx context.Context) error { return c.stop(ctx, r, bins) }
	return &Database{URL: dbURL, Source: SourcePrivate, Started: true, Stop: stop}, nil
}

// StopPrivate stops the private cluster under opts.PrivateDir if it runs, whoever started it,
// and reports whether it did.
func StopPrivate(ctx context.Context, opts Options) (bool, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return false, err
	}
	c := newCluster(opts)
	if _, err := os.Stat(c.dir); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	running, err := c.running()
	if err != nil || running == nil {
		return false, err
	}
	bins, err := findBinaries(opts.BinDirs)
	if err != nil {
		return false, err
	}
	r, err := newRunner()
	if err != nil {
		return false, err
	}
	if err := c.stop(ctx, r, bins); err != nil {
		return false, err
	}
	return true, nil
}

func (c cluster) stop(ctx context.Context, r runner, bins binaries) error {
	unlock, err := lockDir(c.dir)
	if err != nil {
		return err
	}
	defer unlock()
	return c.stopLocked(ctx, r, bins)
}

// stopLocked does nothing when the server is already down (say, stopped by "narvaro db stop"),
// so that Stop functions may run late or twice.
func (c cluster) stopLocked(ctx context.Context, r runner, bins binaries) error {
	if running, err := c.running(); err != nil || running == nil {
		return err
	}
	return r.run(ctx, c.dir, bins.pgCtl, "stop", "-m", "fast", "-w", "-D", c.data)
}

// pidFile is what a running postmaster writes to postmaster.pid.
type pidFile struct {
	pid       int
	port      int
	socketDir string
}

// running reads postmaster.pid and returns nil when no live server owns it: a file left by a
// crash names a dead process, and pg_ctl start cleans it up.
func (c cluster) running() (*pidFile, error) {
	b, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Lines: pid, data dir, start time, port, first socket directory, listen address, ...
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return nil, nil // still being written by a starting server; pg_ctl start will wait
	}
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid <= 0 {
		return nil, nil
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return nil, nil
	}
	pf := &pidFile{pid: pid, port: c.port, socketDir: c.dir}
	if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil {
		pf.port = p
	}
	if d := strings.TrimSpace(lines[4]); d != "" {
		pf.socketDir = d
	}
	return pf, nil
}

// appendInclude makes postgresql.conf read narvaro.conf, which writeConf renews at every start.
func appendInclude(data string) error {
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, "\n# Närvaro's private cluster settings.\ninclude_if_exists = 'narvaro.conf'\n")
	return errors.Join(err, f.Close())
}

// writeConf is renewed at every start so that a moved directory still gets its socket right.
// An empty listen_addresses keeps the private cluster off the network.
func (c cluster) writeConf(r runner) error {
	quote := strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace
	conf := fmt.Sprintf("# Written by Närvaro (internal/pgsetup) at every start; edits are lost.\n"+
		"listen_addresses = ''\nunix_socket_directories = '%s'\nport = %d\n", quote(c.dir), c.port)
	path := filepath.Join(c.data, "narvaro.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return err
	}
	return r.own(path)
}

// waitReady retries a connection until the server accepts it or limit passes.
func waitReady(ctx context.Context, server string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := ping(ctx, server)
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lockDir holds an exclusive lock on dir/.lock until the returned function is called.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}

// tail returns the end of a log file for an error message.
func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		_, _ = f.Seek(-n, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return strings.TrimSpace(string(b))
}
