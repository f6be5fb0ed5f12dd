// Package demo seeds a fictional municipality — Exempelkommun with four school units and one
// independent school — into an empty, migrated database, so the service can be tried without real
// personal data. Every name, personnummer, phone number and code is fictional: personnummer use
// the test serials 980–999 with a correct check digit, phone numbers come from the range reserved
// for fiction.
//
// The whole seed runs in one transaction: it either creates everything or nothing. Generation is
// deterministic for a given Seed, so a demo looks the same every time it is recreated.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Defaults for Options.
const (
	DefaultStudents = 1100
	DefaultPassword = "narvaro-demo-2026"
)

// Options control a seed.
type Options struct {
	Students int       // number of students; default 1100
	Today    time.Time // "as of" date: attendance covers the current term up to the day before; default now
	Seed     int64     // source of the deterministic random numbers
	Password string    // the password of every demo user; default "narvaro-demo-2026"

	// hook runs before each stage of the write; tests use it to break a seed midway.
	hook func(ctx context.Context, stage string) error
}

// Login is a demo user the caller prints for people trying the service.
type Login struct {
	Username    string
	Role        string
	DisplayName string
	Schools     string // the user's schools, comma separated; for an administrator the huvudman
}

// Result summarises a seed.
type Result struct {
	Users          []Login
	Students       int
	AttendanceRows int
}

// IsEmpty reports whether the database has no huvudman yet, i.e. nothing to collide with.
func IsEmpty(ctx context.Context, db *sqlx.DB) (bool, error) {
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM huvudman)`); err != nil {
		return false, fmt.Errorf("demo: check for existing data: %w", err)
	}
	return !exists, nil
}

// world is the whole demo generated in memory before anything is written.
type world struct {
	today    time.Time
	days     []time.Time
	students []student
	signals  []signalSpec
}

type signalSpec struct {
	student     int
	explanation string
	percent     float64
}

var signalExplanations = []string{
	"Mentor har sett upprepad sen ankomst och frånvaro på måndagar.",
	"Frånvaron har ökat de senaste veckorna, mest hela dagar. Eleven har sagt att det är jobbigt i klassen.",
	"Vårdnadshavare har hört av sig och berättat att eleven inte vill gå till skolan på morgnarna.",
}

func (o Options) withDefaults() Options {
	if o.Students <= 0 {
		o.Students = DefaultStudents
	}
	if o.Today.IsZero() {
		o.Today = time.Now()
	}
	if o.Password == "" {
		o.Password = DefaultPassword
	}
	return o
}

// generate builds the demo from the seed. Names and personnummer are drawn before attendance, so
// the same Seed gives the same people whatever Today is.
func generate(opts Options) (*world, error) {
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6e617276_61726f00))
	w := &world{today: date(opts.Today), days: schoolDays(opts.Today)}
	pool := &pnrPool{rng: rng, now: w.today, used: map[string]bool{}}
	var err error
	if w.students, err = makeStudents(rng, pool, opts.Students, schoolYear(opts.Today)); err != nil {
		return nil, fmt.Errorf("demo: students: %w", err)
	}
	assignPatterns(rng, w.students)
	for i := range w.students {
		makeAttendance(rng, &w.students[i], w.days, w.today)
	}
	// A mentor speaks up about a student whose absence has clearly grown, so the manual signals go
	// to rising-absence students who are at least at the usual 15 % over four weeks.
	want := 2 + rng.IntN(2)
	for _, i := range rng.Perm(len(w.students)) {
		s := &w.students[i]
		if len(w.signals) == want || s.pattern != rising {
			continue
		}
		if pct := recentAbsencePercent(s, w.days, w.today); pct >= 15 {
			w.signals = append(w.signals, signalSpec{
				student:     i,
				explanation: signalExplanations[len(w.signals)%len(signalExplanations)],
				percent:     pct,
			})
		}
	}
	return w, nil
}

// Seed fills an empty database with the demo in one transaction and returns the logins.
func Seed(ctx context.Context, db *sqlx.DB, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	w, err := generate(opts)
	if err != nil {
		return nil, err
	}
	// One hash for everybody: argon2id is deliberately slow, and the demo users share a password.
	hash, err := auth.HashPassword(opts.Password)
	if err != nil {
		return nil, fmt.Errorf("demo: hash password: %w", err)
	}

	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("demo: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM huvudman)`); err != nil {
		return nil, fmt.Errorf("demo: check for existing data: %w", err)
	}
	if exists {
		return nil, narvaro.Errorf(narvaro.CodeConflict,
			"Databasen innehåller redan data. Demodata läggs bara in i en tom databas.",
			"The database already holds data. Demo data is only added to an empty database.")
	}

	s := &store{tx: tx, w: w, hash: hash}
	stages := []struct {
		name string
		run  func(context.Context) error
	}{
		{"organisation", s.writeOrganisation},
		{"students", s.writeStudents},
		{"attendance", s.writeAttendance},
		{"signals", s.writeSignals},
	}
	for _, st := range stages {
		if err := opts.runHook(ctx, st.name); err != nil {
			return nil, err
		}
		if err := st.run(ctx); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", st.name, err)
		}
	}
	if err := opts.runHook(ctx, "commit"); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("demo: commit: %w", err)
	}
	return &Result{Users: s.logins(), Students: len(w.students), AttendanceRows: s.attendanceRows}, nil
}

func (o Options) runHook(ctx context.Context, stage string) error {
	if o.hook == nil {
		return nil
	}
	return o.hook(ctx, stage)
}
