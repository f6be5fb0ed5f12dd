// Package report is the huvudman's period report on extensive absence: the figures as plain
// data, the privacy rules applied before anything leaves the administration (small counts shown
// as "< 5"), and the outputs — CSV for Excel, inline SVG charts for the web page and a PDF with
// the same charts as vector graphics.
//
// The figures are computed in SQL by internal/postgres, which fills a Report with exact counts.
// Publish then suppresses small counts and every figure derived from them; the renderers refuse
// a report that has not been published, so exact small numbers cannot leave by mistake.
//
// The report is aggregate only: it holds no names, no personal identity numbers and no free text
// from cases. Students with protected identity are counted like everybody else.
package report

import (
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// DefaultWeeks is the length of the windows before and after a plan's approval that "do the
// measures work" compares.
const DefaultWeeks = 4

// Params select a report: a date range (both days included), optionally one school unit.
type Params struct {
	From     narvaro.Date `json:"from"`
	To       narvaro.Date `json:"to"`
	SchoolID int64        `json:"school_id,omitempty"` // 0: every school unit of the huvudman
	Weeks    int          `json:"weeks"`               // 0 means DefaultWeeks
}

// maxSpanDays bounds a report to about five years: enough for any term or year, small enough
// that the monthly trend stays readable.
const maxSpanDays = 5*366 + 1

// Check validates the parameters and fills in the default window.
func (p *Params) Check() error {
	var pr narvaro.Problems
	if p.From.IsZero() {
		pr.Add("from", "Ange periodens första dag (ÅÅÅÅ-MM-DD).", "Give the period's first day (YYYY-MM-DD).")
	}
	if p.To.IsZero() {
		pr.Add("to", "Ange periodens sista dag (ÅÅÅÅ-MM-DD).", "Give the period's last day (YYYY-MM-DD).")
	}
	if !p.From.IsZero() && !p.To.IsZero() {
		switch {
		case p.To.Before(p.From):
			pr.Add("to", "Periodens sista dag ligger före den första.", "The period's last day is before its first.")
		case p.To.Sub(p.From.Time) > maxSpanDays*24*time.Hour:
			pr.Add("to", "Perioden får vara högst fem år.", "The period may be at most five years.")
		}
	}
	if p.Weeks == 0 {
		p.Weeks = DefaultWeeks
	}
	if p.Weeks < 1 || p.Weeks > 12 {
		pr.Add("weeks", "Antalet veckor före och efter ska vara 1–12.", "The weeks before and after must be 1–12.")
	}
	if p.SchoolID < 0 {
		pr.Add("school_id", "Skolenheten finns inte.", "The school unit does not exist.")
	}
	return pr.Err()
}

// Report is the period report. Counts are exact until Publish suppresses the small ones.
type Report struct {
	Huvudman          string       `json:"huvudman"`
	HuvudmanOrgNumber string       `json:"huvudman_org_number"`
	SchoolID          int64        `json:"school_id,omitempty"`
	School            string       `json:"school,omitempty"` // set when the report covers one school unit
	SchoolUnitCode    string       `json:"school_unit_code,omitempty"`
	From              narvaro.Date `json:"from"`
	To                narvaro.Date `json:"to"`
	// AsOf is the day deadlines still running are judged against (the day the report was made).
	AsOf        narvaro.Date `json:"as_of"`
	GeneratedAt time.Time    `json:"generated_at"`
	Weeks       int          `json:"weeks"`
	// SuppressBelow is the threshold Publish applied; counts from 1 to SuppressBelow-1 are hidden.
	SuppressBelow int  `json:"suppress_below"`
	Published     bool `json:"-"`

	Students       Count                `json:"students"` // enrolled now, in the schools covered
	Flagged        Count                `json:"flagged_students"`
	Signals        Count                `json:"signals"`
	Cases          CaseFigures          `json:"cases"`
	Assessments    AssessmentFigures    `json:"assessments"`
	Notices        NoticeFigures        `json:"notices"`
	Investigations InvestigationFigures `json:"investigations"`
	FollowUps      FollowUpFigures      `json:"followups"`
	Escalations    []KindCount          `json:"escalations"`
	Closures       ClosureFigures       `json:"closures"`
	Domains        []DomainRow          `json:"domains"`
	Effect         EffectFigures        `json:"effect"`
	Months         []MonthRow           `json:"months"`
	Schools        []SchoolRow          `json:"schools"`
}

// CaseFigures count cases by where they stand in the period.
type CaseFigures struct {
	Opened  Count `json:"opened"`  // opened (reported) in the period
	Ongoing Count `json:"ongoing"` // open at the end of the period
	Closed  Count `json:"closed"`  // closed in the period
}

// AssessmentFigures are the rektor's decisions made in the period.
type AssessmentFigures struct {
	Started   Count `json:"investigation_started"`
	NotNeeded Count `json:"investigation_not_needed"`
	// SignalToDecision is the days from the signal to the rektor's decision, for cases opened
	// from a signal and decided in the period.
	SignalToDecision Days `json:"signal_to_decision"`
}

// NoticeFigures follow the notices to the huvudman for investigations started in the period.
type NoticeFigures struct {
	Total         Count `json:"total"`
	OnTime        Count `json:"on_time"`        // sent on or before the due day
	Late          Count `json:"late"`           // sent after the due day
	UnsentOverdue Count `json:"unsent_overdue"` // not sent, due day passed
	UnsentPending Count `json:"unsent_pending"` // not sent, still within the time limit
	OnTimeShare   Share `json:"on_time_share"`  // of the notices sent
	// StartToSent is the days from the investigation's start to the notice being sent.
	StartToSent Days `json:"start_to_sent"`
}

// InvestigationFigures follow the investigations started in the period against their due day.
type InvestigationFigures struct {
	Started       Count `json:"started"`
	OnTime        Count `json:"completed_on_time"`
	Late          Count `json:"completed_late"`
	OpenOverdue   Count `json:"open_overdue"`
	OpenPending   Count `json:"open_pending"`
	Ended         Count `json:"ended_without_completion"` // the case closed before the investigation was completed
	OnTimeShare   Share `json:"on_time_share"`            // of those completed
	DurationDays  Days  `json:"duration"`                 // start to completion
	DueDaysTarget int   `json:"due_days_target,omitempty"`
}

// FollowUpFigures judge the follow-ups due in the period (a measure's follow-up date or the
// next date set at a follow-up) by whether a follow-up was held by then.
type FollowUpFigures struct {
	Held        Count `json:"held"` // follow-up meetings held in the period
	Due         Count `json:"due"`  // due dates in the period that have passed or were met
	OnTime      Count `json:"on_time"`
	Late        Count `json:"late"`
	Missed      Count `json:"missed"` // no follow-up yet, date passed, case still open then
	OnTimeShare Share `json:"on_time_share"`
}

// KindCount is a count of one kind (an escalation kind, a closure reason).
type KindCount struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Count Count  `json:"count"`
}

// ClosureFigures are the cases closed in the period by reason.
type ClosureFigures struct {
	Closed        Count       `json:"closed"`
	Reasons       []KindCount `json:"reasons"`
	RestoredShare Share       `json:"attendance_restored_share"`
}

// DomainRow is one domain of the wheel: how often it was a concern and how many measures
// addressed it.
type DomainRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// Cases opened in the period with the domain among the report's domains of concern.
	Cases Count `json:"cases"`
	// WheelConcerns counts cases whose wheel assessments in the period marked the domain a concern.
	WheelConcerns Count `json:"wheel_concerns"`
	// Measures in plans approved in the period that address the domain.
	Measures Count `json:"measures"`
}

// EffectFigures compare absence before and after plans approved in the period.
type EffectFigures struct {
	Overall   EffectRow   `json:"overall"`
	Domains   []EffectRow `json:"domains"`
	TooRecent Count       `json:"too_recent"` // the weeks after the approval have not passed yet
	NoData    Count       `json:"no_data"`    // no attendance records before or after
}

// EffectRow is the mean absence in the weeks before and after approval, over the plans whose
// measures address a domain (or all plans, for the overall row).
type EffectRow struct {
	Key      string   `json:"key,omitempty"`
	Label    string   `json:"label"`
	Plans    Count    `json:"plans"`
	Improved Count    `json:"improved"` // less absence after than before
	Before   *float64 `json:"before_percent"`
	After    *float64 `json:"after_percent"`
}

// Change is the difference in percentage points (negative: less absence), nil when unknown.
func (e EffectRow) Change() *float64 {
	if e.Before == nil || e.After == nil {
		return nil
	}
	d := *e.After - *e.Before
	return &d
}

// MonthRow is one month of the trend.
type MonthRow struct {
	Month   string `json:"month"` // "2026-09"
	Label   string `json:"label"` // "sep 2026"
	Signals Count  `json:"signals"`
	Opened  Count  `json:"opened"`
	Started Count  `json:"investigations_started"`
	Closed  Count  `json:"closed"`
}

// SchoolRow is one school unit's figures.
type SchoolRow struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	SchoolUnitCode string `json:"school_unit_code"`
	Students       Count  `json:"students"`
	Flagged        Count  `json:"flagged_students"`
	Opened         Count  `json:"opened"`
	Ongoing        Count  `json:"ongoing"`
	Closed         Count  `json:"closed"`
	Started        Count  `json:"investigations_started"`
	// NoticesLate counts notices to the huvudman sent late or overdue and unsent.
	NoticesLate Count `json:"notices_late"`
	// InvestigationsLate counts investigations completed late or open past their due day.
	InvestigationsLate Count `json:"investigations_late"`
}
