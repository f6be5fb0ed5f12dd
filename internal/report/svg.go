package report

import (
	"fmt"
	"html"
	"strings"
)

// svgColours match the PDF charts' series colours.
var svgColours = []string{"#2A6F97", "#E07A3F", "#6A994E", "#8E6C8A"}

const (
	svgW      = 720.0
	svgPlotH  = 200.0
	svgAxisW  = 44.0
	svgRight  = 8.0
	svgTop    = 34.0 // legend
	svgMaxBar = 28.0
)

// SVG draws the chart as an inline SVG element: presentation attributes only (no style
// elements or attributes, which the Content-Security-Policy forbids), a title and description
// for screen readers, and each bar's value as a tooltip.
func (c Chart) SVG() string {
	nSeries := max(1, len(c.Series))
	maxV := 0.0
	for _, b := range c.Bars {
		for _, v := range b.Values {
			maxV = max(maxV, v)
		}
	}
	top, step := niceScale(maxV)
	slot := (svgW - svgAxisW - svgRight) / float64(max(1, len(c.Bars)))
	longest := 0
	for _, b := range c.Bars {
		longest = max(longest, len([]rune(b.Label)))
	}
	// Labels read upwards when they would not fit under their bar.
	vertical := float64(longest)*6.2 > slot-4
	labelH := 22.0
	if vertical {
		labelH = min(float64(longest)*6.2, 150) + 10
	}
	height := svgTop + svgPlotH + labelH
	axisY := svgTop + svgPlotH
	scale := svgPlotH / top
	plotX := svgAxisW

	var b strings.Builder
	esc := html.EscapeString
	id := "chart-" + esc(c.Key)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-t %s-d" font-family="sans-serif">`,
		n(svgW), n(height), id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.describe()))
	// Legend.
	x := plotX
	for i, s := range c.Series {
		fmt.Fprintf(&b, `<rect x="%s" y="8" width="12" height="12" fill="%s"/>`, n(x), svgColours[i%len(svgColours)])
		fmt.Fprintf(&b, `<text x="%s" y="18" font-size="12" fill="#222">%s</text>`, n(x+16), esc(s))
		x += 16 + float64(len([]rune(s)))*6.6 + 18
	}
	if c.Unit != "" {
		fmt.Fprintf(&b, `<text x="4" y="18" font-size="11" fill="#666">%s</text>`, esc(c.Unit))
	}
	// Grid and ticks.
	for k := 0; float64(k)*step <= top+step/2; k++ {
		v := float64(k) * step
		y := axisY - v*scale
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd" stroke-width="1"/>`, n(plotX), n(y), n(svgW-svgRight), n(y))
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" fill="#666" text-anchor="end">%s</text>`, n(plotX-6), n(y+4), FormatNumber(v))
	}
	group := min(slot*0.7, svgMaxBar*float64(nSeries))
	barW := group / float64(nSeries)
	for i, bar := range c.Bars {
		x0 := plotX + float64(i)*slot + (slot-group)/2
		for s := range nSeries {
			v, text := 0.0, ""
			if s < len(bar.Values) {
				v = bar.Values[s]
			}
			if s < len(bar.Texts) {
				text = bar.Texts[s]
			}
			h := v * scale
			bx := x0 + float64(s)*barW
			series := ""
			if s < len(c.Series) {
				series = c.Series[s] + ": "
			}
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				n(bx), n(axisY-h), n(max(barW-1, 1)), n(h), svgColours[s%len(svgColours)], esc(bar.Label+" – "+series+text+unitSuffix(c.Unit)))
			if barW >= 14 && text != "" {
				fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="10" fill="#222" text-anchor="middle">%s</text>`, n(bx+barW/2), n(axisY-h-3), esc(text))
			}
		}
		cx := plotX + (float64(i)+0.5)*slot
		if vertical {
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" fill="#222" text-anchor="end" transform="rotate(-90 %s %s)">%s</text>`,
				n(cx+4), n(axisY+6), n(cx+4), n(axisY+6), esc(bar.Label))
		} else {
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" fill="#222" text-anchor="middle">%s</text>`, n(cx), n(axisY+16), esc(bar.Label))
		}
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#222" stroke-width="1"/>`, n(plotX), n(axisY), n(svgW-svgRight), n(axisY))
	b.WriteString(`</svg>`)
	return b.String()
}

// describe is the chart in words, for screen readers.
func (c Chart) describe() string {
	var parts []string
	for _, b := range c.Bars {
		var vals []string
		for i, t := range b.Texts {
			name := ""
			if i < len(c.Series) {
				name = c.Series[i] + " "
			}
			vals = append(vals, name+t+unitSuffix(c.Unit))
		}
		parts = append(parts, b.Label+": "+strings.Join(vals, ", "))
	}
	return strings.Join(parts, "; ")
}

func unitSuffix(unit string) string {
	if unit == "" {
		return ""
	}
	return " " + unit
}

// n prints a coordinate with at most one decimal.
func n(v float64) string { return strings.Replace(FormatNumber(v), ",", ".", 1) }
