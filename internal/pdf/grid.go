package pdf

import (
	"math"
	"slices"
)

// cell is one table or field cell before layout.
type cell struct {
	text  string
	style style
	size  float64
	color rgb
	align Align
}

// grid lays out rows of wrapped cells: tables and label/value fields. Rows move to the next page
// whole when they fit there; a row taller than a page is split between lines. The header row,
// if any, is repeated at the top of every page the grid continues on.
type grid struct {
	widths  []float64
	pad     float64
	lh      float64
	header  []cell
	borders bool
	zebra   bool
	rowRule bool

	hdrLines [][]string // wrapped header, set by prepare
	rowIndex int
	scratch  [][]string
	// top is where the grid's part on the current page starts; the column borders are drawn
	// from there as one line per column when the page or the grid ends.
	top     float64
	started bool
}

// prepare wraps the header and places it, together with room for a first row, so that a table
// never starts with a lonely header at the bottom of a page.
func (g *grid) prepare(r *renderer, header []cell) {
	g.hdrLines = g.wrapCells(r, header, nil)
	r.ensure(g.height(g.hdrLines) + g.lh*2 + g.pad*2)
	g.drawHeader(r)
}

func (g *grid) wrapCells(r *renderer, cells []cell, into [][]string) [][]string {
	// Growing from into[:0] keeps the line slices of earlier rows for reuse.
	into = slices.Grow(into[:0], len(cells))[:len(cells)]
	for i, c := range cells {
		into[i] = r.m.wrap(r.m.clean(c.text), c.style, c.size, g.widths[i]-2*g.pad, into[i][:0])
	}
	return into
}

func (g *grid) height(lines [][]string) float64 {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return float64(n)*g.lh + 2*g.pad
}

func (g *grid) drawHeader(r *renderer) {
	g.top, g.started = r.y, true
	if len(g.header) == 0 {
		return
	}
	h := g.height(g.hdrLines)
	r.fillColor(paleAccent)
	r.f.Rect(marginL, r.y, contentW, h, "F")
	g.drawCells(r, g.header, g.hdrLines, 0, math.MaxInt, h)
	r.y += h
	g.rowIndex = 0
}

// row places one row, breaking pages as needed.
func (g *grid) row(r *renderer, cells ...cell) {
	if !g.started {
		g.top, g.started = r.y, true
	}
	g.scratch = g.wrapCells(r, cells, g.scratch)
	lines := g.scratch
	total := g.height(lines)
	pageBody := contentBottom - contentTop
	if len(g.hdrLines) > 0 {
		pageBody -= g.height(g.hdrLines)
	}
	if r.y+total > contentBottom && total <= pageBody {
		g.pageBreak(r)
	}
	maxLines := 0
	for _, l := range lines {
		maxLines = max(maxLines, len(l))
	}
	from, fresh := 0, false
	for {
		fit := int((contentBottom - r.y - 2*g.pad + 0.01) / g.lh)
		if fit < 1 {
			if !fresh {
				g.pageBreak(r)
				fresh = true
				continue
			}
			fit = 1 // a header filling the page: overflow rather than loop
		}
		fresh = false
		n := min(fit, max(maxLines-from, 1))
		h := float64(n)*g.lh + 2*g.pad
		if g.zebra && g.rowIndex%2 == 1 {
			r.fillColor(paleGrey)
			r.f.Rect(marginL, r.y, contentW, h, "F")
		}
		g.drawCells(r, cells, lines, from, from+n, h)
		r.y += h
		from += n
		if from >= maxLines {
			break
		}
		g.pageBreak(r)
	}
	g.rowIndex++
}

func (g *grid) pageBreak(r *renderer) {
	g.finish(r)
	r.newPage()
	g.drawHeader(r)
}

// finish closes the grid's part on the current page by drawing its outer and column borders.
func (g *grid) finish(r *renderer) {
	if !g.borders || !g.started || r.y <= g.top {
		return
	}
	r.drawColor(lightGrey)
	r.lineWidth(0.2)
	x := marginL
	r.f.Line(x, g.top, x+contentW, g.top)
	r.f.Line(x, r.y, x+contentW, r.y)
	r.f.Line(x, g.top, x, r.y)
	for _, w := range g.widths {
		x += w
		r.f.Line(x, g.top, x, r.y)
	}
}

// drawCells draws lines [from, to) of every cell in a row box of height h at r.y.
func (g *grid) drawCells(r *renderer, cells []cell, lines [][]string, from, to int, h float64) {
	x := marginL
	for i, c := range cells {
		w := g.widths[i]
		tx := x + g.pad
		switch c.align {
		case AlignRight:
			tx = x + w - g.pad
		case AlignCenter:
			tx = x + w/2
		}
		y := r.y + g.pad
		for j := from; j < to && j < len(lines[i]); j++ {
			r.textAt(tx, baseline(y, g.lh, c.size), lines[i][j], c.align, c.style, c.size, c.color)
			y += g.lh
		}
		x += w
	}
	switch {
	case g.borders:
		// The rule above the row, drawn after the row's fill so that the fill does not cover
		// it; finish draws the last one below the grid.
		r.drawColor(lightGrey)
		r.lineWidth(0.2)
		r.f.Line(marginL, r.y, pageW-marginR, r.y)
	case g.rowRule:
		r.drawColor(paleAccent)
		r.lineWidth(0.2)
		r.f.Line(marginL, r.y+h, pageW-marginR, r.y+h)
	}
}
