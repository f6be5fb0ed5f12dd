package pgsetup

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runner runs the PostgreSQL programs. initdb and pg_ctl refuse to run as root, so a root
// process runs them as the OS user postgres and gives it the private directory.
type runner struct {
	cred *syscall.Credential // nil: run as ourselves
	home string
}

func newRunner() (runner, error) {
	if os.Geteuid() != 0 {
		return runner{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return runner{}, fmt.Errorf("running as root, PostgreSQL must run as the OS user postgres: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return runner{}, fmt.Errorf("uid of postgres %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return runner{}, fmt.Errorf("gid of postgres %q: %w", u.Gid, err)
	}
	return runner{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, home: u.HomeDir}, nil
}

// run runs a program in dir and returns its output in the error when it fails.
func (r runner) run(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = r.env()
	// Its own process group keeps a Ctrl-C meant for narvaro from reaching the server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred, Setpgid: true}
	// pg_ctl start leaves the server running; should it ever hold our output pipe, do not hang.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// env drops PG* variables, which would otherwise point pg_ctl and the server at other data
// directories or ports than the ones given on the command line.
func (r runner) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || (r.cred != nil && strings.HasPrefix(kv, "HOME=")) {
			continue
		}
		env = append(env, kv)
	}
	if r.cred != nil {
		env = append(env, "HOME="+r.home)
	}
	return env
}

// own gives path to the user the programs run as.
func (r runner) own(path string) error {
	if r.cred == nil {
		return nil
	}
	return os.Chown(path, int(r.cred.Uid), int(r.cred.Gid))
}

// checkReachable fails early, with the fix, when the postgres user cannot reach dir: otherwise
// initdb fails with a permission error on a path the user never named.
func (r runner) checkReachable(dir string) error {
	if r.cred == nil {
		return nil
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok {
			perm := fi.Mode().Perm()
			var x os.FileMode = 0o001
			switch {
			case st.Uid == r.cred.Uid:
				x = 0o100
			case st.Gid == r.cred.Gid:
				x = 0o010
			}
			if perm&x == 0 {
				return fmt.Errorf("the OS user postgres cannot enter %s (mode %v); run chmod o+x %s or choose another directory", p, perm, p)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}
