package wheel

import (
	"fmt"
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Perspective is whose view a rating records.
type Perspective string

const (
	Child         Perspective = "child"
	Guardian1     Perspective = "guardian1"
	Guardian2     Perspective = "guardian2"
	Professionals Perspective = "professionals"
)

// Perspectives in display order.
var Perspectives = []Perspective{Child, Guardian1, Guardian2, Professionals}

// Label names the perspective for people.
func (p Perspective) Label() narvaro.Text {
	switch p {
	case Child:
		return narvaro.Text{SV: "Barnet", EN: "The child"}
	case Guardian1:
		return narvaro.Text{SV: "Vårdnadshavare 1", EN: "Guardian 1"}
	case Guardian2:
		return narvaro.Text{SV: "Vårdnadshavare 2", EN: "Guardian 2"}
	case Professionals:
		return narvaro.Text{SV: "Professionella", EN: "Professionals"}
	}
	return narvaro.Text{SV: string(p), EN: string(p)}
}

// Kind keeps strengths and concerns apart (GIRFEC's My World Triangle rule).
type Kind string

const (
	Strength Kind = "strength"
	Concern  Kind = "concern"
)

// Participation records how the child took part. It is offered, never forced.
type Participation string

const (
	InMeeting            Participation = "meeting"
	SeparateConversation Participation = "separate_conversation"
	InWriting            Participation = "in_writing"
	ThroughGuardian      Participation = "through_guardian"
	Declined             Participation = "declined"
)

// Participations in display order.
var Participations = []Participation{InMeeting, SeparateConversation, InWriting, ThroughGuardian, Declined}

// Label names the form of participation for people.
func (p Participation) Label() narvaro.Text {
	switch p {
	case InMeeting:
		return narvaro.Text{SV: "Deltog i mötet", EN: "Took part in the meeting"}
	case SeparateConversation:
		return narvaro.Text{SV: "Enskilt samtal", EN: "Separate conversation"}
	case InWriting:
		return narvaro.Text{SV: "Skriftligt", EN: "In writing"}
	case ThroughGuardian:
		return narvaro.Text{SV: "Genom vårdnadshavare", EN: "Through a guardian"}
	case Declined:
		return narvaro.Text{SV: "Avböjde att delta", EN: "Declined to take part"}
	}
	return narvaro.Text{SV: string(p), EN: string(p)}
}

// Occasion is when an assessment was made.
type Occasion string

const (
	AtReport        Occasion = "report"
	AtInvestigation Occasion = "investigation"
	AtFollowUp      Occasion = "followup"
	AtClosure       Occasion = "closure"
)

// Rating is one perspective's view of one domain. Every part is optional except the domain
// and perspective; a rating with nothing in it is dropped.
type Rating struct {
	Domain      string      `json:"domain" db:"domain"`
	Perspective Perspective `json:"perspective" db:"perspective"`
	Rating      *int        `json:"rating,omitempty" db:"rating"`
	Kind        *Kind       `json:"kind,omitempty" db:"kind"`
	Note        string      `json:"note" db:"note"`
}

// Empty reports whether the rating records nothing.
func (r Rating) Empty() bool {
	return r.Rating == nil && r.Kind == nil && strings.TrimSpace(r.Note) == ""
}

// Assessment is one occasion's wheel: ratings plus the child's participation and own words.
type Assessment struct {
	ID                   int64         `json:"id" db:"id"`
	CaseID               int64         `json:"case_id" db:"case_id"`
	Occasion             Occasion      `json:"occasion" db:"occasion"`
	AssessedOn           time.Time     `json:"assessed_on" db:"assessed_on"`
	ChildParticipation   Participation `json:"child_participation" db:"child_participation"`
	ChildWords           string        `json:"child_words" db:"child_words"`
	ChildViewNotFollowed string        `json:"child_view_not_followed" db:"child_view_not_followed"`
	Ratings              []Rating      `json:"ratings" db:"-"`
	CreatedBy            int64         `json:"created_by" db:"created_by"`
	CreatedAt            time.Time     `json:"created_at" db:"created_at"`
}

// Validate checks an assessment against the configured wheel. Empty ratings are removed.
func (w *Wheel) Validate(a *Assessment) error {
	var p narvaro.Problems
	if !validParticipation(a.ChildParticipation) {
		p.Add("child_participation", "Ange hur barnet deltog (eller att barnet avböjde).",
			"State how the child took part (or that the child declined).")
	}
	if a.AssessedOn.IsZero() {
		p.Add("assessed_on", "Ange datum för bedömningen.", "Give the date of the assessment.")
	}
	seen := map[string]bool{}
	kept := a.Ratings[:0]
	for i, r := range a.Ratings {
		field := fmt.Sprintf("ratings[%d]", i)
		if !w.Has(r.Domain) {
			p.Add(field+".domain", fmt.Sprintf("%q är inget område i hjulet.", r.Domain), fmt.Sprintf("%q is not a domain of the wheel.", r.Domain))
		}
		if !validPerspective(r.Perspective) {
			p.Add(field+".perspective", "Okänt perspektiv.", "Unknown perspective.")
		}
		if r.Rating != nil && (*r.Rating < 1 || *r.Rating > 5) {
			p.Add(field+".rating", "Skattningen ska vara 1–5.", "The rating must be 1–5.")
		}
		if r.Kind != nil && *r.Kind != Strength && *r.Kind != Concern {
			p.Add(field+".kind", "Ange styrka eller oro.", "Choose strength or concern.")
		}
		key := r.Domain + "/" + string(r.Perspective)
		if seen[key] {
			p.Add(field, "Samma område och perspektiv finns två gånger.", "The same domain and perspective appear twice.")
		}
		seen[key] = true
		if !r.Empty() {
			kept = append(kept, r)
		}
	}
	a.Ratings = kept
	return p.Err()
}

func validParticipation(p Participation) bool {
	for _, q := range Participations {
		if p == q {
			return true
		}
	}
	return false
}

func validPerspective(p Perspective) bool {
	for _, q := range Perspectives {
		if p == q {
			return true
		}
	}
	return false
}

// Summary is, per domain, whether any perspective marked a concern or a strength.
type Summary struct {
	Domain   string
	Concern  bool
	Strength bool
}

// Summarise folds an assessment into one mark per domain, in wheel order, for pictures.
func (w *Wheel) Summarise(a *Assessment) []Summary {
	out := make([]Summary, len(w.domains))
	for i, d := range w.domains {
		out[i].Domain = d.Key
	}
	if a == nil {
		return out
	}
	for _, r := range a.Ratings {
		i, ok := w.byKey[r.Domain]
		if !ok || r.Kind == nil {
			continue
		}
		switch *r.Kind {
		case Concern:
			out[i].Concern = true
		case Strength:
			out[i].Strength = true
		}
	}
	return out
}

// Change is how one domain's marks moved between two assessments; shown to professionals only.
type Change struct {
	Domain                  string
	WasConcern, IsConcern   bool
	WasStrength, IsStrength bool
}

// Compare lists the domains whose marks differ between two assessments.
func (w *Wheel) Compare(before, after *Assessment) []Change {
	b, a := w.Summarise(before), w.Summarise(after)
	var out []Change
	for i := range a {
		if a[i] != b[i] {
			out = append(out, Change{Domain: a[i].Domain, WasConcern: b[i].Concern, IsConcern: a[i].Concern,
				WasStrength: b[i].Strength, IsStrength: a[i].Strength})
		}
	}
	return out
}
