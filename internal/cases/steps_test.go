package cases_test

import (
	"testing"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

func defaultWheel(t *testing.T) *wheel.Wheel {
	t.Helper()
	c, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return c.Wheel
}

func ptr[T any](v T) *T { return &v }

func day(s string) narvaro.Date { d, _ := narvaro.ParseDate(s); return d }

// fields lists the fields an error complains about.
func fields(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, f := range narvaro.AsError(err).Fields {
		out = append(out, f.Field)
	}
	return out
}

func sameFields(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestCompletingAnInvestigation(t *testing.T) {
	held, notPossible := ptr(cases.ConsultHeld), ptr(cases.ConsultNotPossible)
	complete := func() cases.Investigation {
		return cases.Investigation{Conclusion: "Slutsats",
			ConsultStudent: held, ConsultStudentOn: day("2026-10-01"),
			ConsultGuardians: held, ConsultGuardiansOn: day("2026-10-01"),
			ConsultEHT: notPossible, ConsultEHTNote: "Skriftligt samråd i stället"}
	}
	tests := []struct {
		name     string
		change   func(*cases.Investigation)
		hasWheel bool
		want     []string
	}{
		{"everything recorded", func(*cases.Investigation) {}, true, nil},
		{"no wheel assessment", func(*cases.Investigation) {}, false, []string{"wheel"}},
		{"student not consulted", func(i *cases.Investigation) { i.ConsultStudent = nil }, true, []string{"consult_student"}},
		{"held without date", func(i *cases.Investigation) { i.ConsultGuardiansOn = narvaro.Date{} }, true, []string{"consult_guardians_on"}},
		{"not possible without reason", func(i *cases.Investigation) { i.ConsultEHTNote = "  " }, true, []string{"consult_eht_note"}},
		{"no conclusion", func(i *cases.Investigation) { i.Conclusion = "" }, true, []string{"conclusion"}},
		{"nothing at all", func(i *cases.Investigation) { *i = cases.Investigation{} }, false,
			[]string{"consult_student", "consult_guardians", "consult_eht", "conclusion", "wheel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := complete()
			tt.change(&inv)
			if got := fields(cases.CheckComplete(&inv, tt.hasWheel)); !sameFields(got, tt.want) {
				t.Fatalf("problems with %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRemedyPlanRules(t *testing.T) {
	w := defaultWheel(t)
	measure := func() cases.MeasureInput {
		return cases.MeasureInput{Description: "Rastvärd", Domains: []string{"safe"}, Level: "school", Responsible: "Rektor",
			StartDate: day("2026-10-12"), ExpectedEffect: "Trygghet", FollowUpDate: day("2026-11-02")}
	}
	tests := []struct {
		name   string
		change func(*cases.PlanInput)
		want   []string
	}{
		{"one good measure", func(*cases.PlanInput) {}, nil},
		{"no measures", func(p *cases.PlanInput) { p.Measures = nil }, []string{"measures"}},
		{"measure without domain", func(p *cases.PlanInput) { p.Measures[0].Domains = nil }, []string{"measures[0].domains"}},
		{"unknown domain", func(p *cases.PlanInput) { p.Measures[0].Domains = []string{"happy"} }, []string{"measures[0].domains"}},
		{"domain twice", func(p *cases.PlanInput) { p.Measures[0].Domains = []string{"safe", "safe"} }, []string{"measures[0].domains"}},
		{"follow-up before start", func(p *cases.PlanInput) { p.Measures[0].FollowUpDate = day("2026-10-01") }, []string{"measures[0].follow_up_date"}},
		{"second measure wrong", func(p *cases.PlanInput) {
			m := measure()
			m.Domains = []string{"x"}
			p.Measures = append(p.Measures, m)
		}, []string{"measures[1].domains"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cases.PlanInput{Measures: []cases.MeasureInput{measure()}, Version: 1}
			tt.change(&p)
			if got := fields(p.Check(w)); !sameFields(got, tt.want) {
				t.Fatalf("problems with %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecisionsNeedReasons(t *testing.T) {
	tests := []struct {
		decision, comment string
		want              cases.Action
		ok                bool
	}{
		{"approve", "", cases.ApprovePlan, true},
		{"return", "", "", false},
		{"return", "Lägg till en åtgärd hemma", cases.ReturnPlan, true},
		{"reject", " ", "", false},
		{"reject", "Utredningen räcker inte", cases.RejectPlan, true},
	}
	for _, tt := range tests {
		got, err := cases.DecisionInput{Decision: tt.decision, Comment: tt.comment}.Action()
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s %q: %s, %v", tt.decision, tt.comment, got, err)
		}
	}
}

func TestFollowUpNeedsAResultPerMeasure(t *testing.T) {
	measures := []cases.Measure{{ID: 1, Description: "Rastvärd"}, {ID: 2, Description: "Morgonrutin"}}
	tests := []struct {
		name    string
		results []cases.MeasureResult
		next    string
		want    []string
	}{
		{"every measure", []cases.MeasureResult{{MeasureID: 1, Result: "improved"}, {MeasureID: 2, Result: "worse"}}, "2026-12-01", nil},
		{"one missing", []cases.MeasureResult{{MeasureID: 1, Result: "improved"}}, "", []string{"results"}},
		{"foreign measure", []cases.MeasureResult{{MeasureID: 1, Result: "improved"}, {MeasureID: 2, Result: "worse"}, {MeasureID: 9, Result: "worse"}}, "", []string{"results[2].measure_id"}},
		{"twice", []cases.MeasureResult{{MeasureID: 1, Result: "improved"}, {MeasureID: 1, Result: "worse"}, {MeasureID: 2, Result: "worse"}}, "", []string{"results[1].measure_id"}},
		{"next date not after", []cases.MeasureResult{{MeasureID: 1, Result: "improved"}, {MeasureID: 2, Result: "worse"}}, "2026-11-02", []string{"next_date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := cases.FollowUpInput{HeldOn: day("2026-11-02"), NextDate: day(tt.next), Results: tt.results}
			if got := fields(in.Check(measures)); !sameFields(got, tt.want) {
				t.Fatalf("problems with %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClosureAndEscalationRules(t *testing.T) {
	if got := fields((&cases.CloseInput{Reason: "attendance_restored", ChildView: "Bra"}).Check()); got != nil {
		t.Errorf("a complete closure: %v", got)
	}
	if got := fields((&cases.CloseInput{Reason: "other", ChildView: ""}).Check()); !sameFields(got, []string{"child_view", "note"}) {
		t.Errorf("closure without the child's view or a note for 'other': %v", got)
	}
	sip := cases.EscalationInput{Kind: cases.SIPEstablished}
	if sip.Check() == nil {
		t.Error("an established SIP without recorded consent was accepted")
	}
	sip.ConsentChild, sip.ConsentGuardians = ptr(true), ptr(true)
	if err := sip.Check(); err != nil {
		t.Errorf("SIP with consent: %v", err)
	}
	if (cases.EscalationInput{Kind: cases.ReportOfConcern}).Activity() != cases.ReportConcern {
		t.Error("a report of concern must be its own, ungated activity")
	}
}

func TestSavingAnInvestigationDraft(t *testing.T) {
	in := cases.InvestigationInput{ConsultStudent: ptr("held"), ConsultEHT: ptr("not_possible")}
	if got := fields(in.Check()); !sameFields(got, []string{"consult_student_on", "consult_eht_note"}) {
		t.Fatalf("problems with %v", got)
	}
	if err := (&cases.InvestigationInput{}).Check(); err != nil {
		t.Fatalf("an empty draft may be saved: %v", err)
	}
}
