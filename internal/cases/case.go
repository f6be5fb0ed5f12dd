package cases

import (
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// Case is one student's extensive-absence case.
type Case struct {
	ID                       int64        `json:"id" db:"id"`
	CaseNumber               string       `json:"case_number" db:"case_number"`
	HuvudmanID               int64        `json:"huvudman_id" db:"huvudman_id"`
	SchoolID                 int64        `json:"school_id" db:"school_id"`
	StudentID                int64        `json:"student_id" db:"student_id"`
	SignalID                 *int64       `json:"signal_id,omitempty" db:"signal_id"`
	Status                   Status       `json:"status" db:"status"`
	Description              string       `json:"description" db:"description"`
	ConcernDomains           []string     `json:"concern_domains" db:"-"`
	FirstContacts            string       `json:"first_contacts" db:"first_contacts"`
	OpenedBy                 int64        `json:"opened_by" db:"opened_by"`
	OpenedAt                 time.Time    `json:"opened_at" db:"opened_at"`
	Assessment               *string      `json:"assessment,omitempty" db:"assessment"`
	AssessmentReasons        string       `json:"assessment_reasons" db:"assessment_reasons"`
	AssessedBy               *int64       `json:"assessed_by,omitempty" db:"assessed_by"`
	AssessedAt               *time.Time   `json:"assessed_at,omitempty" db:"assessed_at"`
	InvestigationStartedAt   *time.Time   `json:"investigation_started_at,omitempty" db:"investigation_started_at"`
	InvestigationDue         narvaro.Date `json:"investigation_due" db:"investigation_due"`
	InvestigationCompletedAt *time.Time   `json:"investigation_completed_at,omitempty" db:"investigation_completed_at"`
	ClosureReason            *string      `json:"closure_reason,omitempty" db:"closure_reason"`
	ClosureNote              string       `json:"closure_note" db:"closure_note"`
	ClosureAttendancePercent *float64     `json:"closure_attendance_percent,omitempty" db:"closure_attendance_percent"`
	ClosureChildView         string       `json:"closure_child_view" db:"closure_child_view"`
	ClosedBy                 *int64       `json:"closed_by,omitempty" db:"closed_by"`
	ClosedAt                 *time.Time   `json:"closed_at,omitempty" db:"closed_at"`
	LegalHold                bool         `json:"legal_hold" db:"legal_hold"`
	CreatedAt                time.Time    `json:"created_at" db:"created_at"`
	UpdatedAt                time.Time    `json:"updated_at" db:"updated_at"`
	Version                  int          `json:"version" db:"version"`
}

// Event is one line of the case's timeline.
type Event struct {
	ID         int64     `json:"id" db:"id"`
	CaseID     int64     `json:"case_id" db:"case_id"`
	At         time.Time `json:"at" db:"at"`
	ActorID    *int64    `json:"actor_id,omitempty" db:"actor_id"`
	ActorName  string    `json:"actor_name" db:"actor_name"`
	Kind       string    `json:"kind" db:"kind"`
	FromStatus *string   `json:"from_status,omitempty" db:"from_status"`
	ToStatus   *string   `json:"to_status,omitempty" db:"to_status"`
	Summary    string    `json:"summary" db:"summary"`
}

// Contact is a contact with the guardians.
type Contact struct {
	ID          int64        `json:"id" db:"id"`
	CaseID      int64        `json:"case_id" db:"case_id"`
	ContactedOn narvaro.Date `json:"contacted_on" db:"contacted_on"`
	Method      string       `json:"method" db:"method"`
	Guardian    string       `json:"guardian" db:"guardian"`
	Note        string       `json:"note" db:"note"`
	CreatedBy   int64        `json:"created_by" db:"created_by"`
	CreatedAt   time.Time    `json:"created_at" db:"created_at"`
}

// Investigation holds the sections of domain brief §4 step 5.
type Investigation struct {
	CaseID               int64        `json:"case_id" db:"case_id"`
	AbsenceSummary       string       `json:"absence_summary" db:"absence_summary"`
	EarlierMeasures      string       `json:"earlier_measures" db:"earlier_measures"`
	SchoolSituation      string       `json:"school_situation" db:"school_situation"`
	SocialSituation      string       `json:"social_situation" db:"social_situation"`
	HealthConsidered     bool         `json:"health_considered" db:"health_considered"`
	StudentView          string       `json:"student_view" db:"student_view"`
	GuardianView         string       `json:"guardian_view" db:"guardian_view"`
	TriggeringFactors    string       `json:"triggering_factors" db:"triggering_factors"`
	MaintainingFactors   string       `json:"maintaining_factors" db:"maintaining_factors"`
	Analysis             string       `json:"analysis" db:"analysis"`
	SpecialSupportNeeded *bool        `json:"special_support_needed,omitempty" db:"special_support_needed"`
	SpecialSupportNote   string       `json:"special_support_note" db:"special_support_note"`
	CollaborationNeed    string       `json:"collaboration_need" db:"collaboration_need"`
	Conclusion           string       `json:"conclusion" db:"conclusion"`
	ConsultStudent       *string      `json:"consult_student,omitempty" db:"consult_student"`
	ConsultStudentOn     narvaro.Date `json:"consult_student_on" db:"consult_student_on"`
	ConsultStudentNote   string       `json:"consult_student_note" db:"consult_student_note"`
	ConsultGuardians     *string      `json:"consult_guardians,omitempty" db:"consult_guardians"`
	ConsultGuardiansOn   narvaro.Date `json:"consult_guardians_on" db:"consult_guardians_on"`
	ConsultGuardiansNote string       `json:"consult_guardians_note" db:"consult_guardians_note"`
	ConsultEHT           *string      `json:"consult_eht,omitempty" db:"consult_eht"`
	ConsultEHTOn         narvaro.Date `json:"consult_eht_on" db:"consult_eht_on"`
	ConsultEHTNote       string       `json:"consult_eht_note" db:"consult_eht_note"`
	SecretAppendix       string       `json:"secret_appendix,omitempty" db:"secret_appendix"`
	UpdatedBy            *int64       `json:"updated_by,omitempty" db:"updated_by"`
	UpdatedAt            time.Time    `json:"updated_at" db:"updated_at"`
	Version              int          `json:"version" db:"version"`
}

// PlanStatus is where one version of a remedy plan stands.
type PlanStatus string

const (
	PlanDraft      PlanStatus = "draft"
	PlanInReview   PlanStatus = "submitted"
	PlanApproved   PlanStatus = "approved"
	PlanReturned   PlanStatus = "returned"
	PlanRejected   PlanStatus = "rejected"
	PlanSuperseded PlanStatus = "superseded"
)

// Plan is one version of a remedy plan (åtgärdsplan). Once decided it never changes; a
// revision is a new version.
type Plan struct {
	ID              int64      `json:"id" db:"id"`
	CaseID          int64      `json:"case_id" db:"case_id"`
	Version         int        `json:"version" db:"version"`
	Status          PlanStatus `json:"status" db:"status"`
	Summary         string     `json:"summary" db:"summary"`
	CreatedBy       int64      `json:"created_by" db:"created_by"`
	CreatedAt       time.Time  `json:"created_at" db:"created_at"`
	SubmittedBy     *int64     `json:"submitted_by,omitempty" db:"submitted_by"`
	SubmittedAt     *time.Time `json:"submitted_at,omitempty" db:"submitted_at"`
	DecidedBy       *int64     `json:"decided_by,omitempty" db:"decided_by"`
	DeciderName     string     `json:"decider_name" db:"decider_name"`
	DeciderTitle    string     `json:"decider_title" db:"decider_title"`
	DecidedAt       *time.Time `json:"decided_at,omitempty" db:"decided_at"`
	DecisionComment string     `json:"decision_comment" db:"decision_comment"`
	Measures        []Measure  `json:"measures" db:"-"`
}

// Measure is one remedy, linked to at least one domain of the wheel.
type Measure struct {
	ID             int64        `json:"id" db:"id"`
	PlanID         int64        `json:"plan_id" db:"plan_id"`
	Position       int          `json:"position" db:"position"`
	Description    string       `json:"description" db:"description"`
	Domains        []string     `json:"domains" db:"-"`
	Level          string       `json:"level" db:"level"`
	Responsible    string       `json:"responsible" db:"responsible"`
	StartDate      narvaro.Date `json:"start_date" db:"start_date"`
	ExpectedEffect string       `json:"expected_effect" db:"expected_effect"`
	FollowUpDate   narvaro.Date `json:"follow_up_date" db:"follow_up_date"`
}

// FollowUp is one follow-up meeting's record.
type FollowUp struct {
	ID                int64             `json:"id" db:"id"`
	CaseID            int64             `json:"case_id" db:"case_id"`
	PlanID            int64             `json:"plan_id" db:"plan_id"`
	HeldOn            narvaro.Date      `json:"held_on" db:"held_on"`
	PeriodFrom        narvaro.Date      `json:"period_from" db:"period_from"`
	PeriodTo          narvaro.Date      `json:"period_to" db:"period_to"`
	AbsencePercent    *float64          `json:"absence_percent,omitempty" db:"absence_percent"`
	Comment           string            `json:"comment" db:"comment"`
	NextDate          narvaro.Date      `json:"next_date" db:"next_date"`
	WheelAssessmentID *int64            `json:"wheel_assessment_id,omitempty" db:"wheel_assessment_id"`
	CreatedBy         int64             `json:"created_by" db:"created_by"`
	CreatedAt         time.Time         `json:"created_at" db:"created_at"`
	Results           []MeasureResult   `json:"results" db:"-"`
	Wheel             *wheel.Assessment `json:"wheel,omitempty" db:"-"`
}

// MeasureResult is how one measure worked since the previous follow-up.
type MeasureResult struct {
	MeasureID int64  `json:"measure_id" db:"measure_id" binding:"required,gt=0"`
	Result    string `json:"result" db:"result" binding:"required,oneof=improved unchanged worse"`
	Comment   string `json:"comment" db:"comment" binding:"max=5000"`
}

// Escalation kinds (flags, not a dead end).
const (
	ReportOfConcern              = "report_of_concern"
	SIPRequested                 = "sip_requested"
	SIPEstablished               = "sip_established"
	HomeMunicipalityCoordination = "home_municipality_coordination"
	FineOrderEvidence            = "fine_order_evidence"
)

// Escalation is a flag raised on a case with its date and who raised it.
type Escalation struct {
	ID               int64        `json:"id" db:"id"`
	CaseID           int64        `json:"case_id" db:"case_id"`
	Kind             string       `json:"kind" db:"kind"`
	OccurredOn       narvaro.Date `json:"occurred_on" db:"occurred_on"`
	Note             string       `json:"note" db:"note"`
	ConsentChild     *bool        `json:"consent_child,omitempty" db:"consent_child"`
	ConsentGuardians *bool        `json:"consent_guardians,omitempty" db:"consent_guardians"`
	CreatedBy        int64        `json:"created_by" db:"created_by"`
	CreatedAt        time.Time    `json:"created_at" db:"created_at"`
}

// Notice kinds.
const (
	NoticeInvestigationStarted = "investigation_started"
	NoticeHomeMunicipality     = "home_municipality"
	NoticeClosure              = "closure"
)

// Notice is a notice to the huvudman or the home municipality.
type Notice struct {
	ID         int64        `json:"id" db:"id"`
	CaseID     int64        `json:"case_id" db:"case_id"`
	Kind       string       `json:"kind" db:"kind"`
	Recipient  string       `json:"recipient" db:"recipient"`
	DueOn      narvaro.Date `json:"due_on" db:"due_on"`
	SentAt     *time.Time   `json:"sent_at,omitempty" db:"sent_at"`
	SentBy     *int64       `json:"sent_by,omitempty" db:"sent_by"`
	ReceivedAt *time.Time   `json:"received_at,omitempty" db:"received_at"`
	ReceivedBy *int64       `json:"received_by,omitempty" db:"received_by"`
	CreatedAt  time.Time    `json:"created_at" db:"created_at"`
}

// Overdue reports whether an unsent notice is past its due date.
func (n Notice) Overdue(today narvaro.Date) bool {
	return n.SentAt == nil && n.DueOn.Before(today)
}

// KindLabel names an escalation or notice kind for people.
func KindLabel(kind string) narvaro.Text {
	switch kind {
	case ReportOfConcern:
		return narvaro.Text{SV: "Orosanmälan till socialtjänsten", EN: "Report of concern to social services"}
	case SIPRequested:
		return narvaro.Text{SV: "SIP begärd", EN: "SIP requested"}
	case SIPEstablished:
		return narvaro.Text{SV: "SIP upprättad", EN: "SIP established"}
	case HomeMunicipalityCoordination:
		return narvaro.Text{SV: "Samordning med hemkommunen", EN: "Home-municipality coordination"}
	case FineOrderEvidence:
		return narvaro.Text{SV: "Underlag lämnat för vitesföreläggande", EN: "Evidence handed over for an order under fine"}
	case NoticeInvestigationStarted:
		return narvaro.Text{SV: "Anmälan till huvudman om påbörjad utredning", EN: "Notice to the governing body that an investigation started"}
	case NoticeHomeMunicipality:
		return narvaro.Text{SV: "Information till hemkommunen", EN: "Notice to the home municipality"}
	case NoticeClosure:
		return narvaro.Text{SV: "Meddelande till huvudman om avslutat ärende", EN: "Notice to the governing body that the case closed"}
	}
	return narvaro.Text{SV: kind, EN: kind}
}
