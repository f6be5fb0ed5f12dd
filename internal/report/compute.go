package report

import (
	"cmp"
	"slices"
)

// DomainRef is a domain of the wheel as configured: its key and Swedish label.
type DomainRef struct {
	Key   string
	Label string
}

// DomainRows merges the per-domain counts into rows, the domains most often of concern first
// (cases, then wheel concerns, then the wheel's own order). Every configured domain gets a row;
// a key no longer configured (renamed since) keeps its key as its label.
func DomainRows(wheel []DomainRef, cases, wheelConcerns, measures map[string]int) []DomainRow {
	refs := withUnknown(wheel, cases, wheelConcerns, measures)
	rows := make([]DomainRow, len(refs))
	for i, d := range refs {
		rows[i] = DomainRow{Key: d.Key, Label: d.Label, Cases: C(cases[d.Key]), WheelConcerns: C(wheelConcerns[d.Key]), Measures: C(measures[d.Key])}
	}
	slices.SortStableFunc(rows, func(a, b DomainRow) int {
		return cmp.Or(cmp.Compare(b.Cases.N, a.Cases.N), cmp.Compare(b.WheelConcerns.N, a.WheelConcerns.N))
	})
	return rows
}

// withUnknown appends, sorted, the keys found in the data that the wheel no longer has.
func withUnknown(wheel []DomainRef, data ...map[string]int) []DomainRef {
	known := map[string]bool{}
	for _, d := range wheel {
		known[d.Key] = true
	}
	var extra []string
	for _, m := range data {
		for k := range m {
			if !known[k] {
				known[k] = true
				extra = append(extra, k)
			}
		}
	}
	slices.Sort(extra)
	out := slices.Clone(wheel)
	for _, k := range extra {
		out = append(out, DomainRef{Key: k, Label: k})
	}
	return out
}

// PlanWindow is one approved plan's absence in the weeks before and after its approval.
type PlanWindow struct {
	Domains []string // the domains its measures address
	// Complete is false while the weeks after the approval have not all passed.
	Complete bool
	// Before and After are the student's absence (valid and invalid, share of offered time) in
	// the windows; nil without attendance records.
	Before, After *float64
}

// EffectOf compares the windows: the mean absence before and after over the plans with complete
// data, overall and per domain of the plans' measures. A plan whose measures address several
// domains counts in each of them. Domains come in the wheel's order.
func EffectOf(plans []PlanWindow, wheel []DomainRef) EffectFigures {
	var e EffectFigures
	type acc struct {
		before, after []float64
		improved      int
	}
	all := &acc{}
	per := map[string]*acc{}
	var tooRecent, noData int
	for _, p := range plans {
		switch {
		case !p.Complete:
			tooRecent++
			continue
		case p.Before == nil || p.After == nil:
			noData++
			continue
		}
		add := func(a *acc) {
			a.before = append(a.before, *p.Before)
			a.after = append(a.after, *p.After)
			if *p.After < *p.Before {
				a.improved++
			}
		}
		add(all)
		seen := map[string]bool{}
		for _, d := range p.Domains {
			if seen[d] {
				continue
			}
			seen[d] = true
			if per[d] == nil {
				per[d] = &acc{}
			}
			add(per[d])
		}
	}
	row := func(key, label string, a *acc) EffectRow {
		r := EffectRow{Key: key, Label: label}
		if a != nil {
			r.Plans, r.Improved = C(len(a.before)), C(a.improved)
			r.Before, r.After = Mean(a.before), Mean(a.after)
		}
		return r
	}
	e.Overall = row("", "Samtliga planer", all)
	counts := map[string]int{}
	for k, a := range per {
		counts[k] = len(a.before)
	}
	for _, d := range withUnknown(wheel, counts) {
		e.Domains = append(e.Domains, row(d.Key, d.Label, per[d.Key]))
	}
	e.TooRecent, e.NoData = C(tooRecent), C(noData)
	return e
}
