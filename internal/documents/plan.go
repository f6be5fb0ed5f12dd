package documents

import (
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
)

func planByID(src *postgres.DocumentSource, id int64) *cases.Plan {
	for i := range src.Plans {
		if src.Plans[i].ID == id {
			return &src.Plans[i]
		}
	}
	return nil
}

// plan is one version of the remedy plan with the rektor's decision: the measures grouped under
// the wheel's domains (a measure for two domains stands under both), and appeal information
// when the decision concerns special support.
func (b *Builder) plan(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	pl := planByID(src, subj.ID)
	if pl == nil {
		pl = &cases.Plan{}
	}
	m.Author, m.AuthorTitle = personPtr(src, pl.SubmittedBy)
	if m.Author == "" {
		m.Author, m.AuthorTitle = person(src, pl.CreatedBy)
	}
	if pl.DecidedAt != nil {
		m.DecisionMaker, m.DecisionMakerTitle = pl.DeciderName, roleTitle(pl.DeciderTitle)
		signed(m, *pl.DecidedAt)
	} else {
		m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, src.Case.AssessedBy)
	}

	p.student(src, "Elev")
	p.fields(
		pdf.Field{Label: "Planens version", Value: itoa(pl.Version)},
		pdf.Field{Label: "Lämnad till rektor", Value: datePtr(pl.SubmittedAt)},
		pdf.Field{Label: "Status", Value: planLabels[pl.Status]},
	)
	p.heading("Sammanfattning")
	p.paragraph(pl.Summary)
	p.heading("Åtgärder per område i hjulet")
	b.measuresByDomain(p, pl.Measures)

	p.heading("Rektors beslut")
	decision := "Beslut har inte fattats."
	switch pl.Status {
	case cases.PlanApproved, cases.PlanSuperseded:
		decision = "Rektor godkänner åtgärdsplanen."
	case cases.PlanReturned:
		decision = "Rektor återlämnar åtgärdsplanen för komplettering."
	case cases.PlanRejected:
		decision = "Rektor avslår åtgärdsplanen."
	}
	p.paragraph(decision)
	if pl.DecidedAt != nil {
		p.fields(
			pdf.Field{Label: "Beslut", Value: planLabels[pl.Status]},
			pdf.Field{Label: "Beslutsfattare", Value: joinNonEmpty(", ", pl.DeciderName, roleTitle(pl.DeciderTitle))},
			pdf.Field{Label: "Tidpunkt", Value: dateTime(*pl.DecidedAt)},
			pdf.Field{Label: "Kommentar", Value: pl.DecisionComment},
		)
	}
	if b.appealable(src, pl) {
		p.heading("Hur man överklagar")
		p.paragraph(b.Legal.AppealInformation)
	}
	if pl.DecidedAt != nil {
		p.add(pdf.Signature{Date: local(*pl.DecidedAt)})
	} else {
		p.add(pdf.Signature{})
	}
}

// appealable: a decision on an åtgärdsprogram (a plan for a student the investigation found in
// need of special support) may be appealed, whether it approves or rejects the plan. A return
// for completion is not a decision in the matter.
func (b *Builder) appealable(src *postgres.DocumentSource, pl *cases.Plan) bool {
	if pl.DecidedAt == nil || pl.Status == cases.PlanReturned || strings.TrimSpace(b.Legal.AppealInformation) == "" {
		return false
	}
	inv := src.Investigation
	return inv != nil && inv.SpecialSupportNeeded != nil && *inv.SpecialSupportNeeded
}

// measuresByDomain lists the measures under each domain they are linked to, in wheel order;
// a domain no longer configured comes last under its key.
func (b *Builder) measuresByDomain(p *part, ms []cases.Measure) {
	if len(ms) == 0 {
		p.paragraph("Planen innehåller inga åtgärder.")
		return
	}
	keys := []string{}
	for _, d := range b.Wheel.Domains() {
		keys = append(keys, d.Key)
	}
	for _, m := range ms {
		for _, k := range m.Domains {
			if !b.Wheel.Has(k) && !contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	for _, k := range keys {
		t := pdf.Table{Columns: []pdf.Column{{Title: "Åtgärd", Width: 2.3}, {Title: "Nivå", Width: 0.75}, {Title: "Ansvarig", Width: 1.7},
			{Title: "Start", Width: 1.3}, {Title: "Förväntad effekt", Width: 2}, {Title: "Följs upp", Width: 1.3}}}
		for _, m := range ms {
			if !contains(m.Domains, k) {
				continue
			}
			desc := m.Description
			if len(m.Domains) > 1 {
				desc += " (även " + b.domains(without(m.Domains, k)) + ")"
			}
			t.Rows = append(t.Rows, []string{desc, label(levelLabels, m.Level), m.Responsible, m.StartDate.String(),
				m.ExpectedEffect, m.FollowUpDate.String()})
		}
		if len(t.Rows) > 0 {
			p.subheading(b.Wheel.Label(k, "sv"))
			p.add(t)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func without(xs []string, x string) []string {
	var out []string
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

func measureByID(src *postgres.DocumentSource, id int64) (cases.Measure, bool) {
	for _, pl := range src.Plans {
		for _, m := range pl.Measures {
			if m.ID == id {
				return m, true
			}
		}
	}
	return cases.Measure{}, false
}

// followUp is one follow-up's record: attendance since the previous follow-up, each measure's
// result and, when made, the wheel's re-assessment with the child's own words.
func (b *Builder) followUp(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	var f cases.FollowUp
	n := 0
	for i, x := range src.FollowUps {
		if x.ID == subj.ID {
			f, n = x, i+1
		}
	}
	m.Date = f.HeldOn.Time
	m.Author, m.AuthorTitle = person(src, f.CreatedBy)
	if pl := planByID(src, f.PlanID); pl != nil && pl.DeciderName != "" {
		m.DecisionMaker, m.DecisionMakerTitle = pl.DeciderName, roleTitle(pl.DeciderTitle)
	}

	p.student(src, "Elev")
	p.heading("Uppföljning")
	planVersion := ""
	if pl := planByID(src, f.PlanID); pl != nil {
		planVersion = "version " + itoa(pl.Version)
	}
	p.fields(
		pdf.Field{Label: "Uppföljning nr", Value: itoa(n)},
		pdf.Field{Label: "Möte", Value: f.HeldOn.String()},
		pdf.Field{Label: "Åtgärdsplan", Value: planVersion},
		pdf.Field{Label: "Period", Value: f.PeriodFrom.String() + " – " + f.PeriodTo.String()},
		pdf.Field{Label: "Frånvaro", Value: percentPtr(f.AbsencePercent) + " av erbjuden tid under perioden"},
		pdf.Field{Label: "Nästa uppföljning", Value: f.NextDate.String()},
	)
	if chart, ok := weeksChart(src, "Frånvaro per vecka sedan föregående uppföljning", f.PeriodFrom.Time, f.PeriodTo.Time, 12); ok {
		p.add(chart)
	}
	p.heading("Åtgärdernas resultat")
	t := pdf.Table{Columns: []pdf.Column{{Title: "Åtgärd", Width: 2.6}, {Title: "Områden", Width: 1.4}, {Title: "Resultat", Width: 1}, {Title: "Kommentar", Width: 2.4}}}
	for _, r := range f.Results {
		ms, _ := measureByID(src, r.MeasureID)
		t.Rows = append(t.Rows, []string{ms.Description, b.domains(ms.Domains), label(resultLabels, r.Result), r.Comment})
	}
	if len(t.Rows) > 0 {
		p.add(t)
	} else {
		p.paragraph(none)
	}
	p.heading("Kommentar")
	p.paragraph(f.Comment)
	p.heading("Barnets bästa-hjulet")
	if f.Wheel != nil {
		p.add(b.wheelPicture("Ny bedömning "+f.Wheel.AssessedOn.Format(time.DateOnly), f.Wheel))
		b.childVoice(p, f.Wheel, "Vid uppföljningen")
		b.changes(p, previousAssessment(src, f.Wheel), f.Wheel)
	} else {
		p.paragraph("Ingen ny bedömning i hjulet gjordes vid uppföljningen.")
	}
	p.add(pdf.Signature{Label: "Ansvarig för uppföljningen", Name: m.Author, Title: m.AuthorTitle, Date: f.HeldOn.Time})
}
