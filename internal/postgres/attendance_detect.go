package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Detection evaluates a huvudman's rule set for every student with attendance and keeps one open
// signal per student that a rule hits:
//   - a student with an open detection signal gets it updated (rules, explanation, figures);
//   - a student with an open manual signal or an open case gets nothing new;
//   - a student whose latest signal was a dismissed detection signal gets a new one only when
//     absence has worsened since (attendance.Worsened);
//   - everybody else gets a new signal.
//
// Nothing else is removed or closed: a signal is advisory and a person decides what happens to it.
//
// The days of the rules' window are read in one query (see readStudentDays), every student is
// evaluated on every core, and the signals are written with one COPY and two statements. A session advisory lock per huvudman keeps two runs (two instances of the
// service, or an import and a click) from working on the same huvudman at once.

// DetectionInput says what to run detection for.
type DetectionInput struct {
	// HuvudmanID is for the system (a nil actor): 0 runs every huvudman. People run it for their
	// own huvudman (administrators) or their own schools (EHT, rektor).
	HuvudmanID int64 `json:"huvudman_id,omitempty"`
	// AsOf is the evaluation date; zero means today.
	AsOf narvaro.Date `json:"as_of"`
	// Wait makes a run wait for one in progress instead of answering that one is running.
	Wait bool `json:"-"`
}

// DetectionResult says what one run did for one huvudman.
type DetectionResult struct {
	HuvudmanID int64        `json:"huvudman_id"`
	RuleSet    string       `json:"rule_set"`
	AsOf       narvaro.Date `json:"as_of"`
	From       narvaro.Date `json:"from"` // the first day any rule looks at
	Students   int          `json:"students"`
	Rows       int          `json:"rows"`
	Hits       int          `json:"hits"` // students at least one rule hit
	Created    int          `json:"created"`
	Returned   int          `json:"returned"` // of the created: dismissed before, now worse
	Updated    int          `json:"updated"`
	Unchanged  int          `json:"unchanged"`
	// Hits that raised nothing new: an open case, an open manual signal, or a dismissed signal
	// without worsened absence.
	SkippedOpenCase  int   `json:"skipped_open_case"`
	SkippedManual    int   `json:"skipped_manual_signal"`
	SkippedDismissed int   `json:"skipped_dismissed"`
	DurationMS       int64 `json:"duration_ms"`
}

// detectionScope is one huvudman, optionally narrowed to some of its schools.
type detectionScope struct {
	huvudman narvaro.Huvudman
	schools  []int64 // nil: all
}

// RunDetection runs the detection rules; det is the configuration (configs/detection.yaml).
func (s *Store) RunDetection(ctx context.Context, a *narvaro.Actor, det attendance.Detection, in DetectionInput) ([]DetectionResult, error) {
	scopes, err := s.detectionScopes(ctx, a, in.HuvudmanID)
	if err != nil {
		return nil, err
	}
	asOf := in.AsOf
	if asOf.IsZero() {
		asOf = s.today()
	}
	out := make([]DetectionResult, 0, len(scopes))
	for _, sc := range scopes {
		r, err := s.detect(ctx, a, det.For(sc.huvudman.OrgNumber), sc, asOf, in.Wait)
		if err != nil {
			return out, err
		}
		out = append(out, *r)
	}
	return out, nil
}

func (s *Store) detectionScopes(ctx context.Context, a *narvaro.Actor, huvudmanID int64) ([]detectionScope, error) {
	var hs []narvaro.Huvudman
	var schools map[int64][]int64
	switch {
	case a == nil && huvudmanID == 0:
		if err := s.DB.SelectContext(ctx, &hs, `SELECT * FROM huvudman ORDER BY id`); err != nil {
			return nil, translate(err)
		}
	case a == nil:
		if err := s.DB.SelectContext(ctx, &hs, `SELECT * FROM huvudman WHERE id = $1`, huvudmanID); err != nil {
			return nil, translate(err)
		}
		if len(hs) == 0 {
			return nil, narvaro.NotFound("Huvudmannen", "The huvudman")
		}
	default:
		if err := auth.Allow(a, auth.RunDetection); err != nil {
			return nil, err
		}
		if a.Role == narvaro.RoleAdmin {
			if huvudmanID != 0 && huvudmanID != a.HuvudmanID {
				return nil, narvaro.Forbidden()
			}
			if err := s.DB.SelectContext(ctx, &hs, `SELECT * FROM huvudman WHERE id = $1`, a.HuvudmanID); err != nil {
				return nil, translate(err)
			}
			break
		}
		// EHT and rektor: their own schools, under each school's huvudman.
		var rows []struct {
			HuvudmanID int64 `db:"huvudman_id"`
			SchoolID   int64 `db:"id"`
		}
		if err := s.DB.SelectContext(ctx, &rows, `SELECT huvudman_id, id FROM schools WHERE id = ANY($1) ORDER BY id`, int64s(a.SchoolIDs)); err != nil {
			return nil, translate(err)
		}
		schools = map[int64][]int64{}
		var ids []int64
		for _, r := range rows {
			if huvudmanID != 0 && r.HuvudmanID != huvudmanID {
				continue
			}
			if schools[r.HuvudmanID] == nil {
				ids = append(ids, r.HuvudmanID)
			}
			schools[r.HuvudmanID] = append(schools[r.HuvudmanID], r.SchoolID)
		}
		if len(ids) == 0 {
			return nil, narvaro.Forbidden()
		}
		if err := s.DB.SelectContext(ctx, &hs, `SELECT * FROM huvudman WHERE id = ANY($1) ORDER BY id`, int64s(ids)); err != nil {
			return nil, translate(err)
		}
	}
	out := make([]detectionScope, len(hs))
	for i, h := range hs {
		out[i] = detectionScope{huvudman: h}
		if schools != nil {
			out[i].schools = schools[h.ID]
		}
	}
	return out, nil
}

// detectionFrom is the first day any rule of the set, or the headline figure, looks at: days
// before it cannot change the result, so they are not read.
func detectionFrom(set attendance.RuleSet, asOf time.Time) time.Time {
	weeks := set.HeadlineWeeks
	if weeks <= 0 {
		weeks = 4
	}
	days := 7 * weeks
	for _, r := range set.Rules {
		switch r.Kind {
		case attendance.RollingPercent:
			days = max(days, 7*r.Weeks)
		case attendance.RisingTrend:
			days = max(days, 14*r.Weeks)
		case attendance.ConsecutiveDays:
			w := r.WithinDays
			if w == 0 {
				w = max(28, (r.Days*7+4)/5+7)
			}
			days = max(days, w)
		case attendance.InvalidOccasions:
			w := r.WithinDays
			if w == 0 {
				w = 30
			}
			days = max(days, w)
		case attendance.TermPercent:
			if start, ok := termStart(set.TermStarts, asOf); ok {
				days = max(days, int(asOf.Sub(start)/(24*time.Hour))+1)
			}
		default:
			days = max(days, 366)
		}
	}
	return asOf.AddDate(0, 0, -(days - 1))
}

// termStart is the latest configured term start on or before asOf.
func termStart(starts []attendance.MonthDay, asOf time.Time) (time.Time, bool) {
	var best time.Time
	for _, y := range []int{asOf.Year(), asOf.Year() - 1} {
		for _, s := range starts {
			t := time.Date(y, s.Month, s.Day, 0, 0, 0, 0, time.UTC)
			if !t.After(asOf) && t.After(best) {
				best = t
			}
		}
	}
	return best, !best.IsZero()
}

// studentState is what a student already has.
type studentState struct {
	openSignal       int64  // id of the open signal, 0 when none
	openSignalSource string // its source
	openCase         bool
	lastDismissed    bool     // the latest signal is a dismissed detection signal
	lastPercent      *float64 // its absence_percent
}

// detectionHit is a student a rule hit, and what to do about it.
type detectionHit struct {
	studentID, schoolID int64
	signalID            int64 // update this open signal; 0 creates one
	returned            bool
	rules               pq.StringArray
	explanation         string
	figures             string
	percent             float64
}

func (s *Store) detect(ctx context.Context, a *narvaro.Actor, set attendance.RuleSet, sc detectionScope, asOf narvaro.Date, wait bool) (*DetectionResult, error) {
	start := time.Now()
	h := sc.huvudman
	from := detectionFrom(set, asOf.Time)
	if from.Before(dayEpoch) {
		from = dayEpoch
	}
	res := &DetectionResult{HuvudmanID: h.ID, RuleSet: set.Name, AsOf: asOf, From: narvaro.DateOf(from)}
	conn, err := s.DB.Connx(ctx)
	if err != nil {
		return nil, translate(fmt.Errorf("detection connection: %w", err))
	}
	defer conn.Close()
	if err := lockDetectionRun(ctx, conn, h.ID, wait); err != nil {
		return nil, err
	}
	defer unlockDetectionRun(conn, h.ID)

	state, err := loadStudentStates(ctx, conn, h.ID, sc.schools)
	if err != nil {
		return nil, err
	}
	groups, err := readStudentDays(ctx, conn, h.ID, sc.schools, from, asOf.Time)
	if err != nil {
		return nil, err
	}
	res.Rows = groups.total
	hits, err := evaluateStudents(set, asOf, groups, state, res)
	if err != nil {
		return nil, err
	}
	if err := s.writeSignals(ctx, conn, a, h, hits, res); err != nil {
		return nil, err
	}
	res.DurationMS = time.Since(start).Milliseconds()
	return res, nil
}

// evaluateStudents applies the rules to every student with days, on every core, and decides
// for each hit what to do given what the student already has.
func evaluateStudents(set attendance.RuleSet, asOf narvaro.Date, g *dayGroups, state map[int64]studentState, res *DetectionResult) ([]detectionHit, error) {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(g.ids)/256+1))
	type part struct {
		hits []detectionHit
		res  DetectionResult
		err  error
	}
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[w]
			days := make([]attendance.Day, 0, 400)
			for i := w; i < len(g.ids); i += workers {
				rows := g.rows[i]
				if len(rows) == 0 {
					continue
				}
				if g.unsorted[i] {
					slices.Sort(rows)
				}
				days = days[:0]
				for _, r := range rows {
					days = append(days, attendance.Day{Date: dayEpoch.Add(time.Duration(r>>48) * 24 * time.Hour),
						Offered: int(r >> 32 & 0xffff), Valid: int(r >> 16 & 0xffff), Invalid: int(r & 0xffff)})
				}
				g.rows[i] = nil // the student is done: let the memory go
				p.res.Students++
				hit, ok, err := decide(set, asOf, g.ids[i], g.schools[i], days, state[g.ids[i]], &p.res)
				if err != nil {
					p.err = err
					return
				}
				if ok {
					p.hits = append(p.hits, hit)
				}
			}
		}()
	}
	wg.Wait()
	var hits []detectionHit
	for _, p := range parts {
		if p.err != nil {
			return nil, p.err
		}
		hits = append(hits, p.hits...)
		res.Students += p.res.Students
		res.Hits += p.res.Hits
		res.SkippedManual += p.res.SkippedManual
		res.SkippedOpenCase += p.res.SkippedOpenCase
		res.SkippedDismissed += p.res.SkippedDismissed
	}
	return hits, nil
}

// decide evaluates one student and says whether a signal is to be created or updated.
func decide(set attendance.RuleSet, asOf narvaro.Date, studentID, schoolID int64, days []attendance.Day, st studentState, res *DetectionResult) (detectionHit, bool, error) {
	found := attendance.Evaluate(set, days, asOf.Time)
	if found == nil {
		return detectionHit{}, false, nil
	}
	res.Hits++
	hit := detectionHit{studentID: studentID, schoolID: schoolID, percent: math.Round(100*attendance.HeadlinePercent(set, days, asOf.Time)) / 100}
	switch {
	case st.openSignal != 0 && st.openSignalSource != "detection":
		res.SkippedManual++
		return hit, false, nil
	case st.openSignal != 0:
		hit.signalID = st.openSignal
	case st.openCase:
		res.SkippedOpenCase++
		return hit, false, nil
	case st.lastDismissed:
		prev := 0.0
		if st.lastPercent != nil {
			prev = *st.lastPercent
		}
		if !attendance.Worsened(prev, hit.percent, set) {
			res.SkippedDismissed++
			return hit, false, nil
		}
		hit.returned = true
	}
	text := attendance.Explain(found)
	hit.explanation = text.SV
	hit.rules = make(pq.StringArray, len(found))
	for i, f := range found {
		hit.rules[i] = f.Rule
	}
	fig, err := json.Marshal(map[string]any{"as_of": asOf, "rule_set": set.Name, "headline_percent": hit.percent,
		"explanation_en": text.EN, "hits": found})
	if err != nil {
		return hit, false, fmt.Errorf("signal figures: %w", err)
	}
	hit.figures = string(fig)
	return hit, true, nil
}

func lockDetectionRun(ctx context.Context, conn *sqlx.Conn, huvudmanID int64, wait bool) error {
	if wait {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, $2::int)`, lockDetection, huvudmanID); err != nil {
			return translate(fmt.Errorf("wait for detection lock: %w", err))
		}
		return nil
	}
	var got bool
	if err := conn.GetContext(ctx, &got, `SELECT pg_try_advisory_lock($1, $2::int)`, lockDetection, huvudmanID); err != nil {
		return translate(fmt.Errorf("detection lock: %w", err))
	}
	if !got {
		return narvaro.Errorf(narvaro.CodeConflict, "Signalsökningen körs redan för huvudmannen. Försök igen om en stund.",
			"Detection is already running for the huvudman. Try again in a moment.")
	}
	return nil
}

// unlockDetectionRun releases the session lock; a connection that cannot release it is closed
// rather than returned to the pool still holding it.
func unlockDetectionRun(conn *sqlx.Conn, huvudmanID int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2::int)`, lockDetection, huvudmanID); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// shiftPlaceholders renumbers $1, $2, … in a scope filter to come after n other arguments.
func shiftPlaceholders(where string, n int) string {
	return strings.NewReplacer("$1", fmt.Sprintf("$%d", n+1), "$2", fmt.Sprintf("$%d", n+2)).Replace(where)
}

// scopeFilter narrows a query on students st to a huvudman and, optionally, some schools.
func scopeFilter(huvudmanID int64, schools []int64) (string, []any) {
	if schools == nil {
		return `st.school_id IN (SELECT id FROM schools WHERE huvudman_id = $1)`, []any{huvudmanID}
	}
	return `st.school_id IN (SELECT id FROM schools WHERE huvudman_id = $1 AND id = ANY($2))`, []any{huvudmanID, int64s(schools)}
}

func loadStudentStates(ctx context.Context, conn *sqlx.Conn, huvudmanID int64, schools []int64) (map[int64]studentState, error) {
	where, args := scopeFilter(huvudmanID, schools)
	out := map[int64]studentState{}
	var open []struct {
		StudentID int64  `db:"student_id"`
		ID        int64  `db:"id"`
		Source    string `db:"source"`
	}
	if err := conn.SelectContext(ctx, &open, `SELECT g.student_id, g.id, g.source FROM signals g JOIN students st ON st.id = g.student_id
		WHERE g.status = 'open' AND `+where, args...); err != nil {
		return nil, translate(fmt.Errorf("open signals: %w", err))
	}
	for _, o := range open {
		st := out[o.StudentID]
		st.openSignal, st.openSignalSource = o.ID, o.Source
		out[o.StudentID] = st
	}
	var withCase []int64
	if err := conn.SelectContext(ctx, &withCase, `SELECT DISTINCT c.student_id FROM cases c JOIN students st ON st.id = c.student_id
		WHERE c.status NOT IN ('closed', 'not_investigated') AND `+where, args...); err != nil {
		return nil, translate(fmt.Errorf("open cases: %w", err))
	}
	for _, id := range withCase {
		st := out[id]
		st.openCase = true
		out[id] = st
	}
	var last []struct {
		StudentID int64    `db:"student_id"`
		Status    string   `db:"status"`
		Source    string   `db:"source"`
		Percent   *float64 `db:"absence_percent"`
	}
	if err := conn.SelectContext(ctx, &last, `SELECT DISTINCT ON (g.student_id) g.student_id, g.status, g.source, g.absence_percent::float8 AS absence_percent
		FROM signals g JOIN students st ON st.id = g.student_id WHERE `+where+`
		ORDER BY g.student_id, g.created_at DESC, g.id DESC`, args...); err != nil {
		return nil, translate(fmt.Errorf("latest signals: %w", err))
	}
	for _, l := range last {
		if l.Status != "dismissed" || l.Source != "detection" {
			continue
		}
		st := out[l.StudentID]
		st.lastDismissed, st.lastPercent = true, l.Percent
		out[l.StudentID] = st
	}
	return out, nil
}

// dayGroups holds the days read, per student, packed in 8 bytes each: the day number in the top
// 16 bits, then offered, valid and invalid minutes in 16 bits each (a day has at most 1,440,
// which attendance_days_offered_max guarantees).
type dayGroups struct {
	ids, schools []int64
	rows         [][]uint64
	unsorted     []bool
	total        int
	// index maps a student id to its position: a slice when the ids are dense, else a map.
	base   int64
	dense  []int32
	sparse map[int64]int32
}

func (g *dayGroups) index(id int64) int32 {
	if g.sparse != nil {
		if i, ok := g.sparse[id]; ok {
			return i
		}
		return -1
	}
	if k := id - g.base; k >= 0 && k < int64(len(g.dense)) {
		return g.dense[k]
	}
	return -1
}

// readStudentDays reads the days from..to of the scope's students in one query and groups them
// per student.
//
// The days are not read in student order. On disk a student's days are spread over the whole
// table (daily and weekly imports append day after day), so reading student by student through
// the primary key costs one random page read per day; measured, that and the sort the ordered
// alternative needs took ten times as long as one sequential scan. The price is memory in
// proportion to the rows read, 8 bytes each (20,000 students' autumn term: 15 MB).
func readStudentDays(ctx context.Context, conn *sqlx.Conn, huvudmanID int64, schools []int64, from, to time.Time) (*dayGroups, error) {
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, translate(fmt.Errorf("detection read: %w", err))
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	where, args := scopeFilter(huvudmanID, schools)
	g := &dayGroups{}
	var students []struct {
		ID       int64 `db:"id"`
		SchoolID int64 `db:"school_id"`
	}
	if err := tx.SelectContext(ctx, &students, `SELECT st.id, st.school_id FROM students st WHERE `+where+` ORDER BY st.id`, args...); err != nil {
		return nil, translate(fmt.Errorf("students to evaluate: %w", err))
	}
	g.ids, g.schools = make([]int64, len(students)), make([]int64, len(students))
	for i, st := range students {
		g.ids[i], g.schools[i] = st.ID, st.SchoolID
	}
	g.rows, g.unsorted = make([][]uint64, len(g.ids)), make([]bool, len(g.ids))
	if n := len(g.ids); n > 0 {
		if span := g.ids[n-1] - g.ids[0] + 1; span <= int64(4*n+1024) {
			g.base, g.dense = g.ids[0], make([]int32, span)
			for i := range g.dense {
				g.dense[i] = -1
			}
			for i, id := range g.ids {
				g.dense[id-g.base] = int32(i)
			}
		} else {
			g.sparse = make(map[int64]int32, n)
			for i, id := range g.ids {
				g.sparse[id] = int32(i)
			}
		}
	}
	// Compiling the query (JIT) would cost more than running it.
	if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
		return nil, translate(err)
	}
	// When the scope is most of the students, every row is read and the few others are dropped
	// here: cheaper than joining millions of rows against the students. Otherwise the database
	// filters. (A nested loop over the students would read the table page by page in random
	// order, so it is only allowed for a small scope, where it is right.)
	var all int
	if err := tx.GetContext(ctx, &all, `SELECT count(*) FROM students`); err != nil {
		return nil, translate(err)
	}
	query := fmt.Sprintf(`SELECT a.student_id,
			((a.day - %s)::int8 << 48) | (a.offered_minutes::int8 << 32) | (a.valid_absence_minutes::int8 << 16) | a.invalid_absence_minutes
		FROM attendance_days a WHERE a.day BETWEEN $1 AND $2`, dayEpochSQL)
	qargs := []any{from, to}
	if 2*len(g.ids) < all {
		query += fmt.Sprintf(` AND a.student_id IN (SELECT st.id FROM students st WHERE %s)`, shiftPlaceholders(where, 2))
		qargs = append(qargs, args...)
		if len(g.ids) >= 2000 {
			if _, err := tx.ExecContext(ctx, `SET LOCAL enable_nestloop = off`); err != nil {
				return nil, translate(err)
			}
		}
	}
	rows, err := tx.QueryContext(ctx, query, qargs...)
	if err != nil {
		return nil, translate(fmt.Errorf("read attendance: %w", err))
	}
	defer rows.Close()
	var id, packed int64
	for rows.Next() {
		if err := rows.Scan(&id, &packed); err != nil {
			return nil, translate(fmt.Errorf("read attendance: %w", err))
		}
		i := g.index(id)
		if i < 0 {
			continue // another huvudman's, or a student added since the list was read
		}
		v := uint64(packed)
		r := g.rows[i]
		if k := len(r); k > 0 && r[k-1] > v {
			g.unsorted[i] = true
		}
		if r == nil {
			r = make([]uint64, 0, 32)
		}
		g.rows[i] = append(r, v)
		g.total++
	}
	if err := rows.Err(); err != nil {
		return nil, translate(fmt.Errorf("read attendance: %w", err))
	}
	return g, nil
}

// writeSignals applies the run's hits in one transaction: one COPY, one update of open signals
// whose content changed, one insert of new signals, each with its audit rows. The guards are
// checked again here, so a case opened or a signal dismissed during the run is respected.
func (s *Store) writeSignals(ctx context.Context, conn *sqlx.Conn, a *narvaro.Actor, h narvaro.Huvudman, hits []detectionHit, res *DetectionResult) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("detection write: %w", err))
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	err = func() error {
		if len(hits) > 0 {
			if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE detection_results (student_id bigint NOT NULL, school_id bigint NOT NULL,
				signal_id bigint, rules text[] NOT NULL, explanation text NOT NULL, figures jsonb NOT NULL, absence_percent numeric(5,2) NOT NULL,
				returned boolean NOT NULL) ON COMMIT DROP`); err != nil {
				return fmt.Errorf("create detection results: %w", err)
			}
			stmt, err := tx.PrepareContext(ctx, `COPY detection_results (student_id, school_id, signal_id, rules, explanation, figures, absence_percent, returned) FROM STDIN`)
			if err != nil {
				return fmt.Errorf("copy detection results: %w", err)
			}
			defer stmt.Close()
			for _, h := range hits {
				var signal any
				if h.signalID != 0 {
					signal = h.signalID
				}
				if _, err := stmt.ExecContext(ctx, h.studentID, h.schoolID, signal, h.rules, h.explanation, h.figures, h.percent, h.returned); err != nil {
					return fmt.Errorf("copy detection results: %w", err)
				}
			}
			if _, err := stmt.ExecContext(ctx); err != nil {
				return fmt.Errorf("copy detection results: %w", err)
			}
			if err := stmt.Close(); err != nil {
				return fmt.Errorf("copy detection results: %w", err)
			}
			actorID, name, ip, reqID := auditActor(a)
			now := s.Now()
			r, err := tx.ExecContext(ctx, `WITH u AS (
					UPDATE signals g SET rules = r.rules, explanation = r.explanation, figures = r.figures, absence_percent = r.absence_percent,
						updated_at = $1, version = g.version + 1
					FROM detection_results r
					WHERE r.signal_id = g.id AND g.status = 'open'
					  AND (g.rules, g.explanation, g.absence_percent) IS DISTINCT FROM (r.rules, r.explanation, r.absence_percent)
					RETURNING g.id, g.student_id, g.school_id)
				INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, student_id, school_id, ip, request_id, detail)
				SELECT $2, $3, 'update', 'signal', u.id, u.student_id, u.school_id, $4, $5, '{"source": "detection"}' FROM u`,
				now, actorID, name, ip, reqID)
			if err != nil {
				return fmt.Errorf("update signals: %w", err)
			}
			n, _ := r.RowsAffected()
			res.Updated = int(n)
			var created struct {
				All      int `db:"created"`
				Returned int `db:"returned"`
			}
			if err := tx.GetContext(ctx, &created, `WITH c AS (
					INSERT INTO signals (student_id, school_id, source, rules, explanation, figures, absence_percent, created_at, updated_at)
					SELECT r.student_id, r.school_id, 'detection', r.rules, r.explanation, r.figures, r.absence_percent, $1, $1
					FROM detection_results r
					WHERE r.signal_id IS NULL
					  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.student_id = r.student_id AND c.status NOT IN ('closed', 'not_investigated'))
					ON CONFLICT (student_id) WHERE status = 'open' DO NOTHING
					RETURNING id, student_id, school_id),
				a AS (
					INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, student_id, school_id, ip, request_id, detail)
					SELECT $2, $3, 'create', 'signal', c.id, c.student_id, c.school_id, $4, $5, '{"source": "detection"}' FROM c)
				SELECT count(*) AS created, count(*) FILTER (WHERE r.returned) AS returned
				FROM c JOIN detection_results r ON r.student_id = c.student_id`, now, actorID, name, ip, reqID); err != nil {
				return fmt.Errorf("create signals: %w", err)
			}
			res.Created, res.Returned = created.All, created.Returned
			planned := 0
			for _, h := range hits {
				if h.signalID != 0 {
					planned++
				}
			}
			res.Unchanged = max(0, planned-res.Updated)
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "detection_run",
			Detail: map[string]any{"huvudman_id": h.ID, "as_of": res.AsOf.String(), "rule_set": res.RuleSet, "students": res.Students,
				"hits": res.Hits, "created": res.Created, "updated": res.Updated}})
	}()
	if err != nil {
		return translate(err)
	}
	if err := tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit detection: %w", err))
	}
	return nil
}

// auditActor is who an audit row written in SQL names: the person, or "system".
func auditActor(a *narvaro.Actor) (*int64, string, string, string) {
	if a == nil {
		return nil, "system", "", ""
	}
	return &a.UserID, a.Name, a.IP, a.RequestID
}
