package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/report"
)

// PeriodReport computes the period report for the administrator's huvudman (one school unit or
// all) and records the export in the audit log. The counts are exact: callers Publish the report
// before it leaves the administration.
func (s *Store) PeriodReport(ctx context.Context, a *narvaro.Actor, p report.Params, format string) (*report.Report, error) {
	if err := auth.Allow(a, auth.ViewReports); err != nil {
		return nil, err
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	if p.SchoolID != 0 && !a.InSchool(p.SchoolID) {
		return nil, narvaro.NotFound("Skolenheten", "The school unit")
	}
	return s.periodReport(ctx, a, a.HuvudmanID, p, format)
}

// SystemPeriodReport is the report for a scheduled run, without a signed-in user: the huvudman
// is named by its organisation number, or may be left out when there is only one. The export is
// audited as done by "system".
func (s *Store) SystemPeriodReport(ctx context.Context, orgNumber string, p report.Params, format string) (*report.Report, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	var ids []int64
	err := s.DB.SelectContext(ctx, &ids, `SELECT id FROM huvudman WHERE $1 = '' OR org_number = $1 ORDER BY id`, strings.TrimSpace(orgNumber))
	if err != nil {
		return nil, translate(fmt.Errorf("find huvudman: %w", err))
	}
	switch {
	case len(ids) == 0:
		return nil, narvaro.NotFound("Huvudmannen", "The governing body")
	case len(ids) > 1:
		return nil, narvaro.Invalid("huvudman", "Det finns flera huvudmän; ange organisationsnummer.",
			"There are several governing bodies; give the organisation number.")
	}
	return s.periodReport(ctx, nil, ids[0], p, format)
}

const reportTZ = "'Europe/Stockholm'"

// day converts a timestamp column to its Swedish calendar date.
func sqlDay(col string) string { return "(" + col + " AT TIME ZONE " + reportTZ + ")::date" }

func (s *Store) periodReport(ctx context.Context, a *narvaro.Actor, huvudmanID int64, p report.Params, format string) (*report.Report, error) {
	r := &report.Report{From: p.From, To: p.To, Weeks: p.Weeks, SchoolID: p.SchoolID, AsOf: s.today(), GeneratedAt: s.Now(),
		Investigations: report.InvestigationFigures{DueDaysTarget: s.Settings.Deadlines.InvestigationDays}}
	// One snapshot: every figure describes the same moment even while cases change.
	tx, err := s.DB.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, translate(fmt.Errorf("begin report: %w", err))
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	q := reportQuery{ctx: ctx, tx: tx, r: r, p: p, huvudman: huvudmanID}
	for _, step := range []func() error{q.scope, q.students, q.signals, q.cases, q.decisionDays, q.notices, q.followUps,
		q.escalations, q.closures, func() error { return q.domains(s.wheelRefs()) }, func() error { return q.effect(s.wheelRefs()) }, q.months} {
		if err := step(); err != nil {
			return nil, translate(err)
		}
	}
	entry := audit.Entry{Action: audit.Export, Entity: "period_report", SchoolID: p.SchoolID, Detail: map[string]any{
		"huvudman_id": huvudmanID, "from": p.From.String(), "to": p.To.String(), "school_id": p.SchoolID, "weeks": p.Weeks, "format": format}}
	if err := writeAudit(ctx, tx, a, entry); err != nil {
		return nil, translate(err)
	}
	if err := tx.Commit(); err != nil {
		return nil, translate(fmt.Errorf("commit report: %w", err))
	}
	return r, nil
}

func (s *Store) wheelRefs() []report.DomainRef {
	var refs []report.DomainRef
	if s.Settings.Wheel == nil {
		return refs
	}
	for _, d := range s.Settings.Wheel.Domains() {
		refs = append(refs, report.DomainRef{Key: d.Key, Label: d.Label.SV})
	}
	return refs
}

// reportQuery runs the report's aggregates in one transaction; each method fills a part.
type reportQuery struct {
	ctx      context.Context
	tx       *sqlx.Tx
	r        *report.Report
	p        report.Params
	huvudman int64
	schools  pq.Int64Array
	bySchool map[int64]*report.SchoolRow
}

func (q *reportQuery) scope() error {
	var h narvaro.Huvudman
	if err := q.tx.GetContext(q.ctx, &h, `SELECT id, name, org_number, kind, municipality_code, case_number_prefix, created_at FROM huvudman WHERE id = $1`, q.huvudman); err != nil {
		return fmt.Errorf("report huvudman: %w", err)
	}
	q.r.Huvudman, q.r.HuvudmanOrgNumber = h.Name, h.OrgNumber
	var schools []narvaro.School
	if err := q.tx.SelectContext(q.ctx, &schools, `SELECT id, huvudman_id, name, school_unit_code, municipality_code, created_at FROM schools WHERE huvudman_id = $1 AND ($2::bigint = 0 OR id = $2)
		ORDER BY name, id`, q.huvudman, q.p.SchoolID); err != nil {
		return fmt.Errorf("report schools: %w", err)
	}
	if q.p.SchoolID != 0 {
		if len(schools) == 0 {
			return narvaro.NotFound("Skolenheten", "The school unit")
		}
		q.r.School, q.r.SchoolUnitCode = schools[0].Name, schools[0].SchoolUnitCode
	}
	q.r.Schools = make([]report.SchoolRow, len(schools))
	q.bySchool = map[int64]*report.SchoolRow{}
	for i, sc := range schools {
		q.r.Schools[i] = report.SchoolRow{ID: sc.ID, Name: sc.Name, SchoolUnitCode: sc.SchoolUnitCode}
		q.bySchool[sc.ID] = &q.r.Schools[i]
		q.schools = append(q.schools, sc.ID)
	}
	return nil
}

// row returns the school's row, or nil for the total row of a GROUPING SETS query.
func (q *reportQuery) row(id *int64) *report.SchoolRow {
	if id == nil {
		return nil
	}
	return q.bySchool[*id]
}

func (q *reportQuery) students() error {
	var rows []struct {
		SchoolID *int64 `db:"school_id"`
		N        int    `db:"n"`
	}
	if err := q.tx.SelectContext(q.ctx, &rows, `SELECT school_id, count(*) AS n FROM students WHERE school_id = ANY($1)
		GROUP BY GROUPING SETS ((school_id), ())`, q.schools); err != nil {
		return fmt.Errorf("report students: %w", err)
	}
	for _, x := range rows {
		if s := q.row(x.SchoolID); s != nil {
			s.Students = report.C(x.N)
		} else if x.SchoolID == nil {
			q.r.Students = report.C(x.N)
		}
	}
	return nil
}

func (q *reportQuery) signals() error {
	var rows []struct {
		SchoolID *int64 `db:"school_id"`
		Signals  int    `db:"signals"`
		Flagged  int    `db:"flagged"`
	}
	if err := q.tx.SelectContext(q.ctx, &rows, `SELECT school_id, count(*) AS signals, count(DISTINCT student_id) AS flagged
		FROM signals WHERE school_id = ANY($1) AND `+sqlDay("created_at")+` BETWEEN $2 AND $3
		GROUP BY GROUPING SETS ((school_id), ())`, q.schools, q.p.From, q.p.To); err != nil {
		return fmt.Errorf("report signals: %w", err)
	}
	for _, x := range rows {
		if s := q.row(x.SchoolID); s != nil {
			s.Flagged = report.C(x.Flagged)
		} else if x.SchoolID == nil {
			q.r.Flagged, q.r.Signals = report.C(x.Flagged), report.C(x.Signals)
		}
	}
	return nil
}

// cases counts the cases by what happened to them in the period, per school and in total.
// "Ongoing" is open at the end of the period: opened by then, and neither closed nor decided
// "investigation not needed" by then.
func (q *reportQuery) cases() error {
	inPeriod := func(col string) string { return sqlDay(col) + " BETWEEN $3 AND $4" }
	started := inPeriod("c.investigation_started_at")
	completed := sqlDay("c.investigation_completed_at")
	var rows []struct {
		SchoolID    *int64        `db:"school_id"`
		Opened      int           `db:"opened"`
		Ongoing     int           `db:"ongoing"`
		Closed      int           `db:"closed"`
		Started     int           `db:"started"`
		NotNeeded   int           `db:"not_needed"`
		OnTime      int           `db:"inv_on_time"`
		Late        int           `db:"inv_late"`
		OpenOverdue int           `db:"inv_open_overdue"`
		OpenPending int           `db:"inv_open_pending"`
		Ended       int           `db:"inv_ended"`
		Durations   pq.Int64Array `db:"durations"`
	}
	err := q.tx.SelectContext(q.ctx, &rows, `
		SELECT c.school_id,
			count(*) FILTER (WHERE `+inPeriod("c.opened_at")+`) AS opened,
			count(*) FILTER (WHERE `+sqlDay("c.opened_at")+` <= $4
				AND NOT COALESCE(`+sqlDay("c.closed_at")+` <= $4, false)
				AND NOT (c.assessment = 'not_needed' AND COALESCE(`+sqlDay("c.assessed_at")+` <= $4, false))) AS ongoing,
			count(*) FILTER (WHERE `+inPeriod("c.closed_at")+`) AS closed,
			count(*) FILTER (WHERE `+started+`) AS started,
			count(*) FILTER (WHERE c.assessment = 'not_needed' AND `+inPeriod("c.assessed_at")+`) AS not_needed,
			count(*) FILTER (WHERE `+started+` AND `+completed+` <= c.investigation_due) AS inv_on_time,
			count(*) FILTER (WHERE `+started+` AND `+completed+` > c.investigation_due) AS inv_late,
			count(*) FILTER (WHERE `+started+` AND c.investigation_completed_at IS NULL AND c.status = 'investigating' AND c.investigation_due < $5) AS inv_open_overdue,
			count(*) FILTER (WHERE `+started+` AND c.investigation_completed_at IS NULL AND c.status = 'investigating' AND c.investigation_due >= $5) AS inv_open_pending,
			count(*) FILTER (WHERE `+started+` AND c.investigation_completed_at IS NULL AND c.status <> 'investigating') AS inv_ended,
			COALESCE(array_agg(`+completed+` - `+sqlDay("c.investigation_started_at")+`)
				FILTER (WHERE `+started+` AND c.investigation_completed_at IS NOT NULL), '{}') AS durations
		FROM cases c
		WHERE c.huvudman_id = $1 AND c.school_id = ANY($2)
		GROUP BY GROUPING SETS ((c.school_id), ())`, q.huvudman, q.schools, q.p.From, q.p.To, q.r.AsOf)
	if err != nil {
		return fmt.Errorf("report cases: %w", err)
	}
	for _, x := range rows {
		if s := q.row(x.SchoolID); s != nil {
			s.Opened, s.Ongoing, s.Closed, s.Started = report.C(x.Opened), report.C(x.Ongoing), report.C(x.Closed), report.C(x.Started)
			s.InvestigationsLate = report.C(x.Late + x.OpenOverdue)
			continue
		}
		if x.SchoolID != nil {
			continue
		}
		r := q.r
		r.Cases = report.CaseFigures{Opened: report.C(x.Opened), Ongoing: report.C(x.Ongoing), Closed: report.C(x.Closed)}
		r.Assessments.Started, r.Assessments.NotNeeded = report.C(x.Started), report.C(x.NotNeeded)
		inv := &r.Investigations
		inv.Started, inv.OnTime, inv.Late = report.C(x.Started), report.C(x.OnTime), report.C(x.Late)
		inv.OpenOverdue, inv.OpenPending, inv.Ended = report.C(x.OpenOverdue), report.C(x.OpenPending), report.C(x.Ended)
		inv.OnTimeShare = report.ShareOf(x.OnTime, x.OnTime+x.Late)
		inv.DurationDays = report.Summarize(reportInts(x.Durations))
	}
	return nil
}

// decisionDays is the time from the signal to the rektor's decision (either way) for cases
// opened from a signal and decided in the period.
func (q *reportQuery) decisionDays() error {
	var days pq.Int64Array
	if err := q.tx.GetContext(q.ctx, &days, `
		SELECT COALESCE(array_agg(`+sqlDay("c.assessed_at")+` - `+sqlDay("g.created_at")+`), '{}')
		FROM cases c JOIN signals g ON g.id = c.signal_id
		WHERE c.huvudman_id = $1 AND c.school_id = ANY($2) AND `+sqlDay("c.assessed_at")+` BETWEEN $3 AND $4`,
		q.huvudman, q.schools, q.p.From, q.p.To); err != nil {
		return fmt.Errorf("report decision days: %w", err)
	}
	q.r.Assessments.SignalToDecision = report.Summarize(reportInts(days))
	return nil
}

// notices follows the notice to the huvudman of each investigation started in the period (the
// latest one, should a reopened case have started twice) against its due day.
func (q *reportQuery) notices() error {
	var rows []struct {
		SchoolID      *int64        `db:"school_id"`
		Total         int           `db:"total"`
		OnTime        int           `db:"on_time"`
		Late          int           `db:"late"`
		UnsentOverdue int           `db:"unsent_overdue"`
		UnsentPending int           `db:"unsent_pending"`
		Days          pq.Int64Array `db:"days"`
	}
	err := q.tx.SelectContext(q.ctx, &rows, `
		WITH n AS (
			SELECT DISTINCT ON (c.id) c.school_id, `+sqlDay("c.investigation_started_at")+` AS started, n.due_on, `+sqlDay("n.sent_at")+` AS sent
			FROM cases c JOIN notices n ON n.case_id = c.id AND n.kind = 'investigation_started'
			WHERE c.huvudman_id = $1 AND c.school_id = ANY($2) AND `+sqlDay("c.investigation_started_at")+` BETWEEN $3 AND $4
			ORDER BY c.id, n.id DESC)
		SELECT school_id, count(*) AS total,
			count(*) FILTER (WHERE sent <= due_on) AS on_time,
			count(*) FILTER (WHERE sent > due_on) AS late,
			count(*) FILTER (WHERE sent IS NULL AND due_on < $5) AS unsent_overdue,
			count(*) FILTER (WHERE sent IS NULL AND due_on >= $5) AS unsent_pending,
			COALESCE(array_agg(sent - started) FILTER (WHERE sent IS NOT NULL), '{}') AS days
		FROM n GROUP BY GROUPING SETS ((school_id), ())`, q.huvudman, q.schools, q.p.From, q.p.To, q.r.AsOf)
	if err != nil {
		return fmt.Errorf("report notices: %w", err)
	}
	for _, x := range rows {
		if s := q.row(x.SchoolID); s != nil {
			s.NoticesLate = report.C(x.Late + x.UnsentOverdue)
			continue
		}
		if x.SchoolID != nil {
			continue
		}
		q.r.Notices = report.NoticeFigures{Total: report.C(x.Total), OnTime: report.C(x.OnTime), Late: report.C(x.Late),
			UnsentOverdue: report.C(x.UnsentOverdue), UnsentPending: report.C(x.UnsentPending),
			OnTimeShare: report.ShareOf(x.OnTime, x.OnTime+x.Late), StartToSent: report.Summarize(reportInts(x.Days))}
	}
	return nil
}

// followUps judges each follow-up date falling in the period: a measure's follow-up date (from
// the plan's approval) or the next date set at a follow-up (from that meeting). It was kept on
// time when a follow-up was held after it was set and no later than the date, late when the
// first one came after it, and missed when none has been held, the date has passed and the case
// was still open on it. Dates not yet reached and not yet met are not judged.
func (q *reportQuery) followUps() error {
	var x struct {
		Held   int `db:"held"`
		OnTime int `db:"on_time"`
		Late   int `db:"late"`
		Missed int `db:"missed"`
	}
	err := q.tx.GetContext(q.ctx, &x, `
		WITH scoped AS (
			SELECT id, `+sqlDay("closed_at")+` AS closed_on FROM cases WHERE huvudman_id = $1 AND school_id = ANY($2)
		), dues AS (
			SELECT DISTINCT p.case_id, m.follow_up_date AS due, `+sqlDay("p.decided_at")+` AS since, true AS same_day
			FROM measures m JOIN plans p ON p.id = m.plan_id JOIN scoped c ON c.id = p.case_id
			WHERE p.status IN ('approved', 'superseded') AND p.decided_at IS NOT NULL AND m.follow_up_date BETWEEN $3 AND $4
			UNION
			SELECT f.case_id, f.next_date, f.held_on, false
			FROM followups f JOIN scoped c ON c.id = f.case_id
			WHERE f.next_date BETWEEN $3 AND $4
		), judged AS (
			SELECT d.due, c.closed_on,
				(SELECT min(f.held_on) FROM followups f WHERE f.case_id = d.case_id
					AND (f.held_on > d.since OR (d.same_day AND f.held_on = d.since))) AS held
			FROM dues d JOIN scoped c ON c.id = d.case_id
		)
		SELECT
			(SELECT count(*) FROM followups f JOIN scoped c ON c.id = f.case_id WHERE f.held_on BETWEEN $3 AND $4) AS held,
			count(*) FILTER (WHERE held <= due) AS on_time,
			count(*) FILTER (WHERE held > due) AS late,
			count(*) FILTER (WHERE held IS NULL AND due < $5 AND NOT COALESCE(closed_on <= due, false)) AS missed
		FROM judged`, q.huvudman, q.schools, q.p.From, q.p.To, q.r.AsOf)
	if err != nil {
		return fmt.Errorf("report follow-ups: %w", err)
	}
	q.r.FollowUps = report.FollowUpFigures{Held: report.C(x.Held), Due: report.C(x.OnTime + x.Late + x.Missed),
		OnTime: report.C(x.OnTime), Late: report.C(x.Late), Missed: report.C(x.Missed),
		OnTimeShare: report.ShareOf(x.OnTime, x.OnTime+x.Late+x.Missed)}
	return nil
}

func (q *reportQuery) escalations() error {
	got, err := q.kindCounts(`SELECT e.kind, count(*) AS n FROM escalations e JOIN cases c ON c.id = e.case_id
		WHERE c.huvudman_id = $1 AND c.school_id = ANY($2) AND e.occurred_on BETWEEN $3 AND $4 GROUP BY e.kind`)
	if err != nil {
		return fmt.Errorf("report escalations: %w", err)
	}
	for _, k := range report.EscalationKinds {
		q.r.Escalations = append(q.r.Escalations, report.KindCount{Kind: k, Label: report.EscalationLabel(k), Count: report.C(got[k])})
	}
	return nil
}

func (q *reportQuery) closures() error {
	got, err := q.kindCounts(`SELECT COALESCE(c.closure_reason, 'other') AS kind, count(*) AS n FROM cases c
		WHERE c.huvudman_id = $1 AND c.school_id = ANY($2) AND ` + sqlDay("c.closed_at") + ` BETWEEN $3 AND $4 GROUP BY 1`)
	if err != nil {
		return fmt.Errorf("report closures: %w", err)
	}
	total := 0
	for _, k := range report.ClosureReasons {
		q.r.Closures.Reasons = append(q.r.Closures.Reasons, report.KindCount{Kind: k, Label: report.ClosureLabel(k), Count: report.C(got[k])})
		total += got[k]
	}
	q.r.Closures.Closed = report.C(total)
	q.r.Closures.RestoredShare = report.ShareOf(got["attendance_restored"], total)
	return nil
}

// kindCounts runs a query over ($1 huvudman, $2 schools, $3 from, $4 to) returning kind and n.
func (q *reportQuery) kindCounts(query string) (map[string]int, error) {
	var rows []struct {
		Kind string `db:"kind"`
		N    int    `db:"n"`
	}
	if err := q.tx.SelectContext(q.ctx, &rows, query, q.huvudman, q.schools, q.p.From, q.p.To); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, x := range rows {
		out[x.Kind] += x.N
	}
	return out, nil
}

// domains counts, per domain of the wheel: cases opened in the period with it as a concern, cases
// whose wheel assessments in the period rated it a concern, and measures addressing it in plans
// approved in the period.
func (q *reportQuery) domains(wheel []report.DomainRef) error {
	scope := `c.huvudman_id = $1 AND c.school_id = ANY($2)`
	concern, err := q.kindCounts(`SELECT d AS kind, count(*) AS n FROM cases c, unnest(c.concern_domains) AS d
		WHERE ` + scope + ` AND ` + sqlDay("c.opened_at") + ` BETWEEN $3 AND $4 GROUP BY d`)
	if err != nil {
		return fmt.Errorf("report concern domains: %w", err)
	}
	rated, err := q.kindCounts(`SELECT r.domain AS kind, count(DISTINCT a.case_id) AS n
		FROM wheel_ratings r JOIN wheel_assessments a ON a.id = r.assessment_id JOIN cases c ON c.id = a.case_id
		WHERE ` + scope + ` AND r.kind = 'concern' AND a.assessed_on BETWEEN $3 AND $4 GROUP BY r.domain`)
	if err != nil {
		return fmt.Errorf("report wheel concerns: %w", err)
	}
	measures, err := q.kindCounts(`SELECT d AS kind, count(*) AS n
		FROM measures m JOIN plans p ON p.id = m.plan_id JOIN cases c ON c.id = p.case_id, unnest(m.domains) AS d
		WHERE ` + scope + ` AND p.status IN ('approved', 'superseded') AND ` + sqlDay("p.decided_at") + ` BETWEEN $3 AND $4 GROUP BY d`)
	if err != nil {
		return fmt.Errorf("report measures per domain: %w", err)
	}
	q.r.Domains = report.DomainRows(wheel, concern, rated, measures)
	return nil
}

// effect reads each plan approved in the period with the student's absence in the weeks before
// the approval day and from it on (half-open windows of the same length). The attendance sums
// use the (student_id, day) primary key, so a year of daily rows costs one index range per plan.
func (q *reportQuery) effect(wheel []report.DomainRef) error {
	var rows []struct {
		Domains  pq.StringArray `db:"domains"`
		Complete bool           `db:"complete"`
		Before   *float64       `db:"before"`
		After    *float64       `db:"after"`
	}
	absence := func(cond string) string {
		return `(SELECT (100.0 * sum(a.valid_absence_minutes + a.invalid_absence_minutes) / NULLIF(sum(a.offered_minutes), 0))::float8
			FROM attendance_days a WHERE a.student_id = pl.student_id AND ` + cond + `)`
	}
	err := q.tx.SelectContext(q.ctx, &rows, `
		WITH pl AS (
			SELECT c.student_id, `+sqlDay("p.decided_at")+` AS d,
				ARRAY(SELECT DISTINCT x FROM measures m, unnest(m.domains) AS x WHERE m.plan_id = p.id ORDER BY x) AS domains
			FROM plans p JOIN cases c ON c.id = p.case_id
			WHERE c.huvudman_id = $1 AND c.school_id = ANY($2) AND p.status IN ('approved', 'superseded')
				AND p.decided_at IS NOT NULL AND `+sqlDay("p.decided_at")+` BETWEEN $3 AND $4)
		SELECT pl.domains, pl.d + 7 * $6::int <= $5 AS complete,
			`+absence("a.day >= pl.d - 7 * $6::int AND a.day < pl.d")+` AS before,
			`+absence("a.day >= pl.d AND a.day < pl.d + 7 * $6::int")+` AS after
		FROM pl`, q.huvudman, q.schools, q.p.From, q.p.To, q.r.AsOf, q.p.Weeks)
	if err != nil {
		return fmt.Errorf("report effect: %w", err)
	}
	plans := make([]report.PlanWindow, len(rows))
	for i, x := range rows {
		plans[i] = report.PlanWindow{Domains: x.Domains, Complete: x.Complete, Before: x.Before, After: x.After}
	}
	q.r.Effect = report.EffectOf(plans, wheel)
	return nil
}

// months is the trend: signals, cases opened, investigations started and cases closed per
// calendar month of the period.
func (q *reportQuery) months() error {
	var rows []struct {
		Month   narvaro.Date `db:"month"`
		Signals int          `db:"signals"`
		Opened  int          `db:"opened"`
		Started int          `db:"started"`
		Closed  int          `db:"closed"`
	}
	scope := ` FROM cases c WHERE c.huvudman_id = $1 AND c.school_id = ANY($2) AND `
	err := q.tx.SelectContext(q.ctx, &rows, `
		WITH ev AS (
			SELECT 's' AS k, `+sqlDay("g.created_at")+` AS d FROM signals g WHERE g.school_id = ANY($2) AND `+sqlDay("g.created_at")+` BETWEEN $3 AND $4
			UNION ALL SELECT 'o', `+sqlDay("c.opened_at")+scope+sqlDay("c.opened_at")+` BETWEEN $3 AND $4
			UNION ALL SELECT 'i', `+sqlDay("c.investigation_started_at")+scope+sqlDay("c.investigation_started_at")+` BETWEEN $3 AND $4
			UNION ALL SELECT 'c', `+sqlDay("c.closed_at")+scope+sqlDay("c.closed_at")+` BETWEEN $3 AND $4)
		SELECT m::date AS month,
			count(ev.k) FILTER (WHERE ev.k = 's') AS signals, count(ev.k) FILTER (WHERE ev.k = 'o') AS opened,
			count(ev.k) FILTER (WHERE ev.k = 'i') AS started, count(ev.k) FILTER (WHERE ev.k = 'c') AS closed
		FROM generate_series(date_trunc('month', $3::date::timestamp), $4::date::timestamp, interval '1 month') AS m
		LEFT JOIN ev ON date_trunc('month', ev.d::timestamp) = m
		GROUP BY m ORDER BY m`, q.huvudman, q.schools, q.p.From, q.p.To)
	if err != nil {
		return fmt.Errorf("report months: %w", err)
	}
	for _, x := range rows {
		q.r.Months = append(q.r.Months, report.MonthRow{Month: x.Month.Format("2006-01"), Label: report.MonthLabel(x.Month.Time),
			Signals: report.C(x.Signals), Opened: report.C(x.Opened), Started: report.C(x.Started), Closed: report.C(x.Closed)})
	}
	return nil
}

func reportInts(a pq.Int64Array) []int {
	out := make([]int, len(a))
	for i, v := range a {
		out[i] = int(v)
	}
	return out
}
