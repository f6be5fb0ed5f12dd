package documents

import (
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// The wheel in documents: the picture (concerns and strengths, no score), the child's
// participation and own words, and the findings grouped by domain.

func (b *Builder) wheelPicture(title string, a *wheel.Assessment) pdf.Wheel {
	marks := b.Wheel.Summarise(a)
	w := pdf.Wheel{Title: title}
	for i, d := range b.Wheel.Domains() {
		var notes []string
		if a != nil {
			for _, p := range wheel.Perspectives {
				for _, r := range a.Ratings {
					if r.Domain == d.Key && r.Perspective == p && strings.TrimSpace(r.Note) != "" {
						notes = append(notes, p.Label().SV+": "+r.Note)
					}
				}
			}
		}
		w.Domains = append(w.Domains, pdf.WheelDomain{Key: d.Key, Label: d.Label.SV, Concern: marks[i].Concern,
			Strength: marks[i].Strength, Note: strings.Join(notes, "; ")})
	}
	return w
}

// childVoice records how the child took part, the child's own words and, when the child's
// view was not followed, why.
func (b *Builder) childVoice(p *part, a *wheel.Assessment, where string) {
	p.fields(pdf.Field{Label: "Barnets delaktighet", Value: participation(a)})
	if strings.TrimSpace(a.ChildWords) != "" {
		p.add(pdf.Quote{Text: a.ChildWords, Source: where + ", " + a.AssessedOn.Format(time.DateOnly) + " (" + strings.ToLower(participation(a)) + ")"})
	}
	if strings.TrimSpace(a.ChildViewNotFollowed) != "" {
		p.subheading("När barnets åsikt inte har följts")
		p.paragraph(a.ChildViewNotFollowed)
	}
}

// findings lists every perspective's view, grouped under the wheel's domains in wheel order.
func (b *Builder) findings(p *part, a *wheel.Assessment) {
	found := false
	for _, d := range b.Wheel.Domains() {
		t := pdf.Table{Columns: []pdf.Column{{Title: "Perspektiv", Width: 1.3}, {Title: "Bedömning", Width: 0.9},
			{Title: "Skattning", Width: 0.8, Align: pdf.AlignCenter}, {Title: "Anteckning", Width: 3.2}}}
		for _, per := range wheel.Perspectives {
			for _, r := range a.Ratings {
				if r.Domain != d.Key || r.Perspective != per || r.Empty() {
					continue
				}
				rating := ""
				if r.Rating != nil {
					rating = itoa(*r.Rating) + " av 5"
				}
				t.Rows = append(t.Rows, []string{per.Label().SV, kindLabel(r.Kind), rating, r.Note})
			}
		}
		if len(t.Rows) > 0 {
			found = true
			p.subheading(d.Label.SV + " – " + d.Statement.SV)
			p.add(t)
		}
	}
	if !found {
		p.paragraph("Inga bedömningar per område har antecknats.")
	}
}

// previousAssessment is the assessment made before a (for showing change to professionals).
func previousAssessment(src *postgres.DocumentSource, a *wheel.Assessment) *wheel.Assessment {
	var prev *wheel.Assessment
	for i := range src.Assessments {
		x := &src.Assessments[i]
		if x.ID == a.ID {
			break
		}
		prev = x
	}
	return prev
}

// changes is how the marks moved since the previous assessment; professionals only.
func (b *Builder) changes(p *part, before, after *wheel.Assessment) {
	if before == nil {
		return
	}
	cs := b.Wheel.Compare(before, after)
	p.subheading("Förändring sedan föregående bedömning (" + before.AssessedOn.Format(time.DateOnly) + ")")
	if len(cs) == 0 {
		p.paragraph("Ingen förändring i markeringarna.")
		return
	}
	t := pdf.Table{Columns: []pdf.Column{{Title: "Område", Width: 1.2}, {Title: "Tidigare", Width: 1}, {Title: "Nu", Width: 1}}}
	for _, c := range cs {
		t.Rows = append(t.Rows, []string{b.Wheel.Label(c.Domain, "sv"), markLabel(c.WasConcern, c.WasStrength), markLabel(c.IsConcern, c.IsStrength)})
	}
	p.add(t)
}

// weeksChart is the student's absence per week between two days, valid and invalid stacked;
// at most the last maxBars weeks.
func weeksChart(src *postgres.DocumentSource, title string, from, to time.Time, maxBars int) (pdf.BarChart, bool) {
	c := pdf.BarChart{Title: title, Unit: "%", Series: []string{"Giltig", "Ogiltig"}, Stacked: true}
	// A week belongs when any of its days falls in the period.
	lo, hi := from.AddDate(0, 0, -6).Format(time.DateOnly), to.Format(time.DateOnly)
	for _, w := range src.Weeks {
		if w.Monday < lo || w.Monday > hi || w.OfferedMinutes == 0 {
			continue
		}
		lbl := w.Week
		if i := strings.Index(lbl, "-W"); i >= 0 {
			lbl = "v. " + strings.TrimLeft(lbl[i+2:], "0")
		}
		c.Bars = append(c.Bars, pdf.Bar{Label: lbl, Values: []float64{w.ValidPercent, w.InvalidPercent}})
	}
	if len(c.Bars) > maxBars {
		c.Bars = c.Bars[len(c.Bars)-maxBars:]
	}
	return c, len(c.Bars) > 0
}
