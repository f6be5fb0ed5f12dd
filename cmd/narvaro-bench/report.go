package main

import (
	"fmt"
	"io"
	"sort"
)

// figure is one line of the output: a measured value, its goal and whether it was met.
type figure struct {
	Name  string
	Value float64
	Unit  string
	Ratio string // e.g. "31.2 % of floor"; empty when the figure has no reference
	Goal  string
	Met   string // "yes", "NO" or "-" (no goal)
	Note  string
}

func met(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

type report struct{ figures []figure }

func (r *report) add(f figure) {
	if f.Met == "" {
		f.Met = "-"
	}
	r.figures = append(r.figures, f)
}

// print writes one line per figure, aligned, so a person reads it and a script greps it.
func (r *report) print(w io.Writer) {
	if len(r.figures) == 0 {
		return
	}
	width := 0
	for _, f := range r.figures {
		width = max(width, len([]rune(f.Name)))
	}
	fmt.Fprintf(w, "%-*s  %14s  %-18s  %-26s  %-4s  %s\n", width, "figure", "value", "ratio", "goal", "met", "detail")
	for _, f := range r.figures {
		fmt.Fprintf(w, "%-*s  %14s  %-18s  %-26s  %-4s  %s\n", width+len(f.Name)-len([]rune(f.Name)), f.Name,
			formatValue(f.Value, f.Unit), f.Ratio, f.Goal, f.Met, f.Note)
	}
}

func formatValue(v float64, unit string) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f %s", v, unit)
	case v >= 10:
		return fmt.Sprintf("%.1f %s", v, unit)
	default:
		return fmt.Sprintf("%.2f %s", v, unit)
	}
}

// median of xs (xs is sorted in place).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
