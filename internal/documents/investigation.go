package documents

import (
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// investigation is the investigation report: every section of domain brief §4 step 5 (empty
// ones say so), the consultations, the absence per week, the wheel with the child's own words
// and the findings by domain. The social situation and the investigation's secret notes go to
// the appendix; of health, only whether the health service's information was considered.
func (b *Builder) investigation(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	c := src.Case
	inv := src.Investigation
	if inv == nil {
		inv = &cases.Investigation{}
	}
	m.Author, m.AuthorTitle = personPtr(src, inv.UpdatedBy)
	if m.Author == "" {
		m.Author, m.AuthorTitle = person(src, c.OpenedBy)
	}
	if subj.Final {
		ev := eventByID(src, subj.ID)
		m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, ev.ActorID)
	} else {
		m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, c.AssessedBy)
	}
	end := subj.At

	p.heading("Elev och ärende")
	var rows []pdf.Field
	if !p.inFile {
		rows = studentFields(src)
	}
	rows = append(rows,
		pdf.Field{Label: "Utredning inledd", Value: datePtr(c.InvestigationStartedAt)},
		pdf.Field{Label: "Klar senast", Value: c.InvestigationDue.String()},
	)
	if subj.Final {
		rows = append(rows, pdf.Field{Label: "Utredning slutförd", Value: date(end)})
	}
	p.fields(rows...)

	p.heading("Samråd")
	p.paragraph("Utredningen görs i samråd med eleven, elevens vårdnadshavare och elevhälsan.")
	consult := pdf.Table{Columns: []pdf.Column{{Title: "Samråd med", Width: 1.2}, {Title: "Status", Width: 1}, {Title: "Datum", Width: 0.9}, {Title: "Anteckning", Width: 2.6}}}
	for _, x := range []struct {
		who   string
		state *string
		on    string
		note  string
	}{
		{"Eleven", inv.ConsultStudent, inv.ConsultStudentOn.String(), inv.ConsultStudentNote},
		{"Vårdnadshavarna", inv.ConsultGuardians, inv.ConsultGuardiansOn.String(), inv.ConsultGuardiansNote},
		{"Elevhälsan", inv.ConsultEHT, inv.ConsultEHTOn.String(), inv.ConsultEHTNote},
	} {
		consult.Rows = append(consult.Rows, []string{x.who, consultation(x.state), x.on, x.note})
	}
	p.add(consult)

	p.heading("Frånvarons omfattning och mönster")
	p.paragraph(inv.AbsenceSummary)
	start := c.OpenedAt
	if c.InvestigationStartedAt != nil {
		start = *c.InvestigationStartedAt
	}
	if chart, ok := weeksChart(src, "Frånvaro per vecka (andel av erbjuden tid)", start.AddDate(0, 0, -7*12), end, 16); ok {
		p.add(chart)
	}
	p.heading("Tidigare insatser")
	p.paragraph(inv.EarlierMeasures)
	p.heading("Skolsituationen")
	p.paragraph(inv.SchoolSituation)
	p.heading("Social situation och hemförhållanden")
	if strings.TrimSpace(inv.SocialSituation) != "" {
		p.paragraph("Uppgifterna redovisas i sekretessbilagan.")
		p.secret(pdf.Heading{Text: "Social situation och hemförhållanden", Level: 1}, pdf.Paragraph{Text: inv.SocialSituation})
	} else {
		p.paragraph(none)
	}
	p.heading("Hälsa")
	if inv.HealthConsidered {
		p.paragraph("Uppgifter från elevhälsans medicinska insats har beaktats i utredningen. Medicinska uppgifter redovisas inte i utredningen.")
	} else {
		p.paragraph("Uppgifter från elevhälsans medicinska insats har inte beaktats.")
	}

	a := investigationAssessment(src, end, subj.Final)
	p.heading("Elevens egen uppfattning")
	p.paragraph(inv.StudentView)
	if a != nil {
		b.childVoice(p, a, "Samtal i utredningen")
	}
	p.heading("Vårdnadshavarnas uppfattning")
	p.paragraph(inv.GuardianView)

	p.heading("Barnets bästa-hjulet")
	if a != nil {
		p.add(b.wheelPicture("Bedömning i utredningen "+a.AssessedOn.Format(time.DateOnly), a))
		p.heading("Iakttagelser per område")
		b.findings(p, a)
	} else {
		p.paragraph("Ingen bedömning i hjulet har gjorts i utredningen ännu.")
	}

	p.heading("Utlösande faktorer")
	p.paragraph(inv.TriggeringFactors)
	p.heading("Vidmakthållande faktorer")
	p.paragraph(inv.MaintainingFactors)
	p.heading("Analys")
	p.paragraph(inv.Analysis)
	p.heading("Behov av särskilt stöd")
	p.fields(pdf.Field{Label: "Särskilt stöd", Value: yesNo(inv.SpecialSupportNeeded, "Inte bedömt")})
	if strings.TrimSpace(inv.SpecialSupportNote) != "" {
		p.paragraph(inv.SpecialSupportNote)
	}
	p.heading("Behov av samverkan")
	p.paragraph(inv.CollaborationNeed)
	p.heading("Slutsats")
	p.paragraph(inv.Conclusion)
	if subj.Final {
		p.add(pdf.Signature{Label: "Utredningen slutförd", Date: local(end)})
	} else {
		p.add(pdf.Signature{})
	}
	if strings.TrimSpace(inv.SecretAppendix) != "" {
		p.secret(pdf.Heading{Text: "Övriga uppgifter som omfattas av sekretess", Level: 1}, pdf.Paragraph{Text: inv.SecretAppendix})
	}
}

// investigationAssessment is the latest wheel assessment made in the investigation (up to its
// completion, for a completed one).
func investigationAssessment(src *postgres.DocumentSource, end time.Time, final bool) *wheel.Assessment {
	var out *wheel.Assessment
	for i := range src.Assessments {
		a := &src.Assessments[i]
		if a.Occasion != wheel.AtInvestigation {
			continue
		}
		if final && a.AssessedOn.After(dayOf(end).Time) {
			continue
		}
		out = a
	}
	return out
}
