// Package cases is the workflow of domain brief §4: a case moves from report to investigation,
// remedy plan, the rektor's decision, follow-ups and closure. The state machine below is the one
// statement of which step may follow which, who may take it and what it needs.
package cases

import (
	"slices"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Status is where a case stands.
type Status string

const (
	Reported        Status = "reported"         // anmäld, awaiting the rektor's assessment
	NotInvestigated Status = "not_investigated" // the rektor found an investigation clearly unnecessary
	Investigating   Status = "investigating"    // utredning pågår; the clock runs
	Planning        Status = "planning"         // investigation done, remedy plan being drawn up
	PlanSubmitted   Status = "plan_submitted"   // awaiting the rektor's decision
	Active          Status = "active"           // an approved plan is in force; follow-ups
	Closed          Status = "closed"
)

// Statuses in process order.
var Statuses = []Status{Reported, NotInvestigated, Investigating, Planning, PlanSubmitted, Active, Closed}

// Label names the status for people.
func (s Status) Label() narvaro.Text {
	switch s {
	case Reported:
		return narvaro.Text{SV: "Anmäld – inväntar rektors bedömning", EN: "Reported – awaiting the principal's assessment"}
	case NotInvestigated:
		return narvaro.Text{SV: "Utredning behövs inte", EN: "Investigation not needed"}
	case Investigating:
		return narvaro.Text{SV: "Utredning pågår", EN: "Investigation in progress"}
	case Planning:
		return narvaro.Text{SV: "Åtgärdsplan upprättas", EN: "Remedy plan being drawn up"}
	case PlanSubmitted:
		return narvaro.Text{SV: "Åtgärdsplan inväntar beslut", EN: "Remedy plan awaiting decision"}
	case Active:
		return narvaro.Text{SV: "Åtgärder pågår", EN: "Measures in progress"}
	case Closed:
		return narvaro.Text{SV: "Avslutad", EN: "Closed"}
	}
	return narvaro.Text{SV: string(s), EN: string(s)}
}

// Open reports whether work on the case is still going on.
func (s Status) Open() bool { return s != Closed && s != NotInvestigated }

// Action is a step that moves a case from one status to another.
type Action string

const (
	StartInvestigation    Action = "start_investigation"
	DeclineInvestigation  Action = "decline_investigation"
	CompleteInvestigation Action = "complete_investigation"
	SubmitPlan            Action = "submit_plan"
	ApprovePlan           Action = "approve_plan"
	ReturnPlan            Action = "return_plan"
	RejectPlan            Action = "reject_plan"
	Close                 Action = "close"
	Reopen                Action = "reopen"
)

// Actions lists every transition action.
var Actions = []Action{StartInvestigation, DeclineInvestigation, CompleteInvestigation, SubmitPlan,
	ApprovePlan, ReturnPlan, RejectPlan, Close, Reopen}

// Label names the action for people (timeline, buttons).
func (a Action) Label() narvaro.Text {
	switch a {
	case StartInvestigation:
		return narvaro.Text{SV: "Utredning inledd", EN: "Investigation started"}
	case DeclineInvestigation:
		return narvaro.Text{SV: "Utredning behövs inte", EN: "Investigation not needed"}
	case CompleteInvestigation:
		return narvaro.Text{SV: "Utredning slutförd", EN: "Investigation completed"}
	case SubmitPlan:
		return narvaro.Text{SV: "Åtgärdsplan lämnad till rektor", EN: "Remedy plan submitted to the principal"}
	case ApprovePlan:
		return narvaro.Text{SV: "Åtgärdsplan fastställd", EN: "Remedy plan approved"}
	case ReturnPlan:
		return narvaro.Text{SV: "Åtgärdsplan återremitterad", EN: "Remedy plan returned"}
	case RejectPlan:
		return narvaro.Text{SV: "Åtgärdsplan avslagen", EN: "Remedy plan rejected"}
	case Close:
		return narvaro.Text{SV: "Ärendet avslutat", EN: "Case closed"}
	case Reopen:
		return narvaro.Text{SV: "Ärendet återöppnat", EN: "Case reopened"}
	}
	return narvaro.Text{SV: string(a), EN: string(a)}
}

// Facts are what the state machine needs to know about a case beyond its status.
type Facts struct {
	HasApprovedPlan bool // a decision that returns or rejects a revision leaves the approved plan in force
}

// Transition is one allowed step.
type Transition struct {
	From     Status
	Action   Action
	Roles    []narvaro.Role
	Requires narvaro.Text // what must be recorded first; checked by the step's own rule
}

var (
	team        = []narvaro.Role{narvaro.RoleEHT, narvaro.RoleRektor}
	rektor      = []narvaro.Role{narvaro.RoleRektor}
	noRequisite = narvaro.Text{}
)

// transitions is the whole state machine.
var transitions = []Transition{
	{Reported, StartInvestigation, rektor, narvaro.Text{SV: "Skäl till bedömningen", EN: "Reasons for the assessment"}},
	{Reported, DeclineInvestigation, rektor, narvaro.Text{SV: "Skäl till att utredning inte behövs", EN: "Reasons why no investigation is needed"}},
	{Investigating, CompleteInvestigation, team, narvaro.Text{
		SV: "Samråd med eleven, vårdnadshavarna och elevhälsan (eller skäl till att det inte gick), slutsats och hjulbedömning",
		EN: "Consultation with the student, the guardians and student health (or why it was not possible), a conclusion and a wheel assessment"}},
	{Planning, SubmitPlan, team, narvaro.Text{SV: "Minst en åtgärd, var och en kopplad till minst ett område", EN: "At least one measure, each linked to at least one domain"}},
	{Active, SubmitPlan, team, narvaro.Text{SV: "En reviderad plan med minst en åtgärd", EN: "A revised plan with at least one measure"}},
	{PlanSubmitted, ApprovePlan, rektor, noRequisite},
	{PlanSubmitted, ReturnPlan, rektor, narvaro.Text{SV: "Kommentarer", EN: "Comments"}},
	{PlanSubmitted, RejectPlan, rektor, narvaro.Text{SV: "Skäl till avslaget", EN: "Reasons for the rejection"}},
	{Investigating, Close, team, narvaro.Text{SV: "Avslutsorsak, slutlig närvaro och barnets syn", EN: "Closure reason, final attendance and the child's view"}},
	{Planning, Close, team, narvaro.Text{SV: "Avslutsorsak, slutlig närvaro och barnets syn", EN: "Closure reason, final attendance and the child's view"}},
	{Active, Close, team, narvaro.Text{SV: "Avslutsorsak, slutlig närvaro och barnets syn", EN: "Closure reason, final attendance and the child's view"}},
	{Closed, Reopen, team, narvaro.Text{SV: "Skäl till att ärendet återöppnas", EN: "Reason for reopening"}},
	{NotInvestigated, Reopen, team, narvaro.Text{SV: "Skäl till att ärendet återöppnas", EN: "Reason for reopening"}},
}

// Transitions returns a copy of the state machine, for documentation and tests.
func Transitions() []Transition { return slices.Clone(transitions) }

// target is where an allowed step leads.
func target(from Status, a Action, f Facts) Status {
	switch a {
	case StartInvestigation:
		return Investigating
	case DeclineInvestigation:
		return NotInvestigated
	case CompleteInvestigation:
		return Planning
	case SubmitPlan:
		return PlanSubmitted
	case ApprovePlan:
		return Active
	case ReturnPlan, RejectPlan:
		if f.HasApprovedPlan {
			return Active
		}
		return Planning
	case Close:
		return Closed
	case Reopen:
		return Reported
	}
	return from
}

// Next decides whether role may take action a on a case in status from, and where it leads.
// It checks the state machine only; each step's rule checks what the step must record.
func Next(from Status, a Action, role narvaro.Role, f Facts) (Status, error) {
	for _, t := range transitions {
		if t.From != from || t.Action != a {
			continue
		}
		if !slices.Contains(t.Roles, role) {
			return from, narvaro.Errorf(narvaro.CodeForbidden,
				"Din roll får inte ta det här steget: "+a.Label().SV+".",
				"Your role may not take this step: "+a.Label().EN+".")
		}
		return target(from, a, f), nil
	}
	return from, narvaro.Errorf(narvaro.CodeConflict,
		"Steget \""+a.Label().SV+"\" går inte när ärendet har status \""+from.Label().SV+"\".",
		"The step \""+a.Label().EN+"\" is not possible while the case is \""+from.Label().EN+"\".")
}

// Activity is work recorded on a case that does not change its status.
type Activity string

const (
	EditInvestigation Activity = "edit_investigation"
	RecordAssessment  Activity = "record_assessment"
	DraftPlan         Activity = "draft_plan"
	RecordFollowUp    Activity = "record_followup"
	RecordContact     Activity = "record_contact"
	RecordEscalation  Activity = "record_escalation"
	ReportConcern     Activity = "report_concern"
	SendNotice        Activity = "send_notice"
)

// activities says in which statuses each activity may be recorded and by whom. A report of
// concern to social services is a personal duty of every staff member: never gated.
var activities = map[Activity]struct {
	statuses []Status
	roles    []narvaro.Role
}{
	EditInvestigation: {[]Status{Investigating}, team},
	RecordAssessment:  {[]Status{Reported, Investigating, Planning, PlanSubmitted, Active}, team},
	DraftPlan:         {[]Status{Planning, Active}, team},
	RecordFollowUp:    {[]Status{Active}, team},
	RecordContact:     {Statuses, []narvaro.Role{narvaro.RoleMentor, narvaro.RoleEHT, narvaro.RoleRektor}},
	RecordEscalation:  {Statuses, team},
	ReportConcern:     {Statuses, narvaro.Roles},
	SendNotice:        {Statuses, rektor},
}

// MayRecord decides whether role may record the activity on a case in the status.
func MayRecord(s Status, act Activity, role narvaro.Role) error {
	rule, ok := activities[act]
	if !ok || !slices.Contains(rule.roles, role) {
		return narvaro.Forbidden()
	}
	if !slices.Contains(rule.statuses, s) {
		return narvaro.Errorf(narvaro.CodeConflict,
			"Det går inte när ärendet har status \""+s.Label().SV+"\".",
			"That is not possible while the case is \""+s.Label().EN+"\".")
	}
	return nil
}
