package cases

import (
	"strconv"
	"strings"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// The inputs below are what a person submits for each step. Their `binding` tags are the
// syntactic checks (validator/v10, run at the HTTP edge); the Check methods are the workflow's
// own rules, which need the wheel or the case's records.

// OpenInput opens a case for a student.
type OpenInput struct {
	StudentID      int64    `json:"student_id" form:"student_id" binding:"required,gt=0"`
	SignalID       *int64   `json:"signal_id,omitempty" form:"signal_id" binding:"omitempty,gt=0"`
	Description    string   `json:"description" form:"description" binding:"required,min=10,max=20000"`
	ConcernDomains []string `json:"concern_domains" form:"concern_domains" binding:"required,min=1,max=16,dive,required,max=40"`
	FirstContacts  string   `json:"first_contacts" form:"first_contacts" binding:"max=20000"`
}

// Check validates the domains against the wheel.
func (in *OpenInput) Check(w *wheel.Wheel) error {
	return w.CheckKeys("concern_domains", in.ConcernDomains, 1)
}

// AssessInput is the rektor's assessment: investigation started, or not needed.
type AssessInput struct {
	Decision string `json:"decision" form:"decision" binding:"required,oneof=started not_needed"`
	Reasons  string `json:"reasons" form:"reasons" binding:"required,min=3,max=20000"`
	Version  int    `json:"version" form:"version" binding:"required,gt=0"`
}

// Action returns the transition the assessment makes.
func (in AssessInput) Action() Action {
	if in.Decision == "started" {
		return StartInvestigation
	}
	return DeclineInvestigation
}

// Consultation states for the investigation's three required consultations.
const (
	ConsultHeld        = "held"
	ConsultNotPossible = "not_possible"
)

// InvestigationInput saves the investigation's sections (a draft may be saved many times).
type InvestigationInput struct {
	AbsenceSummary       string       `json:"absence_summary" form:"absence_summary" binding:"max=20000"`
	EarlierMeasures      string       `json:"earlier_measures" form:"earlier_measures" binding:"max=20000"`
	SchoolSituation      string       `json:"school_situation" form:"school_situation" binding:"max=20000"`
	SocialSituation      string       `json:"social_situation" form:"social_situation" binding:"max=20000"`
	HealthConsidered     bool         `json:"health_considered" form:"health_considered"`
	StudentView          string       `json:"student_view" form:"student_view" binding:"max=20000"`
	GuardianView         string       `json:"guardian_view" form:"guardian_view" binding:"max=20000"`
	TriggeringFactors    string       `json:"triggering_factors" form:"triggering_factors" binding:"max=20000"`
	MaintainingFactors   string       `json:"maintaining_factors" form:"maintaining_factors" binding:"max=20000"`
	Analysis             string       `json:"analysis" form:"analysis" binding:"max=20000"`
	SpecialSupportNeeded *bool        `json:"special_support_needed" form:"special_support_needed"`
	SpecialSupportNote   string       `json:"special_support_note" form:"special_support_note" binding:"max=20000"`
	CollaborationNeed    string       `json:"collaboration_need" form:"collaboration_need" binding:"max=20000"`
	Conclusion           string       `json:"conclusion" form:"conclusion" binding:"max=20000"`
	ConsultStudent       *string      `json:"consult_student" form:"consult_student" binding:"omitempty,oneof=held not_possible"`
	ConsultStudentOn     narvaro.Date `json:"consult_student_on" form:"consult_student_on"`
	ConsultStudentNote   string       `json:"consult_student_note" form:"consult_student_note" binding:"max=5000"`
	ConsultGuardians     *string      `json:"consult_guardians" form:"consult_guardians" binding:"omitempty,oneof=held not_possible"`
	ConsultGuardiansOn   narvaro.Date `json:"consult_guardians_on" form:"consult_guardians_on"`
	ConsultGuardiansNote string       `json:"consult_guardians_note" form:"consult_guardians_note" binding:"max=5000"`
	ConsultEHT           *string      `json:"consult_eht" form:"consult_eht" binding:"omitempty,oneof=held not_possible"`
	ConsultEHTOn         narvaro.Date `json:"consult_eht_on" form:"consult_eht_on"`
	ConsultEHTNote       string       `json:"consult_eht_note" form:"consult_eht_note" binding:"max=5000"`
	SecretAppendix       string       `json:"secret_appendix" form:"secret_appendix" binding:"max=20000"`
	Version              int          `json:"version" form:"version" binding:"required,gt=0"`
}

// Check validates a saved draft: a consultation marked held needs its date, and one marked not
// possible needs its reason.
func (in *InvestigationInput) Check() error {
	var p narvaro.Problems
	checkConsultation(&p, "consult_student", in.ConsultStudent, in.ConsultStudentOn, in.ConsultStudentNote, false)
	checkConsultation(&p, "consult_guardians", in.ConsultGuardians, in.ConsultGuardiansOn, in.ConsultGuardiansNote, false)
	checkConsultation(&p, "consult_eht", in.ConsultEHT, in.ConsultEHTOn, in.ConsultEHTNote, false)
	return p.Err()
}

func checkConsultation(p *narvaro.Problems, field string, state *string, on narvaro.Date, note string, required bool) {
	switch {
	case state == nil || *state == "":
		if required {
			who := consultWho[field]
			p.Add(field, "Samråd med "+who.SV+" är inte registrerat (eller att det inte var möjligt, med skäl).",
				"Consultation with "+who.EN+" is not recorded (or that it was not possible, with the reason).")
		}
	case *state == ConsultHeld && on.IsZero():
		p.Add(field+"_on", "Ange datum för samrådet.", "Give the date of the consultation.")
	case *state == ConsultNotPossible && strings.TrimSpace(note) == "":
		p.Add(field+"_note", "Ange skälet till att samråd inte var möjligt.", "Give the reason why consultation was not possible.")
	}
}

var consultWho = map[string]narvaro.Text{
	"consult_student":   {SV: "eleven", EN: "the student"},
	"consult_guardians": {SV: "vårdnadshavarna", EN: "the guardians"},
	"consult_eht":       {SV: "elevhälsan", EN: "student health"},
}

// CheckComplete decides whether an investigation may be completed: consultation with the
// student, the guardians and elevhälsan recorded (or recorded as not possible with the reason),
// a conclusion, and a wheel assessment made during the investigation.
func CheckComplete(inv *Investigation, hasWheel bool) error {
	var p narvaro.Problems
	checkConsultation(&p, "consult_student", inv.ConsultStudent, inv.ConsultStudentOn, inv.ConsultStudentNote, true)
	checkConsultation(&p, "consult_guardians", inv.ConsultGuardians, inv.ConsultGuardiansOn, inv.ConsultGuardiansNote, true)
	checkConsultation(&p, "consult_eht", inv.ConsultEHT, inv.ConsultEHTOn, inv.ConsultEHTNote, true)
	if strings.TrimSpace(inv.Conclusion) == "" {
		p.Add("conclusion", "Utredningen behöver en slutsats.", "The investigation needs a conclusion.")
	}
	if !hasWheel {
		p.Add("wheel", "Gör en bedömning i hjulet (med barnets delaktighet) innan utredningen slutförs.",
			"Record a wheel assessment (with the child's participation) before completing the investigation.")
	}
	return p.Err()
}

// AssessmentInput records a wheel assessment.
type AssessmentInput struct {
	AssessedOn           narvaro.Date   `json:"assessed_on" form:"assessed_on" binding:"required"`
	ChildParticipation   string         `json:"child_participation" form:"child_participation" binding:"required,oneof=meeting separate_conversation in_writing through_guardian declined"`
	ChildWords           string         `json:"child_words" form:"child_words" binding:"max=20000"`
	ChildViewNotFollowed string         `json:"child_view_not_followed" form:"child_view_not_followed" binding:"max=20000"`
	Ratings              []wheel.Rating `json:"ratings" binding:"max=64"`
}

// Assessment turns the input into a wheel assessment for an occasion and validates it.
func (in *AssessmentInput) Assessment(w *wheel.Wheel, occasion wheel.Occasion) (*wheel.Assessment, error) {
	a := &wheel.Assessment{
		Occasion:             occasion,
		AssessedOn:           in.AssessedOn.Time,
		ChildParticipation:   wheel.Participation(in.ChildParticipation),
		ChildWords:           strings.TrimSpace(in.ChildWords),
		ChildViewNotFollowed: strings.TrimSpace(in.ChildViewNotFollowed),
		Ratings:              append([]wheel.Rating(nil), in.Ratings...),
	}
	if err := w.Validate(a); err != nil {
		return nil, err
	}
	return a, nil
}

// MeasureInput is one measure of a remedy plan.
type MeasureInput struct {
	Description    string       `json:"description" form:"description" binding:"required,min=3,max=5000"`
	Domains        []string     `json:"domains" form:"domains" binding:"required,min=1,max=16,dive,required,max=40"`
	Level          string       `json:"level" form:"level" binding:"required,oneof=school home external"`
	Responsible    string       `json:"responsible" form:"responsible" binding:"required,min=2,max=200"`
	StartDate      narvaro.Date `json:"start_date" form:"start_date" binding:"required"`
	ExpectedEffect string       `json:"expected_effect" form:"expected_effect" binding:"required,min=3,max=5000"`
	FollowUpDate   narvaro.Date `json:"follow_up_date" form:"follow_up_date" binding:"required"`
}

// PlanInput is a remedy plan (a new draft or a revision), submitted to the rektor.
type PlanInput struct {
	Summary  string         `json:"summary" form:"summary" binding:"max=20000"`
	Measures []MeasureInput `json:"measures" binding:"required,min=1,max=50,dive"`
	Version  int            `json:"version" form:"version" binding:"required,gt=0"`
}

// Check validates the measures: each linked to known domains, follow-up after start.
func (in *PlanInput) Check(w *wheel.Wheel) error {
	var p narvaro.Problems
	if len(in.Measures) == 0 {
		p.Add("measures", "Planen behöver minst en åtgärd.", "The plan needs at least one measure.")
	}
	for i, m := range in.Measures {
		field := "measures[" + strconv.Itoa(i) + "]"
		if err := w.CheckKeys(field+".domains", m.Domains, 1); err != nil {
			for _, f := range narvaro.AsError(err).Fields {
				p.Add(f.Field, f.Message.SV, f.Message.EN)
			}
		}
		if !m.StartDate.IsZero() && !m.FollowUpDate.IsZero() && m.FollowUpDate.Before(m.StartDate) {
			p.Add(field+".follow_up_date", "Uppföljningen kan inte ligga före starten.", "The follow-up cannot be before the start.")
		}
	}
	return p.Err()
}

// DecisionInput is the rektor's decision on a submitted plan.
type DecisionInput struct {
	Decision string `json:"decision" form:"decision" binding:"required,oneof=approve return reject"`
	Comment  string `json:"comment" form:"comment" binding:"max=20000"`
	Version  int    `json:"version" form:"version" binding:"required,gt=0"`
}

// Action returns the transition the decision makes, and checks that returns and rejections
// carry their reasons.
func (in DecisionInput) Action() (Action, error) {
	switch in.Decision {
	case "approve":
		return ApprovePlan, nil
	case "return":
		if strings.TrimSpace(in.Comment) == "" {
			return "", narvaro.Invalid("comment", "Skriv kommentarer till den som ska revidera planen.", "Write comments for whoever revises the plan.")
		}
		return ReturnPlan, nil
	default:
		if strings.TrimSpace(in.Comment) == "" {
			return "", narvaro.Invalid("comment", "Ange skälen till avslaget.", "Give the reasons for the rejection.")
		}
		return RejectPlan, nil
	}
}

// FollowUpInput records a follow-up.
type FollowUpInput struct {
	HeldOn   narvaro.Date     `json:"held_on" form:"held_on" binding:"required"`
	Results  []MeasureResult  `json:"results" binding:"max=50,dive"`
	Comment  string           `json:"comment" form:"comment" binding:"max=20000"`
	NextDate narvaro.Date     `json:"next_date" form:"next_date"`
	Wheel    *AssessmentInput `json:"wheel" binding:"omitempty"`
	Version  int              `json:"version" form:"version" binding:"required,gt=0"`
}

// Check validates the follow-up against the approved plan's measures: every measure gets one
// result, and the next date (if any) comes after the meeting.
func (in *FollowUpInput) Check(measures []Measure) error {
	var p narvaro.Problems
	want := map[int64]bool{}
	for _, m := range measures {
		want[m.ID] = true
	}
	got := map[int64]bool{}
	for i, r := range in.Results {
		if !want[r.MeasureID] {
			p.Add("results["+strconv.Itoa(i)+"].measure_id", "Åtgärden finns inte i den fastställda planen.", "The measure is not in the approved plan.")
		}
		if got[r.MeasureID] {
			p.Add("results["+strconv.Itoa(i)+"].measure_id", "Åtgärden har två resultat.", "The measure has two results.")
		}
		got[r.MeasureID] = true
	}
	for _, m := range measures {
		if !got[m.ID] {
			p.Add("results", "Ange resultat för åtgärden \""+m.Description+"\".", "Give a result for the measure \""+m.Description+"\".")
		}
	}
	if !in.NextDate.IsZero() && !in.HeldOn.Before(in.NextDate) {
		p.Add("next_date", "Nästa uppföljning ska ligga efter detta möte.", "The next follow-up must be after this meeting.")
	}
	return p.Err()
}

// EscalationInput raises a flag on the case.
type EscalationInput struct {
	Kind             string       `json:"kind" form:"kind" binding:"required,oneof=report_of_concern sip_requested sip_established home_municipality_coordination fine_order_evidence"`
	OccurredOn       narvaro.Date `json:"occurred_on" form:"occurred_on" binding:"required"`
	Note             string       `json:"note" form:"note" binding:"max=20000"`
	ConsentChild     *bool        `json:"consent_child" form:"consent_child"`
	ConsentGuardians *bool        `json:"consent_guardians" form:"consent_guardians"`
}

// Check requires recorded consent for an established SIP.
func (in *EscalationInput) Check() error {
	if in.Kind == SIPEstablished && (in.ConsentChild == nil || in.ConsentGuardians == nil ||
		!*in.ConsentChild || !*in.ConsentGuardians) {
		return narvaro.Invalid("consent_guardians",
			"En SIP kräver samtycke från barnet och vårdnadshavarna; registrera samtycket.",
			"A SIP needs consent from the child and the guardians; record the consent.")
	}
	return nil
}

// Activity returns which activity the escalation is, for MayRecord.
func (in EscalationInput) Activity() Activity {
	if in.Kind == ReportOfConcern {
		return ReportConcern
	}
	return RecordEscalation
}

// CloseInput closes a case.
type CloseInput struct {
	Reason            string   `json:"reason" form:"reason" binding:"required,oneof=attendance_restored moved other"`
	Note              string   `json:"note" form:"note" binding:"max=20000"`
	ChildView         string   `json:"child_view" form:"child_view" binding:"max=20000"`
	AttendancePercent *float64 `json:"attendance_percent" form:"attendance_percent" binding:"omitempty,min=0,max=100"`
	Version           int      `json:"version" form:"version" binding:"required,gt=0"`
}

// Check requires the child's view at closure (or why it is missing) and a note for "other".
func (in *CloseInput) Check() error {
	var p narvaro.Problems
	if strings.TrimSpace(in.ChildView) == "" {
		p.Add("child_view", "Skriv barnets syn vid avslutet (eller varför den saknas).", "Write the child's view at closure (or why it is missing).")
	}
	if in.Reason == "other" && strings.TrimSpace(in.Note) == "" {
		p.Add("note", "Beskriv skälet till avslutet.", "Describe the reason for closing.")
	}
	return p.Err()
}

// ReopenInput reopens a closed case; the history stays.
type ReopenInput struct {
	Reason  string `json:"reason" form:"reason" binding:"required,min=3,max=20000"`
	Version int    `json:"version" form:"version" binding:"required,gt=0"`
}

// ContactInput records a contact with the guardians.
type ContactInput struct {
	ContactedOn narvaro.Date `json:"contacted_on" form:"contacted_on" binding:"required"`
	Method      string       `json:"method" form:"method" binding:"required,oneof=phone meeting email letter other"`
	Guardian    string       `json:"guardian" form:"guardian" binding:"max=200"`
	Note        string       `json:"note" form:"note" binding:"max=20000"`
}
