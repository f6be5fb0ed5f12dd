package documents

import (
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
)

func eventByID(src *postgres.DocumentSource, id int64) cases.Event {
	for _, e := range src.Events {
		if e.ID == id {
			return e
		}
	}
	return cases.Event{}
}

// lastEvent is the latest timeline event of one of the kinds.
func lastEvent(src *postgres.DocumentSource, kinds ...string) (cases.Event, bool) {
	for i := len(src.Events) - 1; i >= 0; i-- {
		for _, k := range kinds {
			if src.Events[i].Kind == k {
				return src.Events[i], true
			}
		}
	}
	return cases.Event{}, false
}

// assessment is the rektor's decision to investigate, or that an investigation is not needed.
// The case row holds the latest assessment's full reasons; an earlier one (before a reopening)
// is known from its timeline event.
func (b *Builder) assessment(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	ev := eventByID(src, subj.ID)
	latest, _ := lastEvent(src, string(cases.StartInvestigation), string(cases.DeclineInvestigation))
	isLatest := latest.ID == ev.ID
	started := ev.Kind == string(cases.StartInvestigation)
	reasons := ev.Summary
	if isLatest && src.Case.AssessmentReasons != "" {
		reasons = src.Case.AssessmentReasons
	}
	m.Author, m.AuthorTitle = person(src, src.Case.OpenedBy)
	m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, ev.ActorID)
	signed(m, ev.At)

	p.heading("Beslut")
	if started {
		p.paragraph("Rektor beslutar att inleda en utredning av elevens frånvaro.")
	} else {
		p.paragraph("Rektor beslutar att en utredning av elevens frånvaro inte behövs.")
	}
	p.heading("Skäl")
	p.paragraph(reasons)
	p.student(src, "Elev")
	b.report(src, p)
	if started && isLatest {
		p.heading("Fortsatt handläggning")
		rows := []pdf.Field{{Label: "Klar senast", Value: src.Case.InvestigationDue.String()}}
		for _, n := range src.Notices {
			if n.Kind == cases.NoticeInvestigationStarted || n.Kind == cases.NoticeHomeMunicipality {
				rows = append(rows, pdf.Field{Label: "Anmälan", Value: "till " + n.Recipient + " senast " + n.DueOn.String()})
			}
		}
		p.fields(rows...)
		p.paragraph("Utredningen görs skyndsamt tillsammans med eleven, elevens vårdnadshavare och elevhälsan.")
	}
	p.add(pdf.Signature{Date: local(ev.At)})
}

// report is the report (anmälan) that opened the case.
func (b *Builder) report(src *postgres.DocumentSource, p *part) {
	c := src.Case
	opener, _ := person(src, c.OpenedBy)
	p.heading("Anmälan")
	p.fields(
		pdf.Field{Label: "Anmäld", Value: date(c.OpenedAt)},
		pdf.Field{Label: "Anmäld av", Value: opener},
		pdf.Field{Label: "Områden med oro", Value: b.domains(c.ConcernDomains)},
	)
	p.paragraph(c.Description)
	if strings.TrimSpace(c.FirstContacts) != "" {
		p.subheading("Första kontakter")
		p.paragraph(c.FirstContacts)
	}
}

// closure is the decision to close the case and the notice to the huvudman that goes with it.
func (b *Builder) closure(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	ev := eventByID(src, subj.ID)
	latest, _ := lastEvent(src, string(cases.Close))
	c := src.Case
	// The case row holds the latest closure; the reason of an earlier one is in its event.
	reason := strings.TrimSpace(strings.TrimPrefix(ev.Summary, "Avslutat:"))
	note, childView, attendance := "", "", ""
	if latest.ID == ev.ID {
		if c.ClosureReason != nil {
			reason = *c.ClosureReason
		}
		note, childView, attendance = c.ClosureNote, c.ClosureChildView, percentPtr(c.ClosureAttendancePercent)
	}
	m.Author, m.AuthorTitle = person(src, c.OpenedBy)
	m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, ev.ActorID)
	signed(m, ev.At)

	p.heading("Beslut")
	p.paragraph("Ärendet om elevens frånvaro avslutas.")
	p.fields(
		pdf.Field{Label: "Skäl", Value: label(reasonLabels, reason)},
		pdf.Field{Label: "Närvaro vid avslut", Value: attendance},
		pdf.Field{Label: "Avslutat", Value: dateTime(ev.At)},
	)
	if strings.TrimSpace(note) != "" {
		p.subheading("Kommentar")
		p.paragraph(note)
	}
	p.student(src, "Elev")
	p.heading("Barnets syn vid avslutet")
	if strings.TrimSpace(childView) != "" {
		p.add(pdf.Quote{Text: childView, Source: "Vid avslutet " + date(ev.At)})
	} else {
		p.paragraph(none)
	}
	p.heading("Ärendets gång i korthet")
	p.fields(b.caseSummary(src, ev.At)...)
	p.heading("Meddelande till huvudman")
	p.paragraph("Huvudmannen underrättas om att ärendet har avslutats.")
	for _, n := range src.Notices {
		if n.Kind != cases.NoticeClosure {
			continue
		}
		sent := "Inte skickat ännu"
		if n.SentAt != nil {
			sent = dateTime(*n.SentAt)
		}
		p.fields(pdf.Field{Label: "Mottagare", Value: n.Recipient}, pdf.Field{Label: "Senast", Value: n.DueOn.String()},
			pdf.Field{Label: "Skickat", Value: sent})
	}
	p.add(pdf.Signature{Date: local(ev.At)})
}

// caseSummary is the case's milestones up to a moment.
func (b *Builder) caseSummary(src *postgres.DocumentSource, upTo time.Time) []pdf.Field {
	c := src.Case
	approved := 0
	for _, pl := range src.Plans {
		if pl.DecidedAt != nil && !pl.DecidedAt.After(upTo) && (pl.Status == cases.PlanApproved || pl.Status == cases.PlanSuperseded) {
			approved++
		}
	}
	followUps := 0
	for _, f := range src.FollowUps {
		if !f.HeldOn.After(dayOf(upTo).Time) {
			followUps++
		}
	}
	return []pdf.Field{
		{Label: "Anmält", Value: date(c.OpenedAt)},
		{Label: "Utredning inledd", Value: datePtr(c.InvestigationStartedAt)},
		{Label: "Utredning slutförd", Value: datePtr(c.InvestigationCompletedAt)},
		{Label: "Godkända planer", Value: itoa(approved)},
		{Label: "Uppföljningar", Value: itoa(followUps)},
	}
}
