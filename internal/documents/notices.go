package documents

import (
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Notices go outside the school (the huvudman's administration, the home municipality), so
// they carry only what the recipient needs: no reasons, no circumstances, and for a student
// with protected identity no identity at all — only the case number (domain brief §7).

func (b *Builder) notice(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) {
	var n cases.Notice
	for _, x := range src.Notices {
		if x.ID == subj.ID {
			n = x
		}
	}
	sender := n.SentBy
	if sender == nil {
		sender = src.Case.AssessedBy
	}
	m.Author, m.AuthorTitle = personPtr(src, sender)
	m.DecisionMaker, m.DecisionMakerTitle = m.Author, m.AuthorTitle
	if n.SentAt != nil {
		signed(m, *n.SentAt)
	}
	if subj.Kind == NoticeHomeMunicipality {
		p.paragraph("Huvudmannen informerar härmed elevens hemkommun om att rektor har inlett en utredning av elevens frånvaro (" +
			m.LegalBasis + "). Informationen lämnas så att hemkommunen kan fullgöra sitt ansvar för elevens skolgång och vid behov samordna insatser.")
	} else {
		p.paragraph("Rektor anmäler härmed till huvudmannen att en utredning av elevens frånvaro har inletts (" + m.LegalBasis + ").")
	}
	sent := "Inte skickad ännu"
	if n.SentAt != nil {
		sent = dateTime(*n.SentAt)
	}
	rows := []pdf.Field{
		{Label: "Mottagare", Value: n.Recipient},
		{Label: "Diarienummer", Value: src.Case.CaseNumber},
	}
	rows = append(rows, noticeStudent(src)...)
	if subj.Kind == NoticeHomeMunicipality {
		rows = append(rows, pdf.Field{Label: "Hemkommun", Value: "kommunkod " + src.Student.HomeMunicipality})
	}
	rows = append(rows,
		pdf.Field{Label: "Skolenhet", Value: schoolUnit(src)},
		pdf.Field{Label: "Utredning inledd", Value: datePtr(src.Case.InvestigationStartedAt)},
		pdf.Field{Label: "Beräknas klar", Value: src.Case.InvestigationDue.String()},
		pdf.Field{Label: "Ska anmälas senast", Value: n.DueOn.String()},
		pdf.Field{Label: "Skickad", Value: sent},
	)
	p.fields(rows...)
	p.subheading("Uppgifter i ärendet")
	p.paragraph("Anmälan innehåller inga uppgifter om orsakerna till frånvaron eller om elevens personliga förhållanden. " +
		"Sådana uppgifter finns i ärendet hos skolan och kan omfattas av sekretess.")
	if src.Student.ProtectedIdentity {
		p.paragraph("Eleven har skyddade personuppgifter. Anmälan innehåller därför inga uppgifter om elevens identitet; " +
			"ärendet anges med diarienummer " + src.Case.CaseNumber + ". Frågor om ärendet ställs till rektor.")
	}
	p.add(pdf.Signature{Label: "Anmälan gjord av", Name: m.Author, Title: m.AuthorTitle})
}

// noticeStudent names the student as far as a notice may.
func noticeStudent(src *postgres.DocumentSource) []pdf.Field {
	if src.Student.ProtectedIdentity {
		return []pdf.Field{{Label: "Elev", Value: "Skyddad identitet"}}
	}
	return []pdf.Field{{Label: "Elev", Value: src.Student.Name}, {Label: "Klass", Value: src.Student.ClassName}}
}

// studentFields identifies the student in the school's own (secret) documents.
func studentFields(src *postgres.DocumentSource) []pdf.Field {
	st := src.Student
	if st.ProtectedIdentity {
		return []pdf.Field{{Label: "Elev", Value: "Skyddad identitet"}, {Label: "Skolenhet", Value: schoolUnit(src)}}
	}
	return []pdf.Field{
		{Label: "Elev", Value: st.Name},
		{Label: "Personnummer", Value: st.PersonnummerFull},
		{Label: "Klass", Value: joinNonEmpty(", ", st.ClassName, "årskurs "+itoa(st.Grade))},
		{Label: "Skolenhet", Value: schoolUnit(src)},
	}
}

func schoolUnit(src *postgres.DocumentSource) string {
	return src.School.Name + " (skolenhetskod " + src.School.SchoolUnitCode + ")"
}
