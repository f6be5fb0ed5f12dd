package narvaro

import "time"

// HuvudmanKind separates municipal from independent governing bodies: an independent huvudman
// must also notify the student's home municipality (skollagen 7 kap. 21–22 §§).
type HuvudmanKind string

const (
	Municipal   HuvudmanKind = "municipal"
	Independent HuvudmanKind = "independent"
)

// Huvudman is a school's governing body.
type Huvudman struct {
	ID               int64        `json:"id" db:"id"`
	Name             string       `json:"name" db:"name"`
	OrgNumber        string       `json:"org_number" db:"org_number"`
	Kind             HuvudmanKind `json:"kind" db:"kind"`
	MunicipalityCode string       `json:"municipality_code" db:"municipality_code"`
	CaseNumberPrefix string       `json:"case_number_prefix" db:"case_number_prefix"`
	CreatedAt        time.Time    `json:"created_at" db:"created_at"`
}

// IsHomeMunicipalityOf reports whether this huvudman is the student's home municipality, in
// which case no separate notice to the home municipality is needed.
func (h Huvudman) IsHomeMunicipalityOf(s Student) bool {
	return h.Kind == Municipal && h.MunicipalityCode == s.HomeMunicipalityCode
}

// School is a school unit (skolenhet).
type School struct {
	ID               int64     `json:"id" db:"id"`
	HuvudmanID       int64     `json:"huvudman_id" db:"huvudman_id"`
	Name             string    `json:"name" db:"name"`
	SchoolUnitCode   string    `json:"school_unit_code" db:"school_unit_code"`
	MunicipalityCode string    `json:"municipality_code" db:"municipality_code"`
	CreatedAt        time.Time `json:"created_at" db:"created_at"`
}

// Student is a pupil at a school unit.
type Student struct {
	ID                   int64        `json:"id" db:"id"`
	SchoolID             int64        `json:"school_id" db:"school_id"`
	Personnummer         Personnummer `json:"personnummer" db:"personnummer"`
	FirstName            string       `json:"first_name" db:"first_name"`
	LastName             string       `json:"last_name" db:"last_name"`
	ProtectedIdentity    bool         `json:"protected_identity" db:"protected_identity"`
	HomeMunicipalityCode string       `json:"home_municipality_code" db:"home_municipality_code"`
	SchoolForm           string       `json:"school_form" db:"school_form"`
	Grade                int          `json:"grade" db:"grade"`
	ClassName            string       `json:"class_name" db:"class_name"`
	MentorID             *int64       `json:"mentor_id,omitempty" db:"mentor_id"`
	CreatedAt            time.Time    `json:"created_at" db:"created_at"`
	Version              int          `json:"version" db:"version"`
}

// Name is the student's full name.
func (s Student) Name() string { return s.FirstName + " " + s.LastName }

// Guardian is a vårdnadshavare; position 1 or 2 matches the wheel's guardian perspectives.
type Guardian struct {
	ID           int64   `json:"id" db:"id"`
	StudentID    int64   `json:"student_id" db:"student_id"`
	Position     int     `json:"position" db:"position"`
	Name         string  `json:"name" db:"name"`
	Personnummer *string `json:"personnummer,omitempty" db:"personnummer"`
	Phone        string  `json:"phone" db:"phone"`
	Email        string  `json:"email" db:"email"`
	Address      string  `json:"address" db:"address"`
}

// SchoolForms names the school forms a student may attend.
var SchoolForms = map[string]Text{
	"fsk":   {SV: "Förskoleklass", EN: "Preschool class"},
	"gr":    {SV: "Grundskola", EN: "Compulsory school"},
	"grsar": {SV: "Anpassad grundskola", EN: "Adapted compulsory school"},
	"sam":   {SV: "Sameskola", EN: "Sami school"},
	"spec":  {SV: "Specialskola", EN: "Special school"},
	"gy":    {SV: "Gymnasieskola", EN: "Upper secondary school"},
	"gysar": {SV: "Anpassad gymnasieskola", EN: "Adapted upper secondary school"},
}
