package pdf

import (
	"math"

	"github.com/jung-kurt/gofpdf"
)

// Wheel colours. Concern is warm and hatched so that it survives black-and-white printing;
// strength is a green dot and rim, which can sit on top of a concern.
var (
	concernFill  = rgb{0xF8, 0xC9, 0xA0}
	concernHatch = rgb{0xC9, 0x55, 0x1B}
	strengthMark = rgb{0x2E, 0x8B, 0x57}
	neutralFill  = rgb{0xEC, 0xEE, 0xF1}
)

const (
	wheelR      = 36.0 // outer radius of the segments
	wheelHub    = 0.3 * wheelR
	wheelLabelR = wheelR + 6
	wheelLabelW = 40.0 // room for "Ansvarstagande" at 9 pt and a little more
	wheelLabelH = 14.0 // room above and below the circle for labels
)

// keep is the whole picture with its legend: the wheel is never split.
func (w Wheel) keep(*renderer) float64 {
	return w.titleH() + 2*wheelLabelH + 2*wheelR + 8
}

func (w Wheel) titleH() float64 {
	if w.Title != "" {
		return 7
	}
	return 0
}

func (w Wheel) render(r *renderer) {
	titleH := w.titleH()
	r.y += 2
	r.ensure(w.keep(r))
	if w.Title != "" {
		r.textAt(marginL, baseline(r.y, 6, 11), r.m.cleanLine(w.Title), AlignLeft, bold, 11, accent)
		r.y += titleH
	}
	cx, cy := marginL+contentW/2, r.y+wheelLabelH+wheelR
	n := len(w.Domains)
	step := 360.0 / float64(n)
	for i, d := range w.Domains {
		a0, a1 := float64(i)*step, float64(i+1)*step
		r.wheelSegment(cx, cy, a0, a1, d)
	}
	// White spokes and hub separate the segments whatever their fill.
	r.drawColor(white)
	r.lineWidth(0.8)
	for i := range n {
		x0, y0 := polar(cx, cy, float64(i)*step, wheelHub)
		x1, y1 := polar(cx, cy, float64(i)*step, wheelR)
		r.f.Line(x0, y0, x1, y1)
	}
	r.fillColor(white)
	r.f.Circle(cx, cy, wheelHub, "F")
	r.drawColor(lightGrey)
	r.lineWidth(0.3)
	r.f.Circle(cx, cy, wheelR, "D")
	for i, d := range w.Domains {
		r.wheelLabel(cx, cy, (float64(i)+0.5)*step, d.Label)
	}
	r.y = cy + wheelR + wheelLabelH
	r.wheelLegend()
	r.y += 3

	t := Table{Columns: []Column{
		{Title: "Område", Width: 1.1},
		{Title: "Bedömning", Width: 1},
		{Title: "Anteckning", Width: 2.6},
	}}
	for _, d := range w.Domains {
		t.Rows = append(t.Rows, []string{d.Label, assessment(d), d.Note})
	}
	t.render(r)
}

func assessment(d WheelDomain) string {
	switch {
	case d.Concern && d.Strength:
		return "Oro och styrka"
	case d.Concern:
		return "Oro"
	case d.Strength:
		return "Styrka"
	}
	return "–"
}

// polar is the point at angle degrees clockwise from twelve o'clock, radius from (cx, cy).
func polar(cx, cy, angle, radius float64) (float64, float64) {
	s, c := math.Sincos(angle * math.Pi / 180)
	return cx + radius*s, cy - radius*c
}

// annulus is the polygon of a ring sector between radii ri and ro, angles a0 to a1.
func annulus(cx, cy, a0, a1, ri, ro float64) []gofpdf.PointType {
	steps := max(4, int(math.Ceil((a1-a0)/3)))
	pts := make([]gofpdf.PointType, 0, 2*steps+2)
	for k := 0; k <= steps; k++ {
		x, y := polar(cx, cy, a0+(a1-a0)*float64(k)/float64(steps), ro)
		pts = append(pts, gofpdf.PointType{X: x, Y: y})
	}
	for k := steps; k >= 0; k-- {
		x, y := polar(cx, cy, a0+(a1-a0)*float64(k)/float64(steps), ri)
		pts = append(pts, gofpdf.PointType{X: x, Y: y})
	}
	return pts
}

func (r *renderer) wheelSegment(cx, cy, a0, a1 float64, d WheelDomain) {
	pts := annulus(cx, cy, a0, a1, wheelHub, wheelR)
	if d.Concern {
		r.fillColor(concernFill)
		r.f.Polygon(pts, "F")
		r.hatch(pts, concernHatch)
	} else {
		r.fillColor(neutralFill)
		r.f.Polygon(pts, "F")
	}
	if d.Strength {
		r.fillColor(strengthMark)
		r.f.Polygon(annulus(cx, cy, a0, a1, wheelR+0.8, wheelR+3), "F")
		x, y := polar(cx, cy, (a0+a1)/2, (wheelHub+wheelR)/2+2)
		r.drawColor(white)
		r.lineWidth(0.6)
		r.f.Circle(x, y, 3, "FD")
	}
}

// hatch fills the polygon with diagonal lines.
func (r *renderer) hatch(pts []gofpdf.PointType, c rgb) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = min(minX, p.X), max(maxX, p.X)
		minY, maxY = min(minY, p.Y), max(maxY, p.Y)
	}
	r.f.ClipPolygon(pts, false)
	r.drawColor(c)
	r.lineWidth(0.35)
	h := maxY - minY
	for x := minX - h; x < maxX; x += 2.2 {
		r.f.Line(x, maxY, x+h, minY)
	}
	r.clipEnd()
}

func (r *renderer) wheelLabel(cx, cy, angle float64, label string) {
	const size, lh = 9.0, 4.0
	lines := r.m.wrap(r.m.cleanLine(label), bold, size, wheelLabelW, nil)
	x, y := polar(cx, cy, angle, wheelLabelR)
	s, c := math.Sincos(angle * math.Pi / 180)
	a := AlignCenter
	switch {
	case s > 0.25:
		a = AlignLeft
	case s < -0.25:
		a = AlignRight
	}
	h := float64(len(lines)) * lh
	top := y - h/2
	switch {
	case c > 0.5:
		top = y - h
	case c < -0.5:
		top = y
	}
	for _, l := range lines {
		r.textAt(x, baseline(top, lh, size), l, a, bold, size, black)
		top += lh
	}
}

func (r *renderer) wheelLegend() {
	const size = 8.5
	entries := []string{"Oro", "Styrka", "Ingen markering"}
	gap, sw := 8.0, 5.0
	total := 0.0
	for _, e := range entries {
		total += sw + 2 + r.m.textWidth(e, regular, size) + gap
	}
	x := marginL + (contentW-total+gap)/2
	y := r.y
	for i, e := range entries {
		box := []gofpdf.PointType{{X: x, Y: y}, {X: x + sw, Y: y}, {X: x + sw, Y: y + 4}, {X: x, Y: y + 4}}
		switch i {
		case 0:
			r.fillColor(concernFill)
			r.f.Polygon(box, "F")
			r.hatch(box, concernHatch)
		case 1:
			r.fillColor(strengthMark)
			r.f.Circle(x+sw/2, y+2, 2, "F")
		default:
			r.fillColor(neutralFill)
			r.f.Polygon(box, "F")
		}
		x += sw + 2
		r.textAt(x, baseline(y, 4, size), e, AlignLeft, regular, size, black)
		x += r.m.textWidth(e, regular, size) + gap
	}
	r.y += 6
}
