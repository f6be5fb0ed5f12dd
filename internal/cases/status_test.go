package cases_test

import (
	"fmt"
	"testing"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// allowed is the specification of domain brief §4–§5, written out by hand: every step that may
// be taken, from which status, by which roles, and where it leads (with and without an approved
// plan in force). Every combination not listed here must be refused.
var allowed = []struct {
	from               cases.Status
	action             cases.Action
	roles              []narvaro.Role
	to, toWithApproved cases.Status
}{
	{cases.Reported, cases.StartInvestigation, rektorOnly, cases.Investigating, cases.Investigating},
	{cases.Reported, cases.DeclineInvestigation, rektorOnly, cases.NotInvestigated, cases.NotInvestigated},
	{cases.Investigating, cases.CompleteInvestigation, teamRoles, cases.Planning, cases.Planning},
	{cases.Investigating, cases.Close, teamRoles, cases.Closed, cases.Closed},
	{cases.Planning, cases.SubmitPlan, teamRoles, cases.PlanSubmitted, cases.PlanSubmitted},
	{cases.Planning, cases.Close, teamRoles, cases.Closed, cases.Closed},
	{cases.PlanSubmitted, cases.ApprovePlan, rektorOnly, cases.Active, cases.Active},
	{cases.PlanSubmitted, cases.ReturnPlan, rektorOnly, cases.Planning, cases.Active},
	{cases.PlanSubmitted, cases.RejectPlan, rektorOnly, cases.Planning, cases.Active},
	{cases.Active, cases.SubmitPlan, teamRoles, cases.PlanSubmitted, cases.PlanSubmitted},
	{cases.Active, cases.Close, teamRoles, cases.Closed, cases.Closed},
	{cases.Closed, cases.Reopen, teamRoles, cases.Reported, cases.Reported},
	{cases.NotInvestigated, cases.Reopen, teamRoles, cases.Reported, cases.Reported},
}

var (
	rektorOnly = []narvaro.Role{narvaro.RoleRektor}
	teamRoles  = []narvaro.Role{narvaro.RoleEHT, narvaro.RoleRektor}
)

func TestEveryStatusActionAndRole(t *testing.T) {
	type key struct {
		from   cases.Status
		action cases.Action
	}
	spec := map[key]int{}
	for i, a := range allowed {
		spec[key{a.from, a.action}] = i
	}
	for _, from := range cases.Statuses {
		for _, action := range cases.Actions {
			for _, role := range narvaro.Roles {
				for _, approved := range []bool{false, true} {
					name := fmt.Sprintf("%s/%s/%s/approved=%v", from, action, role, approved)
					t.Run(name, func(t *testing.T) {
						got, err := cases.Next(from, action, role, cases.Facts{HasApprovedPlan: approved})
						i, listed := spec[key{from, action}]
						switch {
						case !listed:
							if narvaro.ErrorCode(err) != narvaro.CodeConflict {
								t.Fatalf("got %s, %v; want a conflict: the step is not possible from %s", got, err, from)
							}
							if got != from {
								t.Fatalf("a refused step moved the case to %s", got)
							}
						case !contains(allowed[i].roles, role):
							if narvaro.ErrorCode(err) != narvaro.CodeForbidden {
								t.Fatalf("got %s, %v; want forbidden for %s", got, err, role)
							}
						default:
							want := allowed[i].to
							if approved {
								want = allowed[i].toWithApproved
							}
							if err != nil || got != want {
								t.Fatalf("got %s, %v; want %s", got, err, want)
							}
						}
					})
				}
			}
		}
	}
}

func TestStateMachineMatchesSpecification(t *testing.T) {
	if got, want := len(cases.Transitions()), len(allowed); got != want {
		t.Fatalf("the state machine has %d transitions, the specification %d", got, want)
	}
}

// Every status pair: which direct moves exist at all. Pairs not listed are unreachable in one step.
func TestEveryStatusPair(t *testing.T) {
	reachable := map[[2]cases.Status]bool{}
	for _, a := range allowed {
		reachable[[2]cases.Status{a.from, a.to}] = true
		reachable[[2]cases.Status{a.from, a.toWithApproved}] = true
	}
	for _, from := range cases.Statuses {
		for _, to := range cases.Statuses {
			canMove := false
			for _, action := range cases.Actions {
				for _, approved := range []bool{false, true} {
					got, err := cases.Next(from, action, narvaro.RoleRektor, cases.Facts{HasApprovedPlan: approved})
					if err == nil && got == to {
						canMove = true
					}
				}
			}
			if canMove != reachable[[2]cases.Status{from, to}] {
				t.Errorf("%s → %s: reachable in one step = %v, specification says %v", from, to, canMove, reachable[[2]cases.Status{from, to}])
			}
		}
	}
}

func TestActivities(t *testing.T) {
	tests := []struct {
		status   cases.Status
		activity cases.Activity
		role     narvaro.Role
		want     narvaro.Code
	}{
		// A report of concern is never gated: any role, any status, also closed cases.
		{cases.Reported, cases.ReportConcern, narvaro.RoleMentor, ""},
		{cases.Closed, cases.ReportConcern, narvaro.RoleAdmin, ""},
		{cases.PlanSubmitted, cases.ReportConcern, narvaro.RoleEHT, ""},
		{cases.NotInvestigated, cases.ReportConcern, narvaro.RoleMentor, ""},
		// Other escalations belong to the team.
		{cases.Active, cases.RecordEscalation, narvaro.RoleEHT, ""},
		{cases.Active, cases.RecordEscalation, narvaro.RoleMentor, narvaro.CodeForbidden},
		// Follow-ups only while an approved plan is in force.
		{cases.Active, cases.RecordFollowUp, narvaro.RoleEHT, ""},
		{cases.Planning, cases.RecordFollowUp, narvaro.RoleEHT, narvaro.CodeConflict},
		{cases.Active, cases.RecordFollowUp, narvaro.RoleMentor, narvaro.CodeForbidden},
		{cases.Active, cases.RecordFollowUp, narvaro.RoleAdmin, narvaro.CodeForbidden},
		// The investigation is edited while it runs.
		{cases.Investigating, cases.EditInvestigation, narvaro.RoleEHT, ""},
		{cases.Planning, cases.EditInvestigation, narvaro.RoleEHT, narvaro.CodeConflict},
		// Mentors log guardian contacts.
		{cases.Investigating, cases.RecordContact, narvaro.RoleMentor, ""},
		{cases.Investigating, cases.RecordContact, narvaro.RoleAdmin, narvaro.CodeForbidden},
		// Plans are drafted in planning and as revisions while active.
		{cases.Planning, cases.DraftPlan, narvaro.RoleEHT, ""},
		{cases.Active, cases.DraftPlan, narvaro.RoleRektor, ""},
		{cases.PlanSubmitted, cases.DraftPlan, narvaro.RoleEHT, narvaro.CodeConflict},
		// Only the rektor sends notices.
		{cases.Investigating, cases.SendNotice, narvaro.RoleRektor, ""},
		{cases.Investigating, cases.SendNotice, narvaro.RoleEHT, narvaro.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.status, tt.activity, tt.role), func(t *testing.T) {
			err := cases.MayRecord(tt.status, tt.activity, tt.role)
			if got := narvaro.ErrorCode(err); got != tt.want {
				t.Fatalf("MayRecord = %v, want %q", err, tt.want)
			}
		})
	}
}

func contains(roles []narvaro.Role, r narvaro.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
