package documents

import (
	"fmt"
	"time"

	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// Builder makes case documents from the configured legal texts and wheel. It holds no state
// of its own, so one Builder serves any number of goroutines.
type Builder struct {
	Legal config.Legal
	Wheel *wheel.Wheel
	// Observe, when set, is told how long each rendering took (for the metrics).
	Observe func(kind string, d time.Duration)
}

// NewBuilder returns a builder over the configuration's legal texts and wheel.
func NewBuilder(cfg *config.Config) *Builder {
	return &Builder{Legal: cfg.Legal, Wheel: cfg.Wheel}
}

// part is a document's content, or a section of the case file: the main text and what goes to
// the secret appendix.
type part struct {
	blocks   []pdf.Block
	appendix []pdf.Block
	// inFile is set for a section of the case file, which names the student once at its start.
	inFile bool
}

func (p *part) add(b ...pdf.Block)     { p.blocks = append(p.blocks, b...) }
func (p *part) secret(b ...pdf.Block)  { p.appendix = append(p.appendix, b...) }
func (p *part) heading(text string)    { p.add(pdf.Heading{Text: text, Level: 1}) }
func (p *part) subheading(text string) { p.add(pdf.Heading{Text: text, Level: 2}) }
func (p *part) paragraph(text string)  { p.add(pdf.Paragraph{Text: orNone(text)}) }

// student identifies the student, except in a case file's sections.
func (p *part) student(src *postgres.DocumentSource, heading string) {
	if p.inFile {
		return
	}
	p.heading(heading)
	p.fields(studentFields(src)...)
}

func (p *part) fields(rows ...pdf.Field) { p.add(pdf.Fields{Rows: nonEmpty(rows)}) }

// Render renders the document about subj (postgres.DocumentRenderer).
func (b *Builder) Render(src *postgres.DocumentSource, subj postgres.DocumentSubject, opt postgres.RenderOptions) ([]byte, error) {
	start := time.Now()
	doc, err := b.Document(src, subj, opt)
	if err != nil {
		return nil, err
	}
	out, err := pdf.Render(doc)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", subj.Kind, err)
	}
	if b.Observe != nil {
		b.Observe(subj.Kind, time.Since(start))
	}
	return out, nil
}

// Document describes the document about subj as a pdf.Document.
func (b *Builder) Document(src *postgres.DocumentSource, subj postgres.DocumentSubject, opt postgres.RenderOptions) (pdf.Document, error) {
	meta := b.meta(src, subj, opt)
	var p part
	if opt.Replaces != nil {
		p.add(pdf.Paragraph{Text: fmt.Sprintf("Denna version (%d) ersätter version %d, utfärdad %s. Den tidigare versionen finns kvar i ärendet.",
			opt.Version, opt.Replaces.Version, dateTime(opt.Replaces.IssuedAt))})
	}
	if err := b.body(src, subj, &meta, &p); err != nil {
		return pdf.Document{}, err
	}
	return pdf.Document{Meta: meta, Blocks: p.blocks, Appendix: p.appendix}, nil
}

// body adds the content of the document about subj to p.
func (b *Builder) body(src *postgres.DocumentSource, subj postgres.DocumentSubject, m *pdf.Meta, p *part) error {
	switch subj.Kind {
	case NoticeHuvudman, NoticeHomeMunicipality:
		b.notice(src, subj, m, p)
	case AssessmentDecision:
		b.assessment(src, subj, m, p)
	case InvestigationReport:
		b.investigation(src, subj, m, p)
	case RemedyPlan:
		b.plan(src, subj, m, p)
	case FollowUpRecord:
		b.followUp(src, subj, m, p)
	case ClosureDecision:
		b.closure(src, subj, m, p)
	case CaseFile:
		b.caseFile(src, subj, m, p)
	case EvidenceChronology:
		b.chronology(src, subj, m, p)
	default:
		return unknownKind()
	}
	return nil
}

// meta fills in what every document carries; the builders add author, decision-maker and date.
func (b *Builder) meta(src *postgres.DocumentSource, subj postgres.DocumentSubject, opt postgres.RenderOptions) pdf.Meta {
	text := b.Legal.Document(subj.Kind)
	m := pdf.Meta{
		Huvudman:       src.Huvudman.Name,
		SchoolUnit:     src.School.Name,
		SchoolUnitCode: src.School.SchoolUnitCode,
		CaseNumber:     src.Case.CaseNumber,
		DocType:        text.Title.SV,
		LegalBasis:     text.LegalBasis,
		Date:           local(subj.At),
		Version:        opt.Version,
		Draft:          opt.Draft,
		CreatedAt:      local(opt.CreatedAt),
	}
	if b.secret(subj.Kind) {
		m.Secrecy = b.Legal.SecrecyMarking
	}
	m.AppendixTitle = b.Legal.SecrecyAppendixTitle
	return m
}

func unknownKind() error {
	return narvaro.NotFound("Dokumenttypen", "The document type")
}

// person names a user with their title, falling back to the role when no title is set.
func person(src *postgres.DocumentSource, id int64) (name, title string) {
	p, ok := src.People[id]
	if !ok {
		return "", ""
	}
	title = roleTitle(p.Title)
	if title == "" {
		title = p.Role.Label().SV
	}
	return p.Name, title
}

// roleTitle shows a title that is just a role's key ("rektor") as the role's name.
func roleTitle(title string) string {
	if r := narvaro.Role(title); r.Valid() {
		return r.Label().SV
	}
	return title
}

func personPtr(src *postgres.DocumentSource, id *int64) (name, title string) {
	if id == nil {
		return "", ""
	}
	return person(src, *id)
}

// signed marks the document as electronically signed by whoever made its record final.
func signed(m *pdf.Meta, at time.Time) {
	m.Signed = true
	m.SignedAt = local(at)
}
