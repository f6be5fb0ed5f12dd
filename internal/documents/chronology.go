package documents

import (
	"sort"
	"strings"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// The evidence chronology is what the school hands over when the home municipality considers
// ordering the guardians to act under a fine: courts have struck such orders down where the
// school's own measures were insufficient, so it lists, by date, everything the school did.

type effort struct {
	day    narvaro.Date
	what   string
	detail string
	who    string
}

func (b *Builder) chronology(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	c := src.Case
	// An issued chronology covers what happened up to the day the evidence was handed over.
	upTo := dayOf(src.Now)
	if subj.Final {
		for _, x := range src.Escalations {
			if x.ID == subj.ID {
				upTo = x.OccurredOn
				m.Date = x.OccurredOn.Time
			}
		}
		m.Author, m.AuthorTitle = person(src, subj.By)
	} else {
		m.Author, m.AuthorTitle = person(src, c.OpenedBy)
	}
	m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, c.AssessedBy)

	efforts, concerns := b.efforts(src)
	var kept []effort
	counts := map[string]int{}
	for _, e := range efforts {
		if e.day.After(upTo.Time) {
			continue
		}
		kept = append(kept, e)
		counts[e.what]++
	}

	p.paragraph("Sammanställningen visar i datumordning varje insats som skolan har gjort i ärendet: åtgärder, möten, samtal med eleven, " +
		"kontakter med vårdnadshavare, samråd och uppföljningar. Den är underlag för hemkommunens prövning (" + m.LegalBasis + ").")
	p.heading("Elev")
	p.fields(studentFields(src)...)
	p.heading("Sammanfattning")
	period := ""
	if len(kept) > 0 {
		period = kept[0].day.String() + " – " + kept[len(kept)-1].day.String()
	}
	p.fields(pdf.Field{Label: "Period", Value: period}, pdf.Field{Label: "Till och med", Value: upTo.String()})
	sum := pdf.Table{Columns: []pdf.Column{{Title: "Insats", Width: 3}, {Title: "Antal", Width: 1, Align: pdf.AlignRight}}}
	for _, what := range []string{whatContact, whatChild, whatConsult, whatMeasure, whatFollowUp} {
		sum.Rows = append(sum.Rows, []string{what, itoa(counts[what])})
	}
	p.add(sum)
	p.heading("Skolans insatser i datumordning")
	t := pdf.Table{Columns: []pdf.Column{{Title: "Datum", Width: 0.9}, {Title: "Insats", Width: 1.6}, {Title: "Beskrivning", Width: 3.4},
		{Title: "Utförd av / ansvarig", Width: 1.3}}}
	for _, e := range kept {
		t.Rows = append(t.Rows, []string{e.day.String(), e.what, e.detail, e.who})
	}
	if len(t.Rows) > 0 {
		p.add(t)
	} else {
		p.paragraph("Inga insatser har registrerats.")
	}
	var ct pdf.Table
	ct.Columns = []pdf.Column{{Title: "Datum", Width: 0.9}, {Title: "Anteckning", Width: 4}, {Title: "Av", Width: 1.3}}
	for _, e := range concerns {
		if !e.day.After(upTo.Time) {
			ct.Rows = append(ct.Rows, []string{e.day.String(), e.detail, e.who})
		}
	}
	if len(ct.Rows) > 0 {
		p.secret(pdf.Heading{Text: "Orosanmälningar till socialtjänsten", Level: 1}, ct)
	}
	p.add(pdf.Signature{Label: "Sammanställt av", Name: m.Author, Title: m.AuthorTitle, Date: m.Date})
}

const (
	whatContact  = "Kontakt med vårdnadshavare"
	whatChild    = "Samtal med eleven"
	whatConsult  = "Samråd"
	whatMeasure  = "Åtgärd"
	whatFollowUp = "Uppföljningsmöte"
)

// efforts lists the school's efforts (and, apart, the reports of concern) in date order.
func (b *Builder) efforts(src *postgres.DocumentSource) (efforts, concerns []effort) {
	add := func(day narvaro.Date, what, detail, who string) {
		efforts = append(efforts, effort{day: day, what: what, detail: detail, who: who})
	}
	name := func(id int64) string { n, _ := person(src, id); return n }
	for _, e := range src.Events {
		switch e.Kind {
		case "opened":
			add(dayOf(e.At), "Anmälan", "Frånvaron anmäld; områden med oro: "+b.domains(src.Case.ConcernDomains), e.ActorName)
		case string(cases.StartInvestigation):
			add(dayOf(e.At), "Rektors beslut", "Utredning av frånvaron inleds", e.ActorName)
		case string(cases.DeclineInvestigation):
			add(dayOf(e.At), "Rektors beslut", "Utredning bedöms inte behövas", e.ActorName)
		case string(cases.CompleteInvestigation):
			add(dayOf(e.At), "Utredning", "Utredningen slutförd", e.ActorName)
		case string(cases.Close):
			add(dayOf(e.At), "Avslut", "Ärendet avslutat", e.ActorName)
		}
	}
	for _, n := range src.Notices {
		if n.SentAt != nil {
			sender, _ := personPtr(src, n.SentBy)
			add(dayOf(*n.SentAt), "Anmälan skickad", cases.KindLabel(n.Kind).SV+"; mottagare "+n.Recipient, sender)
		}
	}
	if inv := src.Investigation; inv != nil {
		for _, x := range []struct {
			who   string
			state *string
			on    narvaro.Date
			note  string
		}{
			{"eleven", inv.ConsultStudent, inv.ConsultStudentOn, inv.ConsultStudentNote},
			{"vårdnadshavarna", inv.ConsultGuardians, inv.ConsultGuardiansOn, inv.ConsultGuardiansNote},
			{"elevhälsan", inv.ConsultEHT, inv.ConsultEHTOn, inv.ConsultEHTNote},
		} {
			if x.state != nil && *x.state == cases.ConsultHeld && !x.on.IsZero() {
				add(x.on, whatConsult, joinNonEmpty(": ", "Samråd med "+x.who, x.note), "")
			}
		}
	}
	for _, a := range src.Assessments {
		if a.ChildParticipation == wheel.Declined {
			add(narvaro.DateOf(a.AssessedOn), whatChild, "Samtal erbjudet (Barnets bästa-hjulet); eleven avböjde att delta", name(a.CreatedBy))
			continue
		}
		add(narvaro.DateOf(a.AssessedOn), whatChild, "Bedömning i Barnets bästa-hjulet – "+strings.ToLower(participation(&a)), name(a.CreatedBy))
	}
	for _, x := range src.Contacts {
		add(x.ContactedOn, whatContact, joinNonEmpty(": ", joinNonEmpty(", ", label(methodLabels, x.Method), x.Guardian), x.Note), name(x.CreatedBy))
	}
	for _, pl := range src.Plans {
		if pl.SubmittedAt != nil {
			add(dayOf(*pl.SubmittedAt), "Åtgärdsplan", "Åtgärdsplan version "+itoa(pl.Version)+" lämnad till rektor", name(derefID(pl.SubmittedBy)))
		}
		if pl.DecidedAt != nil {
			add(dayOf(*pl.DecidedAt), "Rektors beslut", "Åtgärdsplan version "+itoa(pl.Version)+": "+strings.ToLower(planLabels[pl.Status]), pl.DeciderName)
		}
		if pl.Status != cases.PlanApproved && pl.Status != cases.PlanSuperseded {
			continue
		}
		for _, ms := range pl.Measures {
			add(ms.StartDate, whatMeasure, ms.Description+" ("+label(levelLabels, ms.Level)+"; "+b.domains(ms.Domains)+
				"). Förväntad effekt: "+ms.ExpectedEffect+". Följs upp "+ms.FollowUpDate.String()+".", ms.Responsible)
		}
	}
	for _, f := range src.FollowUps {
		results := map[string]int{}
		for _, r := range f.Results {
			results[r.Result]++
		}
		var parts []string
		for _, k := range []string{"improved", "unchanged", "worse"} {
			if results[k] > 0 {
				parts = append(parts, strings.ToLower(resultLabels[k])+" "+itoa(results[k]))
			}
		}
		add(f.HeldOn, whatFollowUp, joinNonEmpty("; ", "Frånvaro under perioden "+percentPtr(f.AbsencePercent), strings.Join(parts, ", "), f.Comment), name(f.CreatedBy))
	}
	for _, x := range src.Escalations {
		if x.Kind == cases.ReportOfConcern {
			concerns = append(concerns, effort{day: x.OccurredOn, what: cases.KindLabel(x.Kind).SV, detail: x.Note, who: name(x.CreatedBy)})
			continue
		}
		add(x.OccurredOn, cases.KindLabel(x.Kind).SV, x.Note, name(x.CreatedBy))
	}
	sort.SliceStable(efforts, func(i, j int) bool { return efforts[i].day.Before(efforts[j].day) })
	return efforts, concerns
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
