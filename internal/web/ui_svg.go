package web

import (
	"fmt"
	"math"
	"strings"

	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// The pictures are computed here and drawn by the templates as inline SVG: no script, every
// mark has a <title>, and each picture has a table with the same figures beside it.

// absenceChart is weekly absence as stacked bars: valid below, invalid on top.
type absenceChart struct {
	W, H, X0, Y0, PW, PH float64
	X1, TickX, LabelY    float64
	Bars                 []chartBar
	Ticks                []chartTick
	Rows                 []weekRow
	Top                  float64
}

type chartBar struct {
	X, W, VY, VH, IY, IH, LabelX float64
	Title, Label                 string
}

type chartTick struct {
	Y     float64
	Label string
}

type weekRow struct{ Week, Monday, Valid, Invalid, Total string }

// chartWeeks is how many of the latest weeks the chart shows: about a term.
const chartWeeks = 26

func buildAbsenceChart(p *page, weeks []postgres.WeekAbsence) *absenceChart {
	if len(weeks) > chartWeeks {
		weeks = weeks[len(weeks)-chartWeeks:]
	}
	ch := &absenceChart{W: 720, H: 260, X0: 52, Y0: 12}
	ch.PW, ch.PH = ch.W-ch.X0-12, ch.H-ch.Y0-40
	ch.X1, ch.TickX, ch.LabelY = ch.X0+ch.PW, ch.X0-6, ch.Y0+ch.PH+18
	if len(weeks) == 0 {
		return ch
	}
	top := 0.0
	for _, w := range weeks {
		top = max(top, w.ValidPercent+w.InvalidPercent)
	}
	ch.Top = min(100, max(20, math.Ceil(top/10)*10))
	step := 5.0
	switch {
	case ch.Top > 50:
		step = 25
	case ch.Top > 20:
		step = 10
	}
	for v := 0.0; v <= ch.Top+0.001; v += step {
		ch.Ticks = append(ch.Ticks, chartTick{Y: round1(ch.Y0 + ch.PH - v/ch.Top*ch.PH), Label: formatNumber(p.Lang, v, 0) + pctSuffix(p.Lang)})
	}
	slot := ch.PW / float64(len(weeks))
	for i, w := range weeks {
		x := ch.X0 + float64(i)*slot + slot*0.15
		vh := w.ValidPercent / ch.Top * ch.PH
		ih := w.InvalidPercent / ch.Top * ch.PH
		base := ch.Y0 + ch.PH
		label := weekLabel(p.Lang, w.Week)
		if len(weeks) > 13 && i%2 == 1 {
			label = ""
		}
		total := w.ValidPercent + w.InvalidPercent
		ch.Bars = append(ch.Bars, chartBar{X: round1(x), W: round1(slot * 0.7), VY: round1(base - vh), VH: round1(vh),
			IY: round1(base - vh - ih), IH: round1(ih), LabelX: round1(x + slot*0.35), Label: label,
			Title: p.T("chart_bar_title", "Week", weekLabel(p.Lang, w.Week), "Total", formatPercent(p.Lang, total),
				"Valid", formatPercent(p.Lang, w.ValidPercent), "Invalid", formatPercent(p.Lang, w.InvalidPercent))})
		ch.Rows = append(ch.Rows, weekRow{Week: weekLabel(p.Lang, w.Week), Monday: p.Date(w.Monday),
			Valid: formatPercent(p.Lang, w.ValidPercent), Invalid: formatPercent(p.Lang, w.InvalidPercent), Total: formatPercent(p.Lang, total)})
	}
	return ch
}

func pctSuffix(lang string) string {
	if lang == "en" {
		return "%"
	}
	return "\u00a0%"
}

// weekLabel turns "2026-W38" into "v. 38" (Swedish) or "W38".
func weekLabel(lang, week string) string {
	_, n, ok := strings.Cut(week, "-W")
	if !ok {
		return week
	}
	n = strings.TrimLeft(n, "0")
	if lang == "en" {
		return "W" + n
	}
	return "v. " + n
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// wheelPicture is Barnets bästa-hjulet: eight segments, one ring per perspective (the child
// innermost), each cell marked strength, concern or noted; labels carry a mark where the
// domain changed between the first and the latest assessment.
type wheelPicture struct {
	Cells   []wheelCell
	Labels  []wheelLabel
	Rings   []string
	Changes []wheelChange
	// Source says what the picture shows: the latest assessment or, before any, the report.
	Source string
}

type wheelCell struct {
	D, Class, Title, Mark string
	MX, MY                float64
}

type wheelLabel struct {
	X, Y         float64
	Anchor, Text string
	Change       string // "better", "worse", "mixed" or ""
}

type wheelChange struct {
	Domain, Before, After, Direction string
}

const (
	wheelCX, wheelCY = 320.0, 250.0
	wheelInner       = 40.0
	// wheelRings is the width all rings share, so one ring (the report) is as large as four.
	wheelRings = 144.0
)

// buildWheel draws the latest assessment; with none, the report's domains of concern.
func buildWheel(p *page, w *wheel.Wheel, assessments []wheel.Assessment, reportConcerns []string) *wheelPicture {
	pic := &wheelPicture{}
	domains := w.Domains()
	n := len(domains)
	type ring struct {
		label string
		kind  func(domain string) (class, title string)
	}
	var rings []ring
	if len(assessments) == 0 {
		pic.Source = p.T("wheel_source_report")
		concern := map[string]bool{}
		for _, d := range reportConcerns {
			concern[d] = true
		}
		rings = append(rings, ring{p.T("wheel_ring_report"), func(d string) (string, string) {
			if concern[d] {
				return "w-concern", p.T("kind_concern")
			}
			return "w-none", p.T("wheel_no_information")
		}})
	} else {
		latest := &assessments[len(assessments)-1]
		pic.Source = p.T("wheel_source_assessment", "Date", p.Date(latest.AssessedOn), "Occasion", p.T("occasion_"+string(latest.Occasion)))
		by := map[string]wheel.Rating{}
		for _, r := range latest.Ratings {
			by[r.Domain+"/"+string(r.Perspective)] = r
		}
		for _, persp := range wheel.Perspectives {
			rings = append(rings, ring{persp.Label().In(p.Lang), func(d string) (string, string) {
				r, ok := by[d+"/"+string(persp)]
				if !ok || r.Empty() {
					return "w-none", p.T("wheel_no_information")
				}
				title := ""
				class := "w-noted"
				if r.Kind != nil {
					class = "w-" + string(*r.Kind)
					title = p.T("kind_" + string(*r.Kind))
				} else {
					title = p.T("wheel_noted")
				}
				if r.Rating != nil {
					title += fmt.Sprintf(" (%s %d/5)", p.T("wheel_rating_short"), *r.Rating)
				}
				if note := strings.TrimSpace(r.Note); note != "" {
					title += ": " + shorten(note, 160)
				}
				return class, title
			}})
		}
	}
	changes := map[string]string{}
	if len(assessments) >= 2 {
		first, latest := &assessments[0], &assessments[len(assessments)-1]
		for _, ch := range w.Compare(first, latest) {
			dir := direction(ch)
			changes[ch.Domain] = dir
			pic.Changes = append(pic.Changes, wheelChange{Domain: w.Label(ch.Domain, p.Lang),
				Before: marks(p, ch.WasConcern, ch.WasStrength), After: marks(p, ch.IsConcern, ch.IsStrength), Direction: dir})
		}
	}
	seg := 2 * math.Pi / float64(n)
	ringW := wheelRings / float64(len(rings))
	for i, d := range domains {
		a1 := -math.Pi/2 + float64(i)*seg - seg/2
		a2 := a1 + seg
		for j, rg := range rings {
			r1 := wheelInner + float64(j)*ringW
			r2 := r1 + ringW
			class, title := rg.kind(d.Key)
			mid := (a1 + a2) / 2
			rm := (r1 + r2) / 2
			cell := wheelCell{D: sector(a1, a2, r1, r2), Class: class,
				Title: d.Label.In(p.Lang) + " – " + rg.label + ": " + title,
				MX:    round1(wheelCX + rm*math.Cos(mid)), MY: round1(wheelCY + rm*math.Sin(mid) + 5)}
			switch class {
			case "w-concern":
				cell.Mark = "!"
			case "w-strength":
				cell.Mark = "+"
			}
			pic.Cells = append(pic.Cells, cell)
		}
		mid := (a1 + a2) / 2
		rl := wheelInner + wheelRings + 14
		x, y := wheelCX+rl*math.Cos(mid), wheelCY+rl*math.Sin(mid)+5
		anchor := "middle"
		switch {
		case math.Cos(mid) > 0.3:
			anchor = "start"
		case math.Cos(mid) < -0.3:
			anchor = "end"
		}
		if math.Sin(mid) > 0.9 {
			y += 8
		}
		pic.Labels = append(pic.Labels, wheelLabel{X: round1(x), Y: round1(y), Anchor: anchor, Text: d.Label.In(p.Lang), Change: changes[d.Key]})
	}
	for _, rg := range rings {
		pic.Rings = append(pic.Rings, rg.label)
	}
	return pic
}

func direction(ch wheel.Change) string {
	better := (ch.WasConcern && !ch.IsConcern) || (!ch.WasStrength && ch.IsStrength)
	worse := (!ch.WasConcern && ch.IsConcern) || (ch.WasStrength && !ch.IsStrength)
	switch {
	case better && !worse:
		return "better"
	case worse && !better:
		return "worse"
	}
	return "mixed"
}

func marks(p *page, concern, strength bool) string {
	var parts []string
	if concern {
		parts = append(parts, p.T("kind_concern"))
	}
	if strength {
		parts = append(parts, p.T("kind_strength"))
	}
	if len(parts) == 0 {
		return p.T("wheel_neither")
	}
	return strings.Join(parts, " + ")
}

// sector is the SVG path of a ring segment between two angles and two radii.
func sector(a1, a2, r1, r2 float64) string {
	pt := func(r, a float64) string {
		return fmt.Sprintf("%.1f %.1f", wheelCX+r*math.Cos(a), wheelCY+r*math.Sin(a))
	}
	return fmt.Sprintf("M%s A%.0f %.0f 0 0 1 %s L%s A%.0f %.0f 0 0 0 %s Z",
		pt(r2, a1), r2, r2, pt(r2, a2), pt(r1, a2), r1, r1, pt(r1, a1))
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
