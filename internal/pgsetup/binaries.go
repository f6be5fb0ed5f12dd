package pgsetup

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// binaries are the PostgreSQL server programs of one installation.
type binaries struct {
	initdb string
	pgCtl  string
}

// installGlobs are where packages put versioned server binaries that are not on PATH
// (Debian/Ubuntu, RHEL/PGDG, Homebrew keg-only formulae).
var installGlobs = []string{
	"/usr/lib/postgresql/*/bin",
	"/usr/pgsql-*/bin",
	"/opt/homebrew/opt/postgresql@*/bin",
	"/usr/local/opt/postgresql@*/bin",
}

// findBinaries returns the first directory holding both initdb and pg_ctl: among dirs if given,
// else PATH first, then the install directories, highest version first.
func findBinaries(dirs []string) (binaries, error) {
	if len(dirs) == 0 {
		dirs = defaultBinDirs()
	}
	for _, dir := range dirs {
		b := binaries{initdb: filepath.Join(dir, "initdb"), pgCtl: filepath.Join(dir, "pg_ctl")}
		if isExecutable(b.initdb) && isExecutable(b.pgCtl) {
			return b, nil
		}
	}
	return binaries{}, fmt.Errorf("no initdb and pg_ctl in %s", strings.Join(dirs, ", "))
}

func defaultBinDirs() []string {
	var dirs []string
	// A symlinked pg_ctl (as in /usr/local/bin) is resolved so that initdb is looked for beside
	// the real one.
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	var installed []string
	for _, g := range installGlobs {
		m, _ := filepath.Glob(g)
		installed = append(installed, m...)
	}
	return append(dirs, newestFirst(installed)...)
}

// newestFirst sorts install directories by the version in their names, highest first, so that
// 10 comes before 9.6.
func newestFirst(dirs []string) []string {
	slices.SortStableFunc(dirs, func(a, b string) int { return slices.Compare(versionOf(b), versionOf(a)) })
	return dirs
}

var versionDigits = regexp.MustCompile(`\d+(?:\.\d+)*`)

// versionOf reads the version from an install directory such as /usr/lib/postgresql/15/bin.
func versionOf(dir string) []int {
	m := versionDigits.FindString(filepath.Base(filepath.Dir(dir)))
	var v []int
	for _, part := range strings.Split(m, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			break
		}
		v = append(v, n)
	}
	return v
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	return fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
