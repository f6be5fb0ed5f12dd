package documents

import (
	"sort"
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
)

// sectionKinds are the documents the case file gathers, each as one section.
var sectionKinds = []string{NoticeHuvudman, NoticeHomeMunicipality, AssessmentDecision, InvestigationReport,
	RemedyPlan, FollowUpRecord, ClosureDecision}

type section struct {
	subj postgres.DocumentSubject
	when time.Time
	meta pdf.Meta
	body part
}

// when orders a document in the case file: the day it happened (a follow-up's meeting) or the
// moment its record became final.
func (b *Builder) when(src *postgres.DocumentSource, s postgres.DocumentSubject) time.Time {
	if s.Kind == FollowUpRecord {
		for _, f := range src.FollowUps {
			if f.ID == s.ID {
				return f.HeldOn.Time
			}
		}
	}
	return s.At
}

// sections are the case's documents in the order they were made. An issued case file holds
// only what was final when the case closed, so that it reads the same whenever it is issued;
// a draft holds everything, drafts included.
func (b *Builder) sections(src *postgres.DocumentSource, cutoff time.Time, final bool) []section {
	var out []section
	for _, kind := range sectionKinds {
		for _, s := range b.Subjects(src, kind) {
			w := b.when(src, s)
			if final && (!s.Final || dayOf(w).After(dayOf(cutoff).Time)) {
				continue
			}
			meta := b.meta(src, s, postgres.RenderOptions{Version: 1, Draft: !s.Final, CreatedAt: s.At})
			sec := section{subj: s, when: w, meta: meta}
			sec.body.inFile = true
			_ = b.body(src, s, &sec.meta, &sec.body)
			out = append(out, sec)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].when.Before(out[j].when) })
	return out
}

// caseFile is the whole case: a table of contents, the timeline, the contacts and notices, and
// then every document as a section, in order.
func (b *Builder) caseFile(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	c := src.Case
	cutoff := subj.At
	m.Author, m.AuthorTitle = person(src, c.OpenedBy)
	if subj.Final {
		m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, eventByID(src, subj.ID).ActorID)
	} else {
		m.DecisionMaker, m.DecisionMakerTitle = personPtr(src, c.AssessedBy)
	}
	secs := b.sections(src, cutoff, subj.Final)

	p.heading("Innehåll")
	toc := pdf.Table{Columns: []pdf.Column{{Title: "Nr", Width: 0.4, Align: pdf.AlignRight}, {Title: "Handling", Width: 3.4},
		{Title: "Datum", Width: 1}, {Title: "Status", Width: 0.9}}}
	toc.Rows = append(toc.Rows, []string{"", "Ärendets gång, kontakter och anmälningar", "", ""})
	for i, s := range secs {
		toc.Rows = append(toc.Rows, []string{itoa(i + 1), joinNonEmpty(" – ", s.subj.Title, s.subj.Label), date(s.when), status(s.subj)})
	}
	p.add(toc)
	p.heading("Elev")
	p.fields(studentFields(src)...)
	p.fields(pdf.Field{Label: "Ärendets status", Value: c.Status.Label().SV})

	p.heading("Ärendets gång")
	events := pdf.Table{Columns: []pdf.Column{{Title: "Tidpunkt", Width: 1.35}, {Title: "Händelse", Width: 3.4}, {Title: "Av", Width: 1.3}}}
	var concern pdf.Table
	for _, e := range src.Events {
		if subj.Final && e.At.After(cutoff) {
			continue
		}
		// That a report of concern was made is itself sensitive: it goes to the appendix.
		if e.Kind == "escalation:"+cases.ReportOfConcern {
			continue
		}
		events.Rows = append(events.Rows, []string{dateTime(e.At), b.eventText(e), e.ActorName})
	}
	p.add(events)

	p.heading("Kontakter med vårdnadshavare")
	contacts := pdf.Table{Columns: []pdf.Column{{Title: "Datum", Width: 0.9}, {Title: "Sätt", Width: 0.8}, {Title: "Vårdnadshavare", Width: 1.3},
		{Title: "Anteckning", Width: 3.2}}}
	for _, x := range src.Contacts {
		if subj.Final && x.ContactedOn.After(dayOf(cutoff).Time) {
			continue
		}
		contacts.Rows = append(contacts.Rows, []string{x.ContactedOn.String(), label(methodLabels, x.Method), x.Guardian, x.Note})
	}
	if len(contacts.Rows) > 0 {
		p.add(contacts)
	} else {
		p.paragraph("Inga kontakter har antecknats.")
	}

	p.heading("Anmälningar till huvudman och hemkommun")
	notices := pdf.Table{Columns: []pdf.Column{{Title: "Anmälan", Width: 2.2}, {Title: "Mottagare", Width: 1.8}, {Title: "Senast", Width: 1},
		{Title: "Skickad", Width: 1.5}}}
	for _, n := range src.Notices {
		sent := ""
		if n.SentAt != nil && !(subj.Final && n.SentAt.After(cutoff)) {
			sent = dateTime(*n.SentAt)
		}
		notices.Rows = append(notices.Rows, []string{cases.KindLabel(n.Kind).SV, n.Recipient, n.DueOn.String(), sent})
	}
	if len(notices.Rows) > 0 {
		p.add(notices)
	} else {
		p.paragraph("Inga anmälningar.")
	}

	p.heading("Eskaleringar")
	escalations := pdf.Table{Columns: []pdf.Column{{Title: "Datum", Width: 0.9}, {Title: "Vad", Width: 2}, {Title: "Anteckning", Width: 3.2}}}
	concern = pdf.Table{Columns: []pdf.Column{{Title: "Datum", Width: 0.9}, {Title: "Anteckning", Width: 4}, {Title: "Av", Width: 1.3}}}
	for _, x := range src.Escalations {
		if subj.Final && x.OccurredOn.After(dayOf(cutoff).Time) {
			continue
		}
		if x.Kind == cases.ReportOfConcern {
			name, _ := person(src, x.CreatedBy)
			concern.Rows = append(concern.Rows, []string{x.OccurredOn.String(), x.Note, name})
			continue
		}
		escalations.Rows = append(escalations.Rows, []string{x.OccurredOn.String(), cases.KindLabel(x.Kind).SV, x.Note})
	}
	if len(escalations.Rows) > 0 {
		p.add(escalations)
	} else {
		p.paragraph("Inga eskaleringar (orosanmälningar redovisas i sekretessbilagan).")
	}
	if len(concern.Rows) > 0 {
		p.secret(pdf.Heading{Text: "Orosanmälningar till socialtjänsten", Level: 1}, concern)
	}

	for i, s := range secs {
		p.add(pdf.PageBreak{})
		p.heading(itoa(i+1) + ". " + s.subj.Title)
		rows := []pdf.Field{{Label: "Status", Value: status(s.subj)}, {Label: "Datum", Value: date(s.when)}}
		if s.meta.Signed {
			rows = append(rows, pdf.Field{Label: "Signerad", Value: "Elektroniskt " + dateTime(s.meta.SignedAt)})
		}
		p.fields(rows...)
		p.add(sectionBlocks(s.body.blocks, s.meta)...)
		if len(s.body.appendix) > 0 {
			p.secret(pdf.Heading{Text: itoa(i+1) + ". " + s.subj.Title, Level: 1})
			p.secret(sectionBlocks(s.body.appendix, s.meta)...)
		}
	}
	if subj.Final {
		p.add(pdf.Signature{Label: "Ärendet avslutat av", Date: local(cutoff)})
	}
}

func status(s postgres.DocumentSubject) string {
	if s.Final {
		return "Utfärdad"
	}
	return "Utkast"
}

// sectionBlocks fits a document's blocks into the case file: its sections become subsections,
// and its signature names its own signatory rather than the case file's.
func sectionBlocks(bs []pdf.Block, m pdf.Meta) []pdf.Block {
	out := make([]pdf.Block, 0, len(bs))
	for _, b := range bs {
		switch x := b.(type) {
		case pdf.Heading:
			x.Level = 2
			b = x
		case pdf.Signature:
			if x.Name == "" {
				x.Name, x.Title = m.DecisionMaker, m.DecisionMakerTitle
			}
			if x.Date.IsZero() {
				x.Date = m.Date
			}
			b = x
		}
		out = append(out, b)
	}
	return out
}

// eventText is a timeline line in Swedish. The workflow records some summaries with codes in
// them ("(phone)", "attendance_restored"); the document names them in words.
func (b *Builder) eventText(e cases.Event) string {
	inParens := func(s string) string {
		if i, j := strings.LastIndex(s, "("), strings.LastIndex(s, ")"); i >= 0 && j > i {
			return s[i+1 : j]
		}
		return ""
	}
	with := func(what, detail string) string { return joinNonEmpty(": ", what, strings.TrimSpace(detail)) }
	switch e.Kind {
	case "contact":
		return with("Kontakt med vårdnadshavare", strings.ToLower(label(methodLabels, inParens(e.Summary))))
	case "wheel_assessment":
		return with("Bedömning i Barnets bästa-hjulet", strings.ToLower(label(occasionLabels, inParens(e.Summary))))
	case string(cases.Close):
		return with("Ärendet avslutat", label(reasonLabels, strings.TrimSpace(strings.TrimPrefix(e.Summary, "Avslutat:"))))
	case string(cases.StartInvestigation), string(cases.DeclineInvestigation), string(cases.ApprovePlan), string(cases.ReturnPlan),
		string(cases.RejectPlan), string(cases.Reopen):
		if e.Summary == cases.Action(e.Kind).Label().SV {
			return e.Summary
		}
		return with(cases.Action(e.Kind).Label().SV, e.Summary)
	}
	if e.Summary != "" {
		return e.Summary
	}
	return cases.Action(e.Kind).Label().SV
}
