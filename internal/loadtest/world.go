package loadtest

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// World is what the load needs to know about the generated records: who may sign in where,
// which cases each school has, and the active cases a follow-up can be saved on.
type World struct {
	Schools []School
	// Writable are active cases reserved for the follow-up writes; reads never pick them, so
	// the records the reads see do not grow while the benchmark runs.
	Writable []ActiveCase
	CaseIDs  []int64 // every case, for the floor
}

// School is one school unit's staff and readable cases.
type School struct {
	ID     int64
	Rektor User
	EHT    []User
	Cases  []int64 // readable by the staff; excludes Writable
}

// User is a generated user who can sign in and holds an API token.
type User struct {
	ID       int64
	Username string
}

// Token is the user's API token.
func (u User) Token() string { return Token(u.ID) }

// ActiveCase is a case with an approved plan, at the version the load last saw.
type ActiveCase struct {
	ID       int64
	SchoolID int64
	Version  int
	Measures []int64
}

// LoadWorld reads the generated records the load needs.
func LoadWorld(ctx context.Context, db *sqlx.DB) (*World, error) {
	var staff []struct {
		ID       int64  `db:"id"`
		Username string `db:"username"`
		Role     string `db:"role"`
		SchoolID int64  `db:"school_id"`
	}
	if err := db.SelectContext(ctx, &staff, `SELECT u.id, u.username, u.role, us.school_id FROM users u
		JOIN user_schools us ON us.user_id = u.id WHERE u.role IN ('rektor', 'eht') ORDER BY us.school_id, u.id`); err != nil {
		return nil, fmt.Errorf("load world: staff: %w", err)
	}
	w := &World{}
	idx := map[int64]int{}
	for _, s := range staff {
		i, ok := idx[s.SchoolID]
		if !ok {
			i = len(w.Schools)
			idx[s.SchoolID] = i
			w.Schools = append(w.Schools, School{ID: s.SchoolID})
		}
		u := User{ID: s.ID, Username: s.Username}
		if s.Role == "rektor" {
			w.Schools[i].Rektor = u
		} else {
			w.Schools[i].EHT = append(w.Schools[i].EHT, u)
		}
	}
	var active []struct {
		ID       int64         `db:"id"`
		SchoolID int64         `db:"school_id"`
		Version  int           `db:"version"`
		Measures pq.Int64Array `db:"measures"`
	}
	// Every other active case takes the writes: spread over all schools and both halves alike.
	if err := db.SelectContext(ctx, &active, `SELECT c.id, c.school_id, c.version,
			ARRAY(SELECT m.id FROM measures m JOIN plans p ON p.id = m.plan_id
			      WHERE p.case_id = c.id AND p.status = 'approved' ORDER BY m.position) AS measures
		FROM cases c WHERE c.status = 'active' AND c.id % 2 = 0 ORDER BY c.id`); err != nil {
		return nil, fmt.Errorf("load world: active cases: %w", err)
	}
	writable := map[int64]bool{}
	for _, a := range active {
		w.Writable = append(w.Writable, ActiveCase{ID: a.ID, SchoolID: a.SchoolID, Version: a.Version, Measures: a.Measures})
		writable[a.ID] = true
	}
	var cs []struct {
		ID       int64 `db:"id"`
		SchoolID int64 `db:"school_id"`
	}
	if err := db.SelectContext(ctx, &cs, `SELECT id, school_id FROM cases ORDER BY id`); err != nil {
		return nil, fmt.Errorf("load world: cases: %w", err)
	}
	for _, c := range cs {
		w.CaseIDs = append(w.CaseIDs, c.ID)
		if i, ok := idx[c.SchoolID]; ok && !writable[c.ID] {
			w.Schools[i].Cases = append(w.Schools[i].Cases, c.ID)
		}
	}
	if len(w.Schools) == 0 || len(w.Writable) == 0 {
		return nil, fmt.Errorf("load world: no schools or no active cases; was the database generated?")
	}
	return w, nil
}

// Staff returns the user worker i acts as: workers are spread over the schools first, then over
// each school's EHT members, so 32 workers are 32 different people. With rektor true the
// worker is the school's rektor instead.
func (w *World) Staff(i int, rektor bool) (School, User) {
	s := w.Schools[i%len(w.Schools)]
	if rektor || len(s.EHT) == 0 {
		return s, s.Rektor
	}
	return s, s.EHT[(i/len(w.Schools))%len(s.EHT)]
}
