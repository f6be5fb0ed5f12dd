package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Scale says how big a municipality to generate.
type Scale struct {
	Schools   int // school units of the one municipal huvudman
	Students  int
	Cases     int
	AuditRows int
	// Span is the number of calendar days of history (attendance, cases, audit log) before Now.
	Span int
	// Now anchors the history; the same Now and scale give the same records.
	Now time.Time
}

// Municipal is the scale of issue 9: 20,000 students over 25 schools, a school year of daily
// attendance (about 3.6 million rows), 1,000 cases and two million audit rows.
func Municipal(now time.Time) Scale {
	return Scale{Schools: 25, Students: 20000, Cases: 1000, AuditRows: 2_000_000, Span: 365, Now: now}
}

// Small is a scale for tests: every kind of record, generated in well under a second.
func Small(now time.Time) Scale {
	return Scale{Schools: 3, Students: 300, Cases: 60, AuditRows: 3000, Span: 120, Now: now}
}

// Credentials every generated user shares: one password (hashed once; argon2id is slow on
// purpose) and API tokens derived from the user id.
const (
	Password    = "belastningstest-2026"
	TokenPrefix = "narvaro-bench-"
)

// Token is the API token of a generated eht, rektor or admin user.
func Token(userID int64) string { return TokenPrefix + strconv.FormatInt(userID, 10) }

// Step is one timed part of the generation, for the progress report.
type Step struct {
	Name     string
	Rows     int64
	Duration time.Duration
}

// Generate fills an empty, migrated database with a municipality at the given scale. The
// records are produced by set-based SQL (generate_series, deterministic hashes instead of
// random()) and the audit log by COPY, never row by row through the service. Attendance and
// the audit log are written concurrently on two connections. progress, if not nil, gets each
// step as it finishes.
func Generate(ctx context.Context, db *sql.DB, sc Scale, progress func(Step)) error {
	if progress == nil {
		progress = func(Step) {}
	}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	vars := sc.vars(hash)
	conn, err := session(ctx, db, vars)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, st := range orgSteps {
		if err := runStep(ctx, conn, vars, st, progress); err != nil {
			return err
		}
	}
	// Attendance is the bulk; it runs on its own connection while the cases and then the audit
	// log (which refers to the cases) are written on this one.
	attErr := make(chan error, 1)
	go func() {
		ac, err := session(ctx, db, vars)
		if err != nil {
			attErr <- err
			return
		}
		defer ac.Close()
		if err := generateAttendance(ctx, ac, vars, progress); err != nil {
			attErr <- err
			return
		}
		attErr <- nil
	}()
	err = func() error {
		for _, st := range caseSteps {
			if err := runStep(ctx, conn, vars, st, progress); err != nil {
				return err
			}
		}
		start := time.Now()
		n, err := generateAudit(ctx, db, sc)
		progress(Step{Name: "audit log (COPY, hash-chained)", Rows: n, Duration: time.Since(start)})
		return err
	}()
	if aerr := <-attErr; err == nil {
		err = aerr
	}
	if err != nil {
		return err
	}
	if err := resetSequences(ctx, conn); err != nil {
		return err
	}
	start := time.Now()
	// Fresh statistics and visibility maps, and no checkpoint debt left for the measurement.
	maintain := "VACUUM (ANALYZE)"
	if sc.Students < 5000 {
		maintain = "ANALYZE" // small test worlds: statistics suffice, visibility maps do not matter
	}
	if _, err := conn.ExecContext(ctx, maintain); err != nil {
		return fmt.Errorf("%s: %w", maintain, err)
	}
	// CHECKPOINT needs a superuser or pg_checkpoint; without them the measurement just starts
	// with whatever checkpoint debt there is.
	_, _ = conn.ExecContext(ctx, "CHECKPOINT")
	progress(Step{Name: "vacuum, analyze, checkpoint", Duration: time.Since(start)})
	return nil
}

// session opens a connection with the helper functions the generation SQL calls. They live in
// pg_temp, so nothing of the generator stays in the schema.
func session(ctx context.Context, db *sql.DB, vars *strings.Replacer) (*sql.Conn, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("generate: connect: %w", err)
	}
	if _, err := conn.ExecContext(ctx, vars.Replace(sessionSQL)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("generate: session functions: %w", err)
	}
	return conn, nil
}

type genStep struct {
	name, table, sql string
}

func runStep(ctx context.Context, conn *sql.Conn, vars *strings.Replacer, st genStep, progress func(Step)) error {
	start := time.Now()
	if _, err := conn.ExecContext(ctx, vars.Replace(st.sql)); err != nil {
		return fmt.Errorf("generate %s: %w", st.name, err)
	}
	var n int64
	if st.table != "" {
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+st.table).Scan(&n); err != nil {
			return fmt.Errorf("generate %s: count: %w", st.name, err)
		}
	}
	progress(Step{Name: st.name, Rows: n, Duration: time.Since(start)})
	return nil
}

// resetSequences moves every id sequence past the explicit ids the generator used, so the
// service's own inserts continue from there.
func resetSequences(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `
		SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id')
		FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'id' AND column_default LIKE 'nextval(%'`)
	if err != nil {
		return fmt.Errorf("generate: list sequences: %w", err)
	}
	type seq struct{ table, name string }
	var seqs []seq
	for rows.Next() {
		var s seq
		if err := rows.Scan(&s.table, &s.name); err != nil {
			rows.Close()
			return err
		}
		seqs = append(seqs, s)
	}
	rows.Close()
	for _, s := range seqs {
		q := fmt.Sprintf(`SELECT setval(%s, COALESCE((SELECT max(id) FROM %s), 0) + 1, false)`,
			pq.QuoteLiteral(s.name), pq.QuoteIdentifier(s.table))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("generate: reset %s: %w", s.name, err)
		}
	}
	return nil
}

// vars are the values substituted into the generation SQL. All are numbers, dates or literals
// quoted here, never input from elsewhere.
func (sc Scale) vars(passwordHash string) *strings.Replacer {
	now := sc.Now.Truncate(time.Second)
	today := now.In(postgres.Stockholm())
	days := schoolDays(today, sc.Span)
	dayList := make([]string, len(days))
	for i, d := range days {
		dayList[i] = d.Format("2006-01-02")
	}
	perSchool := (sc.Students + sc.Schools - 1) / sc.Schools
	classes := (perSchool + 24) / 25
	kinds := []string{cases.ReportOfConcern, cases.SIPRequested, cases.SIPEstablished, cases.HomeMunicipalityCoordination,
		cases.FineOrderEvidence, cases.NoticeInvestigationStarted, cases.NoticeHomeMunicipality, cases.NoticeClosure}
	labels := make([]string, len(kinds))
	for i, k := range kinds {
		labels[i] = fmt.Sprintf("(%s, %s)", pq.QuoteLiteral(k), pq.QuoteLiteral(cases.KindLabel(k).SV))
	}
	first, last := "", ""
	if len(days) > 0 {
		first, last = days[0].Format("2006-01-02"), days[len(days)-1].Format("2006-01-02")
	}
	return strings.NewReplacer(
		"{{now}}", pq.QuoteLiteral(now.UTC().Format(time.RFC3339)),
		"{{year}}", strconv.Itoa(today.Year()),
		"{{schools}}", strconv.Itoa(sc.Schools),
		"{{students}}", strconv.Itoa(sc.Students),
		"{{classes}}", strconv.Itoa(classes),
		"{{cases}}", strconv.Itoa(sc.Cases),
		"{{open_signals}}", strconv.Itoa(sc.Students/50),
		"{{dismissed_signals}}", strconv.Itoa(sc.Students/100),
		"{{days}}", pq.QuoteLiteral("{"+strings.Join(dayList, ",")+"}")+"::date[]",
		"{{first_day}}", pq.QuoteLiteral(first),
		"{{last_day}}", pq.QuoteLiteral(last),
		"{{hash}}", pq.QuoteLiteral(passwordHash),
		"{{token_prefix}}", pq.QuoteLiteral(TokenPrefix),
		"{{kind_labels}}", strings.Join(labels, ", "),
	)
}

// generateAttendance writes the attendance rows into a table stripped of its keys and indexes
// for the duration (see bulkLoad).
func generateAttendance(ctx context.Context, conn *sql.Conn, vars *strings.Replacer, progress func(Step)) error {
	start := time.Now()
	err := bulkLoad(ctx, conn, "attendance_days", func() error {
		_, err := conn.ExecContext(ctx, vars.Replace(attendanceSQL))
		return err
	})
	if err != nil {
		return fmt.Errorf("generate attendance: %w", err)
	}
	var n int64
	if err := conn.QueryRowContext(ctx, `SELECT rows_imported FROM attendance_imports WHERE id = 1`).Scan(&n); err != nil {
		return err
	}
	progress(Step{Name: "attendance: a school year of days", Rows: n, Duration: time.Since(start)})
	return nil
}

// bulkLoad runs load with table's foreign keys, keys and indexes set aside and puts them back
// afterwards: building an index once from sorted data, and validating a foreign key with one
// join, is many times faster than maintaining them row by row. The definitions are read from
// the catalogue, so whatever the migrations declare is restored exactly. A key another table
// refers to stays in place.
func bulkLoad(ctx context.Context, conn *sql.Conn, table string, load func() error) error {
	type def struct{ name, def, kind string }
	var constraints, indexes []def
	rows, err := conn.QueryContext(ctx, `
		SELECT conname, pg_get_constraintdef(oid), contype::text FROM pg_constraint c
		WHERE conrelid = $1::regclass AND (contype = 'f' OR (contype IN ('p', 'u')
			AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)))
		ORDER BY contype = 'f' DESC`, table)
	if err != nil {
		return fmt.Errorf("constraints of %s: %w", table, err)
	}
	for rows.Next() {
		var d def
		if err := rows.Scan(&d.name, &d.def, &d.kind); err != nil {
			rows.Close()
			return err
		}
		constraints = append(constraints, d)
	}
	rows.Close()
	rows, err = conn.QueryContext(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), '' FROM pg_index i
		WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`, table)
	if err != nil {
		return fmt.Errorf("indexes of %s: %w", table, err)
	}
	for rows.Next() {
		var d def
		if err := rows.Scan(&d.name, &d.def, &d.kind); err != nil {
			rows.Close()
			return err
		}
		indexes = append(indexes, d)
	}
	rows.Close()
	for _, c := range constraints { // foreign keys first: they may depend on nothing here, but keys may be depended on
		if _, err := conn.ExecContext(ctx, `ALTER TABLE `+pq.QuoteIdentifier(table)+` DROP CONSTRAINT `+pq.QuoteIdentifier(c.name)); err != nil {
			return fmt.Errorf("set aside %s: %w", c.name, err)
		}
	}
	for _, ix := range indexes {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+ix.name); err != nil {
			return fmt.Errorf("set aside %s: %w", ix.name, err)
		}
	}
	if err := load(); err != nil {
		return err
	}
	for _, ix := range indexes {
		if _, err := conn.ExecContext(ctx, ix.def); err != nil {
			return fmt.Errorf("restore %s: %w", ix.name, err)
		}
	}
	for i := len(constraints) - 1; i >= 0; i-- { // keys before the foreign keys that may use them
		c := constraints[i]
		if _, err := conn.ExecContext(ctx, `ALTER TABLE `+pq.QuoteIdentifier(table)+` ADD CONSTRAINT `+pq.QuoteIdentifier(c.name)+` `+c.def); err != nil {
			return fmt.Errorf("restore %s: %w", c.name, err)
		}
	}
	return nil
}
