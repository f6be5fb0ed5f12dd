package postgres

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/attendance"
)

// Advisory lock classes (the first key of pg_advisory_*lock(int, int); the second is the
// huvudman's id).
const (
	lockAttendanceImport int32 = 0x4e5601 // imports of one huvudman run one at a time
	lockDetection        int32 = 0x4e5602 // so does detection
)

// stage streams the file's rows into the database with COPY.
//
// The first import of a huvudman (no attendance stored for any of its students yet, typically
// the history of a school year) COPYs straight into attendance_days: nothing can conflict and
// nothing is replaced, and writing the rows once instead of twice makes it about twice as fast.
// Every later import COPYs into a temporary staging table without index (not WAL-logged), and
// merge writes it in a few statements. The import lock of the huvudman keeps the check true
// until commit.
func (run *importRun) stage(ctx context.Context, tx *sqlx.Tx, src attendance.RowSource, huvudmanID, importID int64) error {
	var stored bool
	// One index probe per student (LIMIT 1 keeps the planner from scanning the whole table,
	// which may hold other huvudmän's millions of days).
	if err := tx.GetContext(ctx, &stored, `SELECT EXISTS (SELECT 1 FROM students st JOIN schools sc ON sc.id = st.school_id
		CROSS JOIN LATERAL (SELECT 1 FROM attendance_days a WHERE a.student_id = st.id LIMIT 1) x WHERE sc.huvudman_id = $1)`, huvudmanID); err != nil {
		return fmt.Errorf("stored attendance: %w", err)
	}
	run.direct = !stored
	if run.direct {
		return run.copyRows(ctx, tx, src, `COPY attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes, import_id) FROM STDIN`,
			func(r stagedRow) []any {
				return []any{r.student, run.dayText(r.day), int64(r.offered), int64(r.valid), int64(r.invalid), importID}
			})
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE attendance_staging (
			student_id bigint NOT NULL, day integer NOT NULL, offered integer NOT NULL, valid integer NOT NULL, invalid integer NOT NULL
		) ON COMMIT DROP;
		CREATE TEMP TABLE attendance_staging_span (
			student_id bigint PRIMARY KEY, first_day integer NOT NULL, last_day integer NOT NULL, present bytea NOT NULL
		) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create staging tables: %w", err)
	}
	err := run.copyRows(ctx, tx, src, `COPY attendance_staging (student_id, day, offered, valid, invalid) FROM STDIN`,
		func(r stagedRow) []any {
			return []any{r.student, int64(r.day), int64(r.offered), int64(r.valid), int64(r.invalid)}
		})
	if err != nil || run.doomed() || run.days == 0 {
		return err
	}
	spans, err := tx.PrepareContext(ctx, `COPY attendance_staging_span (student_id, first_day, last_day, present) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("copy spans: %w", err)
	}
	defer spans.Close()
	for id, sp := range run.spans {
		if _, err := spans.ExecContext(ctx, id, int64(sp.first), int64(sp.last), sp.present()); err != nil {
			return fmt.Errorf("copy spans: %w", err)
		}
	}
	if _, err := spans.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy spans: %w", err)
	}
	if err := spans.Close(); err != nil {
		return fmt.Errorf("copy spans: %w", err)
	}
	// The planner needs to know the spans' number to pick index scans for the merge.
	if _, err := tx.ExecContext(ctx, `ANALYZE attendance_staging_span`); err != nil {
		return fmt.Errorf("analyze spans: %w", err)
	}
	return nil
}

// stagedRow is one day on its way to COPY.
type stagedRow struct {
	student                 int64
	day                     int32
	offered, valid, invalid int32
}

// copyRows reads src to the end and COPYs every good row of a known student. Parsing and
// sending run in two goroutines, handing over batches of rows, so that the parser and the
// database work at the same time instead of taking turns.
func (run *importRun) copyRows(ctx context.Context, tx *sqlx.Tx, src attendance.RowSource, copyStmt string, values func(stagedRow) []any) error {
	stmt, err := tx.PrepareContext(ctx, copyStmt)
	if err != nil {
		return fmt.Errorf("copy attendance: %w", err)
	}
	defer stmt.Close()
	const batchSize = 2048
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	batches, free := make(chan []stagedRow, 4), make(chan []stagedRow, 6)
	var readErr error
	go func() {
		defer close(batches)
		buf := make([]stagedRow, 0, batchSize)
		send := func() error {
			select {
			case batches <- buf:
			case <-readCtx.Done():
				return readCtx.Err()
			}
			select {
			case buf = <-free:
				buf = buf[:0]
			default:
				buf = make([]stagedRow, 0, batchSize)
			}
			return nil
		}
		readErr = run.each(src, func(id int64, r attendance.Row) error {
			buf = append(buf, stagedRow{student: id, day: dayNumber(r.Day), offered: int32(r.OfferedMinutes), valid: int32(r.ValidMinutes), invalid: int32(r.InvalidMinutes)})
			if len(buf) == batchSize {
				return send()
			}
			return nil
		})
		if readErr == nil && len(buf) > 0 {
			readErr = send()
		}
	}()
	var copyErr error
	for b := range batches {
		for i := 0; i < len(b) && copyErr == nil; i++ {
			if _, err := stmt.ExecContext(ctx, values(b[i])...); err != nil {
				copyErr = err
				stop() // the reader stops at its next batch
			}
		}
		select {
		case free <- b:
		default:
		}
	}
	if copyErr != nil {
		return fmt.Errorf("copy attendance: %w", copyErr)
	}
	if readErr != nil {
		return readErr
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy attendance: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return fmt.Errorf("copy attendance: %w", err)
	}
	return nil
}

// dayText is a date as COPY reads it, formatted once per day of the file.
func (run *importRun) dayText(n int32) string {
	if run.dayTexts == nil {
		run.dayTexts = map[int32]string{}
	}
	s, ok := run.dayTexts[n]
	if !ok {
		s = dayDate(n).Format("2006-01-02")
		run.dayTexts[n] = s
	}
	return s
}

// merge writes the staged days: days of a student's span that the file lacks are removed, new
// days inserted, changed days updated; unchanged days are not touched.
func (run *importRun) merge(ctx context.Context, tx *sqlx.Tx, importID int64) error {
	if run.direct {
		run.inserted = run.days
		return nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM attendance_days d USING attendance_staging_span r
		WHERE d.student_id = r.student_id AND d.day BETWEEN `+dayEpochSQL+` + r.first_day AND `+dayEpochSQL+` + r.last_day
		  AND get_bit(r.present, d.day - (`+dayEpochSQL+` + r.first_day)) = 0`)
	if err != nil {
		return fmt.Errorf("remove days the file lacks: %w", err)
	}
	removed, _ := res.RowsAffected()
	// Every day still stored inside a span is now also in the file: it is updated or unchanged.
	var existing int
	if err := tx.GetContext(ctx, &existing, `SELECT count(*) FROM attendance_days d JOIN attendance_staging_span r ON d.student_id = r.student_id
		AND d.day BETWEEN `+dayEpochSQL+` + r.first_day AND `+dayEpochSQL+` + r.last_day`); err != nil {
		return fmt.Errorf("count stored days: %w", err)
	}
	insert := `INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes, import_id)
		SELECT student_id, ` + dayEpochSQL + ` + day, offered, valid, invalid, $1 FROM attendance_staging`
	if existing > 0 {
		// An overlapping import. Days that did not change are left out by the anti-join (a
		// re-export of "the term so far" is mostly such days): comparing costs less than the
		// row lock and WAL record that ON CONFLICT spends on every conflicting row.
		if _, err := tx.ExecContext(ctx, `ANALYZE attendance_staging; SET LOCAL work_mem = '64MB'`); err != nil {
			return fmt.Errorf("analyze staging: %w", err)
		}
		insert += ` s WHERE NOT EXISTS (SELECT 1 FROM attendance_days d WHERE d.student_id = s.student_id AND d.day = ` + dayEpochSQL + ` + s.day
				AND d.offered_minutes = s.offered AND d.valid_absence_minutes = s.valid AND d.invalid_absence_minutes = s.invalid)
			ON CONFLICT (student_id, day) DO UPDATE SET offered_minutes = EXCLUDED.offered_minutes,
				valid_absence_minutes = EXCLUDED.valid_absence_minutes, invalid_absence_minutes = EXCLUDED.invalid_absence_minutes,
				import_id = EXCLUDED.import_id`
	}
	res, err = tx.ExecContext(ctx, insert, importID)
	if err != nil {
		return fmt.Errorf("merge attendance: %w", err)
	}
	written, _ := res.RowsAffected()
	run.removed = int(removed)
	run.inserted = run.days - existing
	run.updated = int(written) - run.inserted
	return nil
}
