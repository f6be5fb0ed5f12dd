package report

import (
	"strconv"
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/pdf"
)

// PDFOptions are the document texts that come from configuration (legal.yaml's period_report)
// and who made the report.
type PDFOptions struct {
	DocType     string // default "Periodrapport – elevers frånvaro"
	LegalBasis  string
	Author      string // default "Närvaro (schemalagd körning)"
	AuthorTitle string
}

var stockholm = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		return loc
	}
	return time.UTC
}()

// PDF renders the published report: the figures as tables and the same charts as the web page,
// drawn as vector graphics.
func PDF(r *Report, o PDFOptions) ([]byte, error) {
	if !r.Published {
		return nil, ErrNotPublished
	}
	return pdf.Render(Document(r, o))
}

// Document describes the published report as a PDF document.
func Document(r *Report, o PDFOptions) pdf.Document {
	generated := r.GeneratedAt.In(stockholm)
	if r.GeneratedAt.IsZero() {
		generated = r.AsOf.Time
	}
	meta := pdf.Meta{
		Huvudman: r.Huvudman, SchoolUnit: "Samtliga skolenheter", SchoolUnitCode: r.SchoolUnitCode,
		DocType: or(o.DocType, "Periodrapport – elevers frånvaro"), LegalBasis: o.LegalBasis,
		Date: generated, CreatedAt: generated,
		Author: or(o.Author, "Närvaro (schemalagd körning)"), AuthorTitle: o.AuthorTitle,
	}
	if r.School != "" {
		meta.SchoolUnit = r.School
	}
	b := []pdf.Block{pdf.Fields{Rows: []pdf.Field{
		{Label: "Period", Value: r.From.String() + " – " + r.To.String()},
		{Label: "Skolenheter", Value: meta.SchoolUnit},
		{Label: "Bedömt per", Value: r.AsOf.String() + " (tidsgränser som ännu löper bedöms mot denna dag)"},
		{Label: "Integritet", Value: r.PrivacyNote()},
	}}}
	for _, sec := range r.Sections() {
		b = append(b, pdf.Heading{Text: sec.Title, Level: sec.Level})
		if sec.Intro != "" {
			b = append(b, pdf.Paragraph{Text: sec.Intro})
		}
		if t := sec.Table; t != nil {
			pt := pdf.Table{Rows: t.Rows}
			for i, title := range t.Columns {
				col := pdf.Column{Title: title, Align: pdf.AlignRight}
				if i == 0 {
					col.Align = pdf.AlignLeft
				}
				if i < len(t.Widths) {
					col.Width = t.Widths[i]
				}
				pt.Columns = append(pt.Columns, col)
			}
			b = append(b, pt)
		}
		if sec.After != "" {
			b = append(b, pdf.Paragraph{Text: sec.After})
		}
		if c := sec.Chart; c != nil {
			b = append(b, pdf.BarChart{Title: c.Title, Unit: c.Unit, Series: c.Series, Bars: pdfBars(c.Bars)})
			if c.Note != "" {
				b = append(b, pdf.Paragraph{Text: c.Note})
			}
		}
	}
	return pdf.Document{Meta: meta, Blocks: keepTogether(b)}
}

// keepTogether joins "< 5" with a no-break space: it never breaks across lines, and text
// extraction (pdftotext, a reader's search) keeps the space that a plain one loses in short cells.
func keepTogether(blocks []pdf.Block) []pdf.Block {
	nb := strings.NewReplacer("< ", "<\u00a0")
	for i, b := range blocks {
		switch x := b.(type) {
		case pdf.Table:
			for _, row := range x.Rows {
				for j := range row {
					row[j] = nb.Replace(row[j])
				}
			}
		case pdf.Paragraph:
			blocks[i] = pdf.Paragraph{Text: nb.Replace(x.Text)}
		case pdf.Fields:
			for j := range x.Rows {
				x.Rows[j].Value = nb.Replace(x.Rows[j].Value)
			}
		}
	}
	return blocks
}

func pdfBars(bars []Bar) []pdf.Bar {
	out := make([]pdf.Bar, len(bars))
	for i, b := range bars {
		out[i] = pdf.Bar{Label: b.Label, Values: b.Values}
	}
	return out
}

func or(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// PrivacyNote explains the privacy rules the published report follows, in Swedish.
func (r *Report) PrivacyNote() string {
	note := "Rapporten är aggregerad och innehåller inga namn eller fritexter ur ärendena."
	if r.SuppressBelow <= 1 {
		return note + " Inga antal döljs (gränsen för små tal är avstängd)."
	}
	k := strconv.Itoa(r.SuppressBelow)
	small := "1"
	if r.SuppressBelow > 2 {
		small = "från 1 till " + strconv.Itoa(r.SuppressBelow-1)
	}
	return note + " Antal " + small + " visas som ”< " + k + "”; ”..” döljer ett tal som annars kunde räknas fram ur en summa. " +
		"Andelar, medianer och medelvärden som bygger på färre än " + k + " visas inte (–)."
}
