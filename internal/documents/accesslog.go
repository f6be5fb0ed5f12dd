package documents

import (
	"strconv"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
)

// AccessLogDocument is the access-log extract for one student (who read or changed the
// student's data, when, and from where) as a PDF document. The extract is made on request and
// not stored: making it is itself recorded in the log it reads.
func (b *Builder) AccessLogDocument(x *postgres.AccessLogExtract, huvudman string, by *narvaro.Actor) pdf.Document {
	text := b.Legal.Document(AccessLog)
	m := pdf.Meta{
		Huvudman: huvudman, SchoolUnit: x.School.Name, SchoolUnitCode: x.School.SchoolUnitCode,
		DocType: text.Title.SV, LegalBasis: text.LegalBasis,
		Date: local(x.GeneratedAt), CreatedAt: local(x.GeneratedAt),
		Author: x.GeneratedBy, Version: 1,
	}
	if by != nil {
		m.AuthorTitle = by.Title
		if m.AuthorTitle == "" {
			m.AuthorTitle = by.Role.Label().SV
		}
	}
	if text.Secret {
		m.Secrecy = b.Legal.SecrecyMarking
	}
	m.AppendixTitle = b.Legal.SecrecyAppendixTitle
	period := "Från början"
	if !x.From.IsZero() {
		period = "Från " + date(x.From)
	}
	if x.To.IsZero() {
		period += " till utdragets tidpunkt"
	} else {
		period += " till och med " + date(x.To)
	}
	student := []pdf.Field{{Label: "Elev", Value: x.Student.Name}}
	if !x.Student.ProtectedIdentity {
		student = append(student, pdf.Field{Label: "Personnummer", Value: x.Student.Personnummer},
			pdf.Field{Label: "Klass", Value: x.Student.ClassName})
	}
	var p part
	p.paragraph("Utdraget visar varje läsning och ändring av elevens uppgifter som har registrerats i åtkomstloggen: vem, när, vad och varifrån.")
	p.fields(append(student,
		pdf.Field{Label: "Skolenhet", Value: x.School.Name + " (skolenhetskod " + x.School.SchoolUnitCode + ")"},
		pdf.Field{Label: "Period", Value: period},
		pdf.Field{Label: "Antal händelser", Value: strconv.Itoa(len(x.Entries))},
		pdf.Field{Label: "Framställt", Value: dateTime(x.GeneratedAt)},
	)...)
	t := pdf.Table{Columns: []pdf.Column{{Title: "Tid", Width: 1.25}, {Title: "Användare", Width: 1.5}, {Title: "Roll", Width: 0.9},
		{Title: "Händelse", Width: 1}, {Title: "Uppgift", Width: 1.3}, {Title: "Från", Width: 1}}}
	for _, e := range x.Entries {
		what := label(entityLabels, e.Entity)
		if e.EntityID != nil {
			what += " " + strconv.FormatInt(*e.EntityID, 10)
		}
		role := e.ActorRole
		if r := narvaro.Role(role); r.Valid() {
			role = r.Label().SV
		}
		t.Rows = append(t.Rows, []string{local(e.At).Format("2006-01-02 15:04:05"), e.ActorName, role, label(actionLabels, e.Action), what, e.IP})
	}
	p.heading("Händelser")
	if len(t.Rows) > 0 {
		p.add(t)
	} else {
		p.paragraph("Inga händelser under perioden.")
	}
	p.add(pdf.Signature{Label: "Utdraget framställt av", Name: m.Author, Title: m.AuthorTitle, Date: m.Date})
	return pdf.Document{Meta: m, Blocks: p.blocks}
}

var (
	actionLabels = map[string]string{"read": "Läsning", "create": "Registrering", "update": "Ändring", "download": "Nedladdning",
		"export": "Utdrag", "dispose": "Gallring", "sign_in": "Inloggning", "sign_out": "Utloggning"}
	entityLabels = map[string]string{"case": "Ärende", "student": "Elev", "document": "Handling", "document_list": "Handlingar",
		"followup": "Uppföljning", "escalation": "Eskalering", "guardian_contact": "Kontakt", "notice": "Anmälan",
		"signal": "Signal", "access_log": "Åtkomstlogg", "case_list": "Ärendelista", "attendance": "Närvaro"}
)
