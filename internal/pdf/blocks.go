package pdf

import "strings"

const paragraphGap = 2.5

func (h Heading) render(r *renderer) {
	size, lh, before := 13.0, 6.5, 5.0
	if h.Level >= 2 {
		size, lh, before = 11, 5.5, 3.5
	}
	lines := r.wrap(h.Text, bold, size, contentW)
	if !r.atTop() {
		r.y += before
	}
	r.ensure(float64(len(lines))*lh + 1.5 + r.keepNext)
	for _, l := range lines {
		r.textAt(marginL, baseline(r.y, lh, size), l, AlignLeft, bold, size, accent)
		r.y += lh
	}
	r.y += 1.5
}

func (Heading) keep(*renderer) float64   { return 12 }
func (Paragraph) keep(*renderer) float64 { return 2 * bodyLH }
func (Fields) keep(*renderer) float64    { return 2*4.8 + 2.2 }
func (Table) keep(*renderer) float64     { return 2*4.4 + 2.8 + 2*4.4 + 2.8 }
func (Quote) keep(*renderer) float64     { return 5 + 2*5.4 + 4 }
func (Signature) keep(*renderer) float64 { return 44 }
func (PageBreak) keep(*renderer) float64 { return 0 }

func (p Paragraph) render(r *renderer) {
	r.flow(r.wrap(p.Text, regular, bodySize, contentW), marginL, AlignLeft, regular, bodySize, bodyLH, black)
	r.y += paragraphGap
}

func (PageBreak) render(r *renderer) {
	if !r.atTop() {
		r.newPage()
	}
}

// fieldLabelW is wide enough for the longest labels in the document set ("Beslutsfattare").
const fieldLabelW = 42.0

func (fs Fields) render(r *renderer) {
	g := grid{
		widths:  []float64{fieldLabelW, contentW - fieldLabelW},
		pad:     1.1,
		lh:      4.8,
		rowRule: true,
	}
	for _, f := range fs.Rows {
		g.row(r,
			cell{text: f.Label, style: bold, size: 9, color: grey},
			cell{text: f.Value, style: regular, size: bodySize, color: black},
		)
	}
	r.y += paragraphGap
}

func (t Table) render(r *renderer) {
	var total float64
	for _, c := range t.Columns {
		total += weight(c.Width)
	}
	g := grid{pad: 1.4, lh: 4.4, borders: true, zebra: true}
	for _, c := range t.Columns {
		g.widths = append(g.widths, contentW*weight(c.Width)/total)
		g.header = append(g.header, cell{text: c.Title, style: bold, size: 8.5, color: accent, align: c.Align})
	}
	g.prepare(r, g.header)
	cells := make([]cell, len(t.Columns))
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			cells[i] = cell{style: regular, size: 9, color: black, align: c.Align}
			if i < len(row) {
				cells[i].text = row[i]
			}
		}
		g.row(r, cells...)
	}
	g.finish(r)
	r.y += paragraphGap + 1
}

func weight(w float64) float64 {
	if w <= 0 {
		return 1
	}
	return w
}

// Quote sets the child's words apart: a coloured bar, a tinted background, a label saying whose
// words they are, and quotation marks.
func (q Quote) render(r *renderer) {
	const (
		indent = 6.0
		size   = 10.5
		lh     = 5.4
	)
	label := q.Label
	if label == "" {
		label = "Barnets egna ord"
	}
	textW := contentW - indent - 4
	var items []boxLine
	items = append(items, boxLine{text: r.m.cleanLine(label), style: bold, size: 8.5, lh: 5, color: quoteBar})
	text := strings.TrimSpace(r.m.clean(q.Text))
	for _, l := range r.m.wrap("”"+text+"”", regular, size, textW, nil) {
		items = append(items, boxLine{text: l, style: regular, size: size, lh: lh, color: black})
	}
	if q.Source != "" {
		for _, l := range r.m.wrap("– "+r.m.cleanLine(q.Source), regular, 8.5, textW, nil) {
			items = append(items, boxLine{text: l, style: regular, size: 8.5, lh: 4.4, color: grey})
		}
	}
	r.box(items, indent, quoteFill, quoteBar)
	r.y += paragraphGap + 1
}

// boxLine is one line inside a tinted box.
type boxLine struct {
	text  string
	style style
	size  float64
	lh    float64
	color rgb
}

// box draws lines on a tinted background with a bar at the left, continuing on the next page
// when needed; each page's part gets its own background and bar.
func (r *renderer) box(items []boxLine, indent float64, fill, bar rgb) {
	const padY = 2.0
	// Keep the first two lines (the label and the first words) together.
	head := padY * 2
	for _, it := range items[:min(len(items), 3)] {
		head += it.lh
	}
	r.ensure(head)
	for len(items) > 0 {
		h, n := padY*2, 0
		for n < len(items) && r.y+h+items[n].lh <= contentBottom {
			h += items[n].lh
			n++
		}
		if n == 0 {
			if r.atTop() {
				n, h = 1, h+items[0].lh // taller than a page: let it overflow rather than loop
			} else {
				r.newPage()
				continue
			}
		}
		r.fillColor(fill)
		r.f.Rect(marginL, r.y, contentW, h, "F")
		r.fillColor(bar)
		r.f.Rect(marginL, r.y, 1.4, h, "F")
		y := r.y + padY
		for _, it := range items[:n] {
			r.textAt(marginL+indent, baseline(y, it.lh, it.size), it.text, AlignLeft, it.style, it.size, it.color)
			y += it.lh
		}
		r.y += h
		items = items[n:]
		if len(items) > 0 {
			r.newPage()
		}
	}
}

// Signature is kept whole on one page: a signature split from its name means nothing.
func (s Signature) render(r *renderer) {
	meta := &r.meta
	label := or(s.Label, "Beslutsfattare")
	name := or(s.Name, meta.DecisionMaker)
	title := or(s.Title, meta.DecisionMakerTitle)
	date := s.Date
	if date.IsZero() {
		date = meta.Date
	}
	const lineW = 80.0
	r.y += 4
	r.ensure(40) // keep says 44: the 4 above may fall at the page break
	x := marginL
	r.textAt(x, baseline(r.y, 5, 10), r.m.cleanLine(label), AlignLeft, bold, 10, accent)
	r.y += 6
	if d := formatDate(date); d != "" {
		r.textAt(x, baseline(r.y, 5, 10), "Datum: "+d, AlignLeft, regular, 10, black)
	}
	r.y += 6
	if meta.Signed {
		signed := "Elektroniskt signerat"
		if !meta.SignedAt.IsZero() {
			signed += " " + meta.SignedAt.Format("2006-01-02 15:04")
		}
		r.textAt(x, baseline(r.y+4, 5, 9), signed, AlignLeft, regular, 9, quoteBar)
	}
	r.y += 12
	r.drawColor(black)
	r.lineWidth(0.3)
	r.f.Line(x, r.y, x+lineW, r.y)
	r.y += 1
	r.textAt(x, baseline(r.y, 5, 10), r.m.cleanLine(name), AlignLeft, bold, 10, black)
	r.y += 5
	r.textAt(x, baseline(r.y, 4.5, 9), r.m.cleanLine(title), AlignLeft, regular, 9, grey)
	r.y += 4.5 + paragraphGap
}

func or(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}
