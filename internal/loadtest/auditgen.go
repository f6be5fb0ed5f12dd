package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/narvaro/narvaro/internal/audit"
)

// generateAudit writes a year of access log with COPY, already sealed: the hash chain is
// computed here exactly as postgres.SealAudit computes it, so `narvaro audit verify` accepts it
// and the service's sealer finds nothing old to do during the measurement.
func generateAudit(ctx context.Context, db *sql.DB, sc Scale) (int64, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = bulkLoad(ctx, conn, "audit_log", func() error {
		var err error
		n, err = copyAudit(ctx, conn, sc)
		return err
	})
	return n, err
}

func copyAudit(ctx context.Context, conn *sql.Conn, sc Scale) (int64, error) {
	names := map[int64]string{}
	rows, err := conn.QueryContext(ctx, `SELECT id, display_name FROM users`)
	if err != nil {
		return 0, fmt.Errorf("audit log: users: %w", err)
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return 0, err
		}
		names[id] = name
	}
	rows.Close()
	type caseRef struct{ id, student, school int64 }
	var cs []caseRef
	rows, err = conn.QueryContext(ctx, `SELECT id, student_id, school_id FROM cases ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("audit log: cases: %w", err)
	}
	for rows.Next() {
		var c caseRef
		if err := rows.Scan(&c.id, &c.student, &c.school); err != nil {
			rows.Close()
			return 0, err
		}
		cs = append(cs, c)
	}
	rows.Close()
	if len(cs) == 0 {
		return 0, fmt.Errorf("audit log: no cases to refer to")
	}

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return 0, err
	}
	stmt, err := tx.PrepareContext(ctx, `COPY audit_log (id, at, actor_id, actor_name, action, entity,
		entity_id, student_id, school_id, ip, request_id, detail, seq, prev_hash, hash) FROM STDIN`)
	if err != nil {
		return 0, fmt.Errorf("audit log: copy: %w", err)
	}
	rng := rand.New(rand.NewPCG(uint64(sc.Students), uint64(sc.AuditRows)))
	now := sc.Now.Truncate(time.Second)
	start := now.AddDate(0, 0, -sc.Span)
	step := now.Sub(start).Microseconds() / int64(sc.AuditRows+1)
	staff := func(school int64) int64 { return school*1000 + 1 + rng.Int64N(4) } // rektor or an EHT member
	steps := []string{"assess", "save_investigation", "wheel_assessment", "submit_plan", "decide_plan", "followup", "close"}
	prev := ""
	for i := int64(1); i <= int64(sc.AuditRows); i++ {
		r := audit.Row{ID: i, Detail: "{}"}
		r.At = start.Add(time.Duration(i*step+rng.Int64N(step)) * time.Microsecond).Truncate(time.Microsecond)
		c := cs[rng.IntN(len(cs))]
		var actor int64
		switch p := rng.IntN(100); {
		case p < 45:
			actor, r.Action, r.Entity = staff(c.school), audit.Read, "case"
			r.EntityID, r.StudentID, r.SchoolID = ptr(c.id), ptr(c.student), ptr(c.school)
			r.Detail = `{"case_id": ` + strconv.FormatInt(c.id, 10) + `}`
		case p < 65:
			student := 1 + rng.Int64N(int64(sc.Students))
			school := 1 + (student-1)%int64(sc.Schools)
			actor, r.Action, r.Entity = staff(school), audit.Read, "student"
			r.EntityID, r.StudentID, r.SchoolID = ptr(student), ptr(student), ptr(school)
		case p < 75:
			actor, r.Action, r.Entity = staff(c.school), audit.Read, "case_list"
			r.Detail = `{"count": ` + strconv.Itoa(5+rng.IntN(40)) + `, "status": ""}`
		case p < 83:
			actor, r.Action, r.Entity = staff(c.school), audit.Update, "case"
			r.EntityID, r.StudentID, r.SchoolID = ptr(c.id), ptr(c.student), ptr(c.school)
			r.Detail = `{"step": "` + steps[rng.IntN(len(steps))] + `"}`
		case p < 90:
			actor, r.Action, r.Entity = staff(c.school), audit.Read, "case_counts"
		case p < 95:
			actor, r.Action, r.Entity = staff(c.school), audit.SignIn, "user"
			r.EntityID = ptr(actor)
		case p < 98:
			actor, r.Action, r.Entity = 1+rng.Int64N(3), audit.Read, "notice"
			r.EntityID, r.StudentID, r.SchoolID = ptr(c.id), ptr(c.student), ptr(c.school)
		default:
			actor, r.Action, r.Entity = staff(c.school), audit.Download, "document"
			r.EntityID, r.StudentID, r.SchoolID = ptr(c.id), ptr(c.student), ptr(c.school)
		}
		r.ActorID, r.ActorName = ptr(actor), names[actor]
		r.IP = "10.20." + strconv.Itoa(int(actor%250)) + "." + strconv.Itoa(1+rng.IntN(250))
		r.RequestID = fmt.Sprintf("%016x", rng.Uint64())
		h := audit.Hash(prev, i, r)
		if _, err := stmt.ExecContext(ctx, r.ID, r.At, r.ActorID, r.ActorName, r.Action, r.Entity, r.EntityID, r.StudentID,
			r.SchoolID, r.IP, r.RequestID, r.Detail, i, prev, h); err != nil {
			return 0, fmt.Errorf("audit log: copy row %d: %w", i, err)
		}
		prev = h
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return 0, fmt.Errorf("audit log: finish copy: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_chain_head SET last_seq = $1, last_hash = $2`, sc.AuditRows, prev); err != nil {
		return 0, fmt.Errorf("audit log: chain head: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return int64(sc.AuditRows), nil
}

func ptr(v int64) *int64 { return &v }
