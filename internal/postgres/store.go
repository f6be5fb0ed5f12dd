package postgres

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// Settings are the configured rules the store applies.
type Settings struct {
	Wheel      *wheel.Wheel
	Deadlines  cases.Deadlines
	CaseNumber cases.CaseNumberFormat
}

// Store is the service layer over PostgreSQL: every method checks access with internal/auth,
// applies the workflow's rules from internal/cases, writes in one transaction and records the
// access in the audit log in that same transaction.
type Store struct {
	DB       *DB
	Settings Settings
	Now      func() time.Time
}

// NewStore returns a store using the wall clock.
func NewStore(db *DB, s Settings) *Store {
	return &Store{DB: db, Settings: s, Now: time.Now}
}

func (s *Store) today() narvaro.Date { return narvaro.DateOf(s.Now().In(stockholm)) }

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Stockholm is the time zone Swedish schools count days in.
func Stockholm() *time.Location { return stockholm }

type queryer interface {
	sqlx.QueryerContext
	sqlx.ExecerContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}
