package pdf

import (
	"math"
)

// seriesColours tell series apart; the second is warm because it usually carries the bad news
// (invalid absence, the period before the measures).
var seriesColours = []rgb{
	{0x2A, 0x6F, 0x97},
	{0xE0, 0x7A, 0x3F},
	{0x6A, 0x99, 0x4E},
	{0x8E, 0x6C, 0x8A},
}

const maxSeries = 4

const (
	chartAxisW  = 16.0 // tick labels left of the plot
	chartPlotH  = 55.0
	chartValue  = 7.0 // value label size
	chartLabel  = 7.5 // category label size
	chartMaxBar = 16.0
	chartTitleH = 6.0
	chartLegH   = 6.0
)

// chartLayout is what both keep and render need to know about a chart's size.
type chartLayout struct {
	labels   []string
	slot     float64 // horizontal room per bar
	vertical bool    // labels read upwards because they do not fit under their bar
	every    int     // label every n-th bar when even upright labels would overlap
	labelH   float64
	height   float64
}

func (c BarChart) layout(r *renderer) chartLayout {
	l := chartLayout{labels: make([]string, len(c.Bars)), every: 1, labelH: 6}
	l.slot = (contentW - chartAxisW) / float64(max(1, len(c.Bars)))
	labelW := 0.0
	for i, b := range c.Bars {
		l.labels[i] = r.m.cleanLine(b.Label)
		labelW = max(labelW, r.m.textWidth(l.labels[i], regular, chartLabel))
	}
	if labelW > l.slot-1 {
		l.vertical = true
		l.labelH = min(labelW, 24) + 2
		const lineH = chartLabel * mmPerPt * 1.2
		l.every = int(math.Ceil(lineH / l.slot))
	}
	l.height = 2 + 5 + chartPlotH + l.labelH + 4
	if c.Title != "" {
		l.height += chartTitleH
	}
	if len(c.Series) > 0 {
		l.height += chartLegH
	}
	return l
}

// keep is the whole chart: it is never split.
func (c BarChart) keep(r *renderer) float64 { return c.layout(r).height }

func (c BarChart) render(r *renderer) {
	nSeries := max(1, len(c.Series))
	unit := r.m.cleanLine(c.Unit)
	top, step := niceScale(c.maxValue(nSeries))
	l := c.layout(r)
	plotX := marginL + chartAxisW
	plotW := contentW - chartAxisW
	slot, labels := l.slot, l.labels

	r.y += 2
	r.ensure(l.height - 2)
	if c.Title != "" {
		r.textAt(marginL, baseline(r.y, 5, 10), r.m.cleanLine(c.Title), AlignLeft, bold, 10, accent)
		r.y += chartTitleH
	}
	if len(c.Series) > 0 {
		r.chartLegend(c.Series)
		r.y += chartLegH
	}
	if unit != "" {
		r.textAt(plotX-2, baseline(r.y, 4, chartLabel), unit, AlignRight, regular, chartLabel, grey)
	}
	r.y += 5
	axisY := r.y + chartPlotH
	scale := chartPlotH / top

	// Grid and ticks.
	r.lineWidth(0.15)
	for k := 0; float64(k)*step <= top+step/2; k++ {
		v := float64(k) * step
		y := axisY - v*scale
		r.drawColor(lightGrey)
		r.f.Line(plotX, y, plotX+plotW, y)
		r.textAt(plotX-2, y+0.3*chartLabel*mmPerPt, formatNumber(v), AlignRight, regular, chartLabel, grey)
	}

	group := min(slot*0.7, chartMaxBar*float64(nSeries))
	barW := group
	if !c.Stacked {
		barW = group / float64(nSeries)
	}
	showValues := c.valuesFit(r, unit, barW, nSeries)
	for i, b := range c.Bars {
		x0 := plotX + float64(i)*slot + (slot-group)/2
		if c.Stacked {
			r.stackedBar(b, x0, barW, axisY, scale, nSeries, unit, showValues)
		} else {
			for s := range nSeries {
				v := value(b, s)
				x := x0 + float64(s)*barW
				r.fillColor(seriesColours[s])
				if h := v * scale; h > 0 {
					r.f.Rect(x, axisY-h, barW, h, "F")
				}
				if showValues {
					r.textAt(x+barW/2, axisY-v*scale-1.2, withUnit(v, unit), AlignCenter, regular, chartValue, black)
				}
			}
		}
		cx := plotX + (float64(i)+0.5)*slot
		switch {
		case i%l.every != 0:
		case l.vertical:
			r.verticalLabel(cx, axisY+1.5, r.m.truncate(labels[i], regular, chartLabel, l.labelH-2))
		default:
			r.textAt(cx, baseline(axisY+1, 4, chartLabel), labels[i], AlignCenter, regular, chartLabel, black)
		}
	}
	r.drawColor(black)
	r.lineWidth(0.3)
	r.f.Line(plotX, axisY, plotX+plotW, axisY)
	r.y = axisY + l.labelH + 4
}

func (c BarChart) maxValue(nSeries int) float64 {
	m := 0.0
	for _, b := range c.Bars {
		sum := 0.0
		for s := range nSeries {
			v := value(b, s)
			sum += v
			m = max(m, v)
		}
		if c.Stacked {
			m = max(m, sum)
		}
	}
	return m
}

func value(b Bar, s int) float64 {
	if s < len(b.Values) {
		return b.Values[s]
	}
	return 0
}

func withUnit(v float64, unit string) string {
	if unit == "" {
		return formatNumber(v)
	}
	return formatNumber(v) + "\u00a0" + unit
}

// valuesFit reports whether every value label fits over its bar; crowded charts show none
// rather than overlapping ones.
func (c BarChart) valuesFit(r *renderer, unit string, barW float64, nSeries int) bool {
	for _, b := range c.Bars {
		if c.Stacked {
			total := 0.0
			for s := range nSeries {
				total += value(b, s)
			}
			if r.m.textWidth(withUnit(total, unit), regular, chartValue) > barW+2 {
				return false
			}
			continue
		}
		for s := range nSeries {
			if r.m.textWidth(withUnit(value(b, s), unit), regular, chartValue) > barW+0.8 {
				return false
			}
		}
	}
	return true
}

func (r *renderer) stackedBar(b Bar, x, w, axisY, scale float64, nSeries int, unit string, showValues bool) {
	y := axisY
	total := 0.0
	for s := range nSeries {
		v := value(b, s)
		total += v
		h := v * scale
		if h <= 0 {
			continue
		}
		r.fillColor(seriesColours[s])
		r.f.Rect(x, y-h, w, h, "F")
		label := formatNumber(v)
		if showValues && h >= 4 && r.m.textWidth(label, regular, chartValue) <= w-1 {
			r.textAt(x+w/2, y-h/2+0.35*chartValue*mmPerPt, label, AlignCenter, regular, chartValue, white)
		}
		y -= h
	}
	if showValues {
		r.textAt(x+w/2, y-1.2, withUnit(total, unit), AlignCenter, bold, chartValue, black)
	}
}

// verticalLabel writes s reading upwards, ending just below the axis at (x, y).
func (r *renderer) verticalLabel(x, y float64, s string) {
	r.f.TransformBegin()
	r.f.TransformRotate(90, x, y)
	w := r.m.textWidth(s, regular, chartLabel)
	r.textAt(x-w, y+0.35*chartLabel*mmPerPt, s, AlignLeft, regular, chartLabel, black)
	r.transformEnd()
}

func (r *renderer) chartLegend(series []string) {
	const size = 8.5
	x := marginL + chartAxisW
	for i, s := range series {
		s = r.m.cleanLine(s)
		r.fillColor(seriesColours[i])
		r.f.Rect(x, r.y+0.5, 4, 3.5, "F")
		x += 5.5
		r.textAt(x, baseline(r.y, 4.5, size), s, AlignLeft, regular, size, black)
		x += r.m.textWidth(s, regular, size) + 7
	}
}

// niceScale picks an axis top and a tick step of 1, 2 or 5 times a power of ten, giving about
// five ticks whose labels need at most one decimal.
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
	step = max(step, 0.1) // formatNumber prints one decimal
	return math.Ceil(maxV/step-1e-9) * step, step
}
