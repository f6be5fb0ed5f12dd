package report

import (
	"math"
	"strconv"
)

// Chart is one bar chart of the report, drawn the same way on the web page (SVG) and in the PDF.
type Chart struct {
	Key    string   `json:"key"` // months, schools, domains, effect
	Title  string   `json:"title"`
	Unit   string   `json:"unit,omitempty"`
	Series []string `json:"series"`
	Bars   []Bar    `json:"bars"`
	// Note explains values that are not drawn (suppressed), empty when every value is drawn.
	Note string `json:"note,omitempty"`
}

// Bar is one category: a value per series, and each value as printed ("12", "< 5", "12,5").
type Bar struct {
	Label  string    `json:"label"`
	Values []float64 `json:"values"`
	Texts  []string  `json:"texts"`
}

// Charts are the report's pictures: the trend per month, the school units side by side, the
// domains of concern with their measures, and absence before and after the plans. A chart with
// nothing to draw is left out. Suppressed values are drawn as zero and said so in the note.
func (r *Report) Charts() []Chart {
	var out []Chart
	hidden := false
	bar := func(label string, cs ...Count) Bar {
		b := Bar{Label: label}
		for _, c := range cs {
			b.Values = append(b.Values, float64(c.N))
			b.Texts = append(b.Texts, c.String())
			hidden = hidden || c.Suppressed
		}
		return b
	}
	finish := func(c Chart) {
		if len(c.Bars) == 0 {
			return
		}
		if hidden {
			c.Note = "Värden som döljs av integritetsskäl (< " + strconv.Itoa(r.SuppressBelow) + " eller ..) ritas som 0."
		}
		hidden = false
		out = append(out, c)
	}

	months := Chart{Key: "months", Title: "Utveckling per månad", Series: []string{"Signaler", "Öppnade ärenden", "Avslutade ärenden"}}
	for _, m := range r.Months {
		months.Bars = append(months.Bars, bar(m.Label, m.Signals, m.Opened, m.Closed))
	}
	finish(months)

	if len(r.Schools) > 1 {
		schools := Chart{Key: "schools", Title: "Per skolenhet", Series: []string{"Flaggade elever", "Öppnade ärenden"}}
		for _, s := range r.Schools {
			schools.Bars = append(schools.Bars, bar(s.Name, s.Flagged, s.Opened))
		}
		finish(schools)
	}

	domains := Chart{Key: "domains", Title: "Områden i hjulet: oro och åtgärder", Series: []string{"Ärenden med oro", "Åtgärder"}}
	for _, d := range r.Domains {
		if d.Cases.N == 0 && d.Measures.N == 0 && !d.Cases.Suppressed && !d.Measures.Suppressed {
			continue
		}
		domains.Bars = append(domains.Bars, bar(d.Label, d.Cases, d.Measures))
	}
	finish(domains)

	effect := Chart{Key: "effect", Title: "Frånvaro " + strconv.Itoa(r.Weeks) + " veckor före och efter beslutad plan", Unit: "%", Series: []string{"Före", "Efter"}}
	for _, e := range append([]EffectRow{r.Effect.Overall}, r.Effect.Domains...) {
		if e.Before == nil || e.After == nil {
			continue
		}
		effect.Bars = append(effect.Bars, Bar{Label: e.Label, Values: []float64{round1(*e.Before), round1(*e.After)},
			Texts: []string{FormatNumber(*e.Before), FormatNumber(*e.After)}})
	}
	finish(effect)
	return out
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// niceScale picks an axis top and a tick step of 1, 2 or 5 times a power of ten (about five
// ticks), the same rule the PDF charts use.
func niceScale(maxV float64) (top, step float64) {
	if maxV <= 0 {
		return 1, 0.2
	}
	raw := maxV / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	step = max(step, 0.1)
	return math.Ceil(maxV/step-1e-9) * step, step
}
