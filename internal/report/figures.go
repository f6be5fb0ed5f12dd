package report

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Count is a number of students, cases or events. Before Publish, N is exact; after it, a
// suppressed count has N = 0 and Text saying why ("< 5"), so the exact value is gone.
type Count struct {
	N          int    `json:"n"`
	Text       string `json:"text"`
	Suppressed bool   `json:"suppressed,omitempty"`
}

// C is a count of n.
func C(n int) Count { return Count{N: n} }

// String is the count as printed.
func (c Count) String() string {
	if c.Text != "" {
		return c.Text
	}
	return strconv.Itoa(c.N)
}

// MarshalJSON writes a suppressed count's n as null, so no client mistakes it for zero.
func (c Count) MarshalJSON() ([]byte, error) {
	type plain struct {
		N          *int   `json:"n"`
		Text       string `json:"text"`
		Suppressed bool   `json:"suppressed,omitempty"`
	}
	p := plain{Text: c.String(), Suppressed: c.Suppressed}
	if !c.Suppressed {
		p.N = &c.N
	}
	return json.Marshal(p)
}

// Share is a percentage of one count in another. The counts it came from are kept (unexported)
// so that Publish can hide a share that would reveal a suppressed count.
type Share struct {
	Percent  *float64 `json:"percent"`
	Text     string   `json:"text"`
	num, den int
}

// ShareOf is num out of den as a percentage; unknown when den is 0.
func ShareOf(num, den int) Share {
	s := Share{num: num, den: den}
	if den > 0 {
		p := 100 * float64(num) / float64(den)
		s.Percent = &p
	}
	s.Text = formatPercent(s.Percent)
	return s
}

func (s Share) String() string { return formatPercent(s.Percent) }

// Days summarises durations in whole days: how many, their median and mean.
type Days struct {
	N      Count    `json:"n"`
	Median *float64 `json:"median_days"`
	Mean   *float64 `json:"mean_days"`
}

// Summarize computes a Days from the durations; the median of an even number of values is the
// mean of the middle two.
func Summarize(days []int) Days {
	d := Days{N: C(len(days))}
	if len(days) == 0 {
		return d
	}
	s := slices.Clone(days)
	slices.Sort(s)
	var med float64
	if n := len(s); n%2 == 1 {
		med = float64(s[n/2])
	} else {
		med = float64(s[n/2-1]+s[n/2]) / 2
	}
	sum := 0
	for _, v := range s {
		sum += v
	}
	mean := float64(sum) / float64(len(s))
	d.Median, d.Mean = &med, &mean
	return d
}

// Mean is the arithmetic mean, nil for no values.
func Mean(vs []float64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	m := sum / float64(len(vs))
	return &m
}

// FormatNumber prints v the Swedish way: decimal comma, one decimal, no decimal for whole
// numbers ("12", "12,5", "-3,2").
func FormatNumber(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strings.Replace(strconv.FormatFloat(r, 'f', -1, 64), ".", ",", 1)
}

// formatPercent prints "12,5 %", or "–" for an unknown value.
func formatPercent(p *float64) string {
	if p == nil {
		return "–"
	}
	return FormatNumber(*p) + " %"
}

// formatOpt prints an optional number, "–" when unknown.
func formatOpt(p *float64) string {
	if p == nil {
		return "–"
	}
	return FormatNumber(*p)
}
