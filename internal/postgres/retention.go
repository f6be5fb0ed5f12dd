package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"gopkg.in/yaml.v3"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// RetentionFile is the configuration file with the disposal periods (gallringsfrister).
const RetentionFile = "retention.yaml"

// RetentionPolicy holds the disposal periods of the huvudman's information-management plan
// (informationshanteringsplan). A period that is not set means "keep for ever": nothing is
// disposed of without a configured period.
type RetentionPolicy struct {
	Cases struct {
		// Closed cases, counted from the closure.
		Closed Period `yaml:"closed"`
		// Cases where the rektor found no investigation needed, counted from that assessment.
		NotInvestigated Period `yaml:"not_investigated"`
	} `yaml:"cases"`
	Signals struct {
		// Dismissed signals that never became a case, counted from the dismissal.
		Dismissed Period `yaml:"dismissed"`
	} `yaml:"signals"`
	// Issued documents by document type (the kinds of legal.yaml), counted from issue.
	Documents map[string]Period `yaml:"documents"`
	// Daily attendance records, counted from the school day.
	AttendanceDays Period `yaml:"attendance_days"`
}

// Configured reports whether any period is set.
func (p *RetentionPolicy) Configured() bool {
	if !p.Cases.Closed.IsZero() || !p.Cases.NotInvestigated.IsZero() || !p.Signals.Dismissed.IsZero() || !p.AttendanceDays.IsZero() {
		return true
	}
	for _, d := range p.Documents {
		if !d.IsZero() {
			return true
		}
	}
	return false
}

// Period is a disposal period such as "5y", "18m", "90d" or "1y6m"; empty means never.
type Period struct {
	Years, Months, Days int
}

var periodPart = regexp.MustCompile(`(\d+)([ymd])`)

// ParsePeriod reads a period; "" and "never" are the zero period (never dispose).
func ParsePeriod(s string) (Period, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if s == "" || s == "never" {
		return Period{}, nil
	}
	var p Period
	rest := periodPart.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.Atoi(m[:len(m)-1])
		switch m[len(m)-1] {
		case 'y':
			p.Years += n
		case 'm':
			p.Months += n
		case 'd':
			p.Days += n
		}
		return ""
	})
	if rest != "" || p.IsZero() {
		return Period{}, fmt.Errorf("%q is not a disposal period: write e.g. 5y, 18m, 90d or 1y6m (empty: never)", s)
	}
	return p, nil
}

// UnmarshalYAML reads a period from its text form.
func (p *Period) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	got, err := ParsePeriod(s)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*p = got
	return nil
}

// IsZero reports whether the period is unset (never dispose).
func (p Period) IsZero() bool { return p.Years == 0 && p.Months == 0 && p.Days == 0 }

func (p Period) String() string {
	if p.IsZero() {
		return "never"
	}
	var b strings.Builder
	for _, x := range []struct {
		n    int
		unit string
	}{{p.Years, "y"}, {p.Months, "m"}, {p.Days, "d"}} {
		if x.n > 0 {
			b.WriteString(strconv.Itoa(x.n) + x.unit)
		}
	}
	return b.String()
}

// Cutoff is the moment before which records are old enough to go.
func (p Period) Cutoff(now time.Time) time.Time { return now.AddDate(-p.Years, -p.Months, -p.Days) }

var documentKind = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// LoadRetention reads retention.yaml from the configuration files. A missing file is an empty
// policy: nothing is disposed of.
func LoadRetention(files fs.FS) (*RetentionPolicy, error) {
	p := &RetentionPolicy{}
	b, err := fs.ReadFile(files, RetentionFile)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, retentionConfigError(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil && !errors.Is(err, io.EOF) {
		return nil, retentionConfigError(err)
	}
	for kind := range p.Documents {
		if !documentKind.MatchString(kind) {
			return nil, retentionConfigError(fmt.Errorf("documents: %q is not a document type", kind))
		}
	}
	return p, nil
}

func retentionConfigError(err error) error {
	return narvaro.Errorf(narvaro.CodeInternal,
		"Gallringsinställningen (retention.yaml) är felaktig: "+err.Error(),
		"The retention configuration (retention.yaml) is invalid: "+err.Error()).Wrap(err)
}

// RetentionItem is one record (or, for attendance, one school's batch of days) that a run
// disposes of.
type RetentionItem struct {
	Kind         string    `json:"kind"` // case, signal, document, attendance_days
	Rule         string    `json:"rule"` // e.g. "cases.closed = 5y"
	ID           int64     `json:"id,omitempty"`
	CaseNumber   string    `json:"case_number,omitempty"`
	DocumentKind string    `json:"document_kind,omitempty"`
	SchoolID     int64     `json:"school_id"`
	Since        time.Time `json:"since"` // the closure, dismissal, issue or (attendance) the last day
	Count        int64     `json:"count,omitempty"`
	cutoff, asOf time.Time
}

// RetentionPlan is what a run disposes of (the dry run) or did dispose of (a run).
type RetentionPlan struct {
	Configured bool            `json:"configured"`
	AsOf       time.Time       `json:"as_of"`
	Items      []RetentionItem `json:"items"`
	// Held lists cases (and their documents) old enough to go that a legal hold keeps.
	Held     []RetentionItem `json:"held"`
	Disposed int             `json:"disposed"`
	DryRun   bool            `json:"dry_run"`
}

// retentionScope is the schools a run covers: the administrator's, or every school for the
// command line (a nil actor).
func retentionScope(a *narvaro.Actor) (any, error) {
	if a == nil {
		return nil, nil
	}
	if err := auth.Allow(a, auth.ManageRetention); err != nil {
		return nil, err
	}
	return pq.Int64Array(a.SchoolIDs), nil
}

// PlanRetention lists what a run would dispose of now, and what a legal hold keeps. A nil
// actor is the command line acting for every huvudman.
func (s *Store) PlanRetention(ctx context.Context, a *narvaro.Actor, p *RetentionPolicy) (*RetentionPlan, error) {
	scope, err := retentionScope(a)
	if err != nil {
		return nil, err
	}
	plan, err := s.planRetention(ctx, s.DB, scope, p)
	if err != nil {
		return nil, translate(err)
	}
	plan.DryRun = true
	return plan, nil
}

func (s *Store) planRetention(ctx context.Context, q queryer, scope any, p *RetentionPolicy) (*RetentionPlan, error) {
	now := s.Now()
	plan := &RetentionPlan{Configured: p.Configured(), AsOf: now, Items: []RetentionItem{}, Held: []RetentionItem{}}
	type row struct {
		ID         int64     `db:"id"`
		CaseNumber string    `db:"case_number"`
		Kind       string    `db:"kind"`
		SchoolID   int64     `db:"school_id"`
		Since      time.Time `db:"since"`
		Held       bool      `db:"held"`
		Count      int64     `db:"n"`
	}
	add := func(kind, rule string, cutoff time.Time, query string) error {
		var rows []row
		if err := q.SelectContext(ctx, &rows, query, scope, cutoff); err != nil {
			return fmt.Errorf("plan %s: %w", rule, err)
		}
		for _, r := range rows {
			it := RetentionItem{Kind: kind, Rule: rule, ID: r.ID, CaseNumber: r.CaseNumber, SchoolID: r.SchoolID, Since: r.Since, Count: r.Count,
				cutoff: cutoff, asOf: now}
			if kind == "document" {
				it.DocumentKind = r.Kind
			}
			if r.Held {
				plan.Held = append(plan.Held, it)
			} else {
				plan.Items = append(plan.Items, it)
			}
		}
		return nil
	}
	if per := p.Cases.Closed; !per.IsZero() {
		if err := add("case", "cases.closed = "+per.String(), per.Cutoff(now), planCases("closed", "c.closed_at")); err != nil {
			return nil, err
		}
	}
	if per := p.Cases.NotInvestigated; !per.IsZero() {
		if err := add("case", "cases.not_investigated = "+per.String(), per.Cutoff(now), planCases("not_investigated", "c.assessed_at")); err != nil {
			return nil, err
		}
	}
	if per := p.Signals.Dismissed; !per.IsZero() {
		if err := add("signal", "signals.dismissed = "+per.String(), per.Cutoff(now), planSignals); err != nil {
			return nil, err
		}
	}
	kinds := make([]string, 0, len(p.Documents))
	for k := range p.Documents {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		per := p.Documents[k]
		if per.IsZero() {
			continue
		}
		if err := add("document", "documents."+k+" = "+per.String(), per.Cutoff(now), strings.Replace(planDocuments, "$KIND", pq.QuoteLiteral(k), 1)); err != nil {
			return nil, err
		}
	}
	if per := p.AttendanceDays; !per.IsZero() {
		if err := add("attendance_days", "attendance_days = "+per.String(), per.Cutoff(now), planAttendance); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// A disposal only counts for a case if it came after the last closure: a case reopened and
// closed again is disposed of again when its new period ends.
func planCases(status, since string) string {
	return `SELECT c.id, c.case_number, '' AS kind, c.school_id, ` + since + ` AS since, c.legal_hold AS held, 0 AS n
		FROM cases c
		WHERE c.status = '` + status + `' AND ` + since + ` < $2 AND ($1::bigint[] IS NULL OR c.school_id = ANY($1))
		  AND NOT EXISTS (SELECT 1 FROM disposals d WHERE d.kind = 'case' AND d.record_id = c.id AND d.disposed_at >= ` + since + `)
		ORDER BY ` + since + `, c.id`
}

const planSignals = `SELECT g.id, '' AS case_number, '' AS kind, g.school_id, g.dismissed_at AS since, false AS held, 0 AS n
	FROM signals g
	WHERE g.status = 'dismissed' AND g.case_id IS NULL AND g.dismissed_at < $2 AND ($1::bigint[] IS NULL OR g.school_id = ANY($1))
	  AND NOT EXISTS (SELECT 1 FROM disposals d WHERE d.kind = 'signal' AND d.record_id = g.id)
	ORDER BY g.dismissed_at, g.id`

const planDocuments = `SELECT d.id, COALESCE(c.case_number, '') AS case_number, d.kind, COALESCE(c.school_id, st.school_id, 0) AS school_id,
	       d.issued_at AS since, COALESCE(c.legal_hold, false) AS held, 0 AS n
	FROM documents d LEFT JOIN cases c ON c.id = d.case_id LEFT JOIN students st ON st.id = d.student_id
	WHERE d.kind = $KIND AND d.issued_at < $2 AND ($1::bigint[] IS NULL OR COALESCE(c.school_id, st.school_id) = ANY($1))
	ORDER BY d.issued_at, d.id`

// Attendance is kept for every student with a case on legal hold: it is the evidence.
const planAttendance = `SELECT 0 AS id, '' AS case_number, '' AS kind, st.school_id, max(a.day)::timestamptz AS since, false AS held, count(*) AS n
	FROM attendance_days a JOIN students st ON st.id = a.student_id
	WHERE a.day < $2::date AND ($1::bigint[] IS NULL OR st.school_id = ANY($1))
	  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.student_id = st.id AND c.legal_hold)
	GROUP BY st.school_id ORDER BY st.school_id`

// retentionLock is the advisory lock key that makes one retention run at a time across every
// instance of the service ("narv" "gall").
const retentionLock int64 = 0x6e617276_67616c6c

// ErrRetentionRunning says another instance is running retention right now.
var ErrRetentionRunning = narvaro.Errorf(narvaro.CodeConflict, "En gallring pågår redan. Försök igen när den är klar.",
	"A retention run is already in progress. Try again when it has finished.")

// RunRetention disposes of what the plan lists. Each record goes in its own transaction with
// its audit row, after checking again that it is still due and not on legal hold; one run at a
// time holds an advisory lock, so several instances never dispose of the same thing twice.
// A nil actor is the command line acting for every huvudman.
func (s *Store) RunRetention(ctx context.Context, a *narvaro.Actor, p *RetentionPolicy) (*RetentionPlan, error) {
	scope, err := retentionScope(a)
	if err != nil {
		return nil, err
	}
	conn, err := s.DB.Connx(ctx)
	if err != nil {
		return nil, translate(fmt.Errorf("retention: connect: %w", err))
	}
	defer conn.Close()
	var locked bool
	if err := conn.GetContext(ctx, &locked, `SELECT pg_try_advisory_lock($1)`, retentionLock); err != nil {
		return nil, translate(fmt.Errorf("retention: lock: %w", err))
	}
	if !locked {
		return nil, ErrRetentionRunning
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, retentionLock) //nolint:errcheck // the session ends with the connection anyway
	plan, err := s.planRetention(ctx, s.DB, scope, p)
	if err != nil {
		return nil, translate(err)
	}
	for _, it := range plan.Items {
		done, err := s.dispose(ctx, a, it)
		if err != nil {
			return plan, err
		}
		if done {
			plan.Disposed++
		}
	}
	return plan, nil
}

func (s *Store) dispose(ctx context.Context, a *narvaro.Actor, it RetentionItem) (bool, error) {
	done := false
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		switch it.Kind {
		case "case":
			done, err = disposeCase(ctx, tx, a, it)
		case "signal":
			done, err = disposeSignal(ctx, tx, a, it)
		case "document":
			done, err = disposeDocument(ctx, tx, a, it)
		case "attendance_days":
			done, err = disposeAttendance(ctx, tx, a, it)
		}
		return err
	})
	return done, err
}

func actorID(a *narvaro.Actor) *int64 {
	if a == nil {
		return nil
	}
	return &a.UserID
}

// disposeCase blanks every free text of the case and deletes its issued documents, keeping the
// register entry (case number, school, student, status, dates) and what statistics count: concern
// domains, closure reason and attendance, wheel ratings, measures' domains and levels, follow-up
// results, escalation kinds and notices.
func disposeCase(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, it RetentionItem) (bool, error) {
	var c struct {
		Status    string     `db:"status"`
		Hold      bool       `db:"legal_hold"`
		Since     *time.Time `db:"since"`
		StudentID int64      `db:"student_id"`
		SchoolID  int64      `db:"school_id"`
	}
	err := tx.GetContext(ctx, &c, `SELECT status, legal_hold, CASE WHEN status = 'closed' THEN closed_at ELSE assessed_at END AS since,
		student_id, school_id FROM cases WHERE id = $1 FOR UPDATE`, it.ID)
	if err != nil {
		return false, fmt.Errorf("lock case %d: %w", it.ID, err)
	}
	// Checked again under the lock: a legal hold or a reopening since the plan wins.
	if c.Hold || (c.Status != "closed" && c.Status != "not_investigated") || c.Since == nil || !c.Since.Before(it.cutoff) {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('narvaro.disposing', 'on', true)`); err != nil {
		return false, err
	}
	for _, q := range disposeCaseStatements {
		if _, err := tx.ExecContext(ctx, q, it.ID); err != nil {
			return false, fmt.Errorf("dispose case %d: %s: %w", it.ID, strings.Fields(q)[1], err)
		}
	}
	docs, err := deleteDocuments(ctx, tx, `DELETE FROM documents WHERE case_id = $1 RETURNING id, kind, version, sha256`, it.ID)
	if err != nil {
		return false, err
	}
	detail := map[string]any{"rule": it.Rule, "case_number": it.CaseNumber, "documents": docs}
	if err := recordDisposal(ctx, tx, a, "case", it, detail); err != nil {
		return false, err
	}
	return true, writeAudit(ctx, tx, a, audit.Entry{Action: audit.Dispose, Entity: "case", EntityID: it.ID,
		StudentID: c.StudentID, SchoolID: c.SchoolID, Detail: detail})
}

var disposeCaseStatements = []string{
	`UPDATE cases SET description = '', first_contacts = '', assessment_reasons = '', closure_note = '', closure_child_view = '',
		updated_at = now(), version = version + 1 WHERE id = $1`,
	`UPDATE investigations SET absence_summary = '', earlier_measures = '', school_situation = '', social_situation = '',
		student_view = '', guardian_view = '', triggering_factors = '', maintaining_factors = '', analysis = '',
		special_support_note = '', collaboration_need = '', conclusion = '', consult_student_note = '',
		consult_guardians_note = '', consult_eht_note = '', secret_appendix = '', updated_at = now(), version = version + 1
		WHERE case_id = $1`,
	`UPDATE wheel_assessments SET child_words = '', child_view_not_followed = '' WHERE case_id = $1`,
	`UPDATE wheel_ratings SET note = '' WHERE assessment_id IN (SELECT id FROM wheel_assessments WHERE case_id = $1)`,
	`UPDATE plans SET summary = '', decision_comment = '' WHERE case_id = $1`,
	`UPDATE measures SET description = '', responsible = '', expected_effect = '' WHERE plan_id IN (SELECT id FROM plans WHERE case_id = $1)`,
	`UPDATE followups SET comment = '' WHERE case_id = $1`,
	`UPDATE followup_results SET comment = '' WHERE followup_id IN (SELECT id FROM followups WHERE case_id = $1)`,
	`UPDATE escalations SET note = '' WHERE case_id = $1`,
	`UPDATE guardian_contacts SET guardian = '', note = '' WHERE case_id = $1`,
	`UPDATE case_events SET summary = '' WHERE case_id = $1`,
	`UPDATE signals SET explanation = '', reason = '', dismiss_reason = '', figures = '{}', updated_at = now() WHERE case_id = $1`,
	`UPDATE followup_round_items SET comment = '' WHERE case_id = $1`,
}

type disposedDocument struct {
	ID      int64  `db:"id" json:"id"`
	Kind    string `db:"kind" json:"kind"`
	Version int    `db:"version" json:"version"`
	SHA256  string `db:"sha256" json:"sha256"`
}

// deleteDocuments removes issued PDFs. Documents are immutable (no UPDATE), so disposal deletes;
// the hashes stay in the disposal record and the audit log as proof of what existed.
func deleteDocuments(ctx context.Context, tx *sqlx.Tx, query string, id int64) ([]disposedDocument, error) {
	docs := []disposedDocument{}
	if err := tx.SelectContext(ctx, &docs, query, id); err != nil {
		return nil, fmt.Errorf("delete documents: %w", err)
	}
	return docs, nil
}

func disposeSignal(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, it RetentionItem) (bool, error) {
	var g struct {
		StudentID int64 `db:"student_id"`
	}
	err := tx.GetContext(ctx, &g, `SELECT student_id FROM signals WHERE id = $1 AND status = 'dismissed' AND case_id IS NULL AND dismissed_at < $2 FOR UPDATE`, it.ID, it.cutoff)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE signals SET explanation = '', reason = '', dismiss_reason = '', figures = '{}', updated_at = now() WHERE id = $1`, it.ID); err != nil {
		return false, fmt.Errorf("dispose signal %d: %w", it.ID, err)
	}
	detail := map[string]any{"rule": it.Rule}
	if err := recordDisposal(ctx, tx, a, "signal", it, detail); err != nil {
		return false, err
	}
	return true, writeAudit(ctx, tx, a, audit.Entry{Action: audit.Dispose, Entity: "signal", EntityID: it.ID, StudentID: g.StudentID, SchoolID: it.SchoolID, Detail: detail})
}

func disposeDocument(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, it RetentionItem) (bool, error) {
	var d struct {
		StudentID *int64 `db:"student_id"`
		Hold      bool   `db:"held"`
	}
	err := tx.GetContext(ctx, &d, `SELECT COALESCE(c.student_id, d.student_id) AS student_id, COALESCE(c.legal_hold, false) AS held
		FROM documents d LEFT JOIN cases c ON c.id = d.case_id WHERE d.id = $1 FOR UPDATE OF d`, it.ID)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if d.Hold {
		return false, nil
	}
	// A later version points at this one; they go together when both are due, else the link is kept.
	var newer bool
	if err := tx.GetContext(ctx, &newer, `SELECT EXISTS (SELECT 1 FROM documents WHERE supersedes = $1)`, it.ID); err != nil {
		return false, err
	}
	if newer {
		return false, nil
	}
	docs, err := deleteDocuments(ctx, tx, `DELETE FROM documents WHERE id = $1 RETURNING id, kind, version, sha256`, it.ID)
	if err != nil || len(docs) == 0 {
		return false, err
	}
	detail := map[string]any{"rule": it.Rule, "case_number": it.CaseNumber, "documents": docs}
	if err := recordDisposal(ctx, tx, a, "document", it, detail); err != nil {
		return false, err
	}
	var student int64
	if d.StudentID != nil {
		student = *d.StudentID
	}
	return true, writeAudit(ctx, tx, a, audit.Entry{Action: audit.Dispose, Entity: "document", EntityID: it.ID, StudentID: student, SchoolID: it.SchoolID, Detail: detail})
}

func disposeAttendance(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, it RetentionItem) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM attendance_days a USING students st
		WHERE st.id = a.student_id AND st.school_id = $1 AND a.day < $2::date
		  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.student_id = st.id AND c.legal_hold)`, it.SchoolID, it.cutoff)
	if err != nil {
		return false, fmt.Errorf("dispose attendance: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return false, nil
	}
	return true, writeAudit(ctx, tx, a, audit.Entry{Action: audit.Dispose, Entity: "attendance_days", SchoolID: it.SchoolID,
		Detail: map[string]any{"rule": it.Rule, "days": n, "before": narvaro.DateOf(it.cutoff.In(stockholm)).String()}})
}

// recordDisposal notes the disposal at the store's clock, the same clock closures are dated by,
// so that "disposed after the last closure" compares like with like.
func recordDisposal(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, kind string, it RetentionItem, detail map[string]any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("disposal detail: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO disposals (kind, record_id, rule, disposed_at, disposed_by, detail) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (kind, record_id) DO UPDATE SET rule = EXCLUDED.rule, disposed_at = EXCLUDED.disposed_at,
			disposed_by = EXCLUDED.disposed_by, detail = EXCLUDED.detail`,
		kind, it.ID, it.Rule, it.asOf, actorID(a), b)
	if err != nil {
		return fmt.Errorf("record disposal: %w", err)
	}
	return nil
}

// LegalHoldInput sets or clears a legal hold, with the reason (e.g. an appeal or an order under fine).
type LegalHoldInput struct {
	Hold   *bool  `json:"hold" binding:"required"`
	Reason string `json:"reason" binding:"required,min=3,max=2000"`
}

// SetLegalHold stops (or allows again) the disposal of a case. The huvudman's administrator or
// the school's rektor decides it; the change is on the timeline and in the audit log.
func (s *Store) SetLegalHold(ctx context.Context, a *narvaro.Actor, caseID int64, in LegalHoldInput) error {
	if a == nil {
		return narvaro.Unauthorized()
	}
	if a.Role != narvaro.RoleAdmin && a.Role != narvaro.RoleRektor {
		return narvaro.Forbidden()
	}
	hold := in.Hold != nil && *in.Hold
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadCase(ctx, tx, a, caseID, auth.Visible, true)
		if err != nil {
			return err
		}
		if c.LegalHold == hold {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET legal_hold = $2, updated_at = now() WHERE id = $1`, caseID, hold); err != nil {
			return fmt.Errorf("set legal hold: %w", err)
		}
		kind, summary := "legal_hold_set", "Bevarandebeslut (gallras inte): "
		if !hold {
			kind, summary = "legal_hold_cleared", "Bevarandebeslut upphävt: "
		}
		if err := addEvent(ctx, tx, s.Now(), caseID, a, kind, nil, nil, summary+strings.TrimSpace(in.Reason)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Update, Entity: "case", EntityID: caseID, StudentID: c.StudentID,
			SchoolID: c.SchoolID, Detail: map[string]any{"legal_hold": hold, "reason": strings.TrimSpace(in.Reason)}})
	})
}
