package report

import (
	"errors"
	"strconv"
)

// Hidden is how a count suppressed only to protect another one is printed: it is not small
// itself, so "< 5" would be wrong.
const Hidden = ".."

// ErrNotPublished guards every output: a report must pass through Publish before it is written.
var ErrNotPublished = errors.New("report: the report must be published (small counts suppressed) before it is written")

// Publish applies the privacy rules for anything that leaves the administration, with k the
// configured threshold (statistics.suppress_below):
//
//   - a count from 1 to k-1 is shown as "< k" and its exact value is removed; zero is shown as
//     0, since it describes nobody;
//   - when a count is part of a group with a known total (the notices by outcome, the schools'
//     figures and the report's total, …) and it is the only hidden one, the smallest other count
//     is hidden too (shown as ".."), so the hidden one cannot be worked out by subtraction;
//   - a percentage is hidden when its numerator, its denominator or their difference is small,
//     a median or mean when it summarises fewer than k durations, and a before/after comparison
//     when fewer than k plans are behind it.
//
// Publish is applied once; later calls do nothing. k ≤ 1 hides nothing.
func (r *Report) Publish(k int) {
	if r.Published {
		return
	}
	r.Published, r.SuppressBelow = true, k
	small := func(n int) bool { return n > 0 && n < k }

	for _, s := range r.shares() {
		if small(s.num) || small(s.den) || small(s.den-s.num) {
			s.Percent = nil
		}
		s.Text = formatPercent(s.Percent)
	}
	for _, d := range []*Days{&r.Assessments.SignalToDecision, &r.Notices.StartToSent, &r.Investigations.DurationDays} {
		if small(d.N.N) {
			d.Median, d.Mean = nil, nil
		}
	}
	effects := append([]*EffectRow{&r.Effect.Overall}, ptrs(r.Effect.Domains)...)
	for _, e := range effects {
		if small(e.Plans.N) {
			e.Before, e.After = nil, nil
		}
	}

	counts := r.counts()
	for _, c := range counts {
		if small(c.N) {
			c.Suppressed, c.Text = true, "< "+strconv.Itoa(k)
		}
	}
	for _, g := range r.groups() {
		g.protect()
	}
	for _, c := range counts {
		if c.Suppressed {
			c.N = 0
			if c.Text == "" {
				c.Text = Hidden
			}
		} else {
			c.Text = strconv.Itoa(c.N)
		}
	}
}

func ptrs[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// group is a set of counts whose total is shown (or can be worked out).
type group struct {
	total *Count
	cells []*Count
}

// protect hides a second count when exactly one is hidden, so total minus the others does not
// give the hidden one away. The smallest other non-zero count is chosen: it loses the least.
func (g group) protect() {
	if g.total.Suppressed {
		return // every non-zero cell is below the threshold too
	}
	hidden := 0
	var pick *Count
	for _, c := range g.cells {
		switch {
		case c.Suppressed:
			hidden++
		case c.N > 0 && (pick == nil || c.N < pick.N):
			pick = c
		}
	}
	if hidden == 1 && pick != nil {
		pick.Suppressed = true // Text stays empty: printed as Hidden
	}
}

func (r *Report) shares() []*Share {
	return []*Share{&r.Notices.OnTimeShare, &r.Investigations.OnTimeShare, &r.FollowUps.OnTimeShare, &r.Closures.RestoredShare}
}

// counts lists every count in the report, so none escapes suppression.
func (r *Report) counts() []*Count {
	cs := []*Count{&r.Students, &r.Flagged, &r.Signals,
		&r.Cases.Opened, &r.Cases.Ongoing, &r.Cases.Closed,
		&r.Assessments.Started, &r.Assessments.NotNeeded, &r.Assessments.SignalToDecision.N,
		&r.Notices.Total, &r.Notices.OnTime, &r.Notices.Late, &r.Notices.UnsentOverdue, &r.Notices.UnsentPending, &r.Notices.StartToSent.N,
		&r.Investigations.Started, &r.Investigations.OnTime, &r.Investigations.Late, &r.Investigations.OpenOverdue,
		&r.Investigations.OpenPending, &r.Investigations.Ended, &r.Investigations.DurationDays.N,
		&r.FollowUps.Held, &r.FollowUps.Due, &r.FollowUps.OnTime, &r.FollowUps.Late, &r.FollowUps.Missed,
		&r.Closures.Closed, &r.Effect.TooRecent, &r.Effect.NoData,
		&r.Effect.Overall.Plans, &r.Effect.Overall.Improved,
	}
	for i := range r.Escalations {
		cs = append(cs, &r.Escalations[i].Count)
	}
	for i := range r.Closures.Reasons {
		cs = append(cs, &r.Closures.Reasons[i].Count)
	}
	for i := range r.Domains {
		d := &r.Domains[i]
		cs = append(cs, &d.Cases, &d.WheelConcerns, &d.Measures)
	}
	for i := range r.Effect.Domains {
		e := &r.Effect.Domains[i]
		cs = append(cs, &e.Plans, &e.Improved)
	}
	for i := range r.Months {
		m := &r.Months[i]
		cs = append(cs, &m.Signals, &m.Opened, &m.Started, &m.Closed)
	}
	for i := range r.Schools {
		s := &r.Schools[i]
		cs = append(cs, &s.Students, &s.Flagged, &s.Opened, &s.Ongoing, &s.Closed, &s.Started, &s.NoticesLate, &s.InvestigationsLate)
	}
	return cs
}

// groups lists the counts that add up to a total the reader also sees.
func (r *Report) groups() []group {
	n, inv, f := &r.Notices, &r.Investigations, &r.FollowUps
	gs := []group{
		{&n.Total, []*Count{&n.OnTime, &n.Late, &n.UnsentOverdue, &n.UnsentPending}},
		{&inv.Started, []*Count{&inv.OnTime, &inv.Late, &inv.OpenOverdue, &inv.OpenPending, &inv.Ended}},
		{&f.Due, []*Count{&f.OnTime, &f.Late, &f.Missed}},
		{&r.Closures.Closed, ptrsOf(r.Closures.Reasons, func(k *KindCount) *Count { return &k.Count })},
	}
	// Improved and not improved add up to the plans.
	effects := append([]*EffectRow{&r.Effect.Overall}, ptrs(r.Effect.Domains)...)
	for _, e := range effects {
		rest := &Count{N: e.Plans.N - e.Improved.N}
		rest.Suppressed = rest.N > 0 && r.SuppressBelow > rest.N
		gs = append(gs, group{&e.Plans, []*Count{&e.Improved, rest}})
	}
	if len(r.Schools) > 1 {
		col := func(total *Count, pick func(*SchoolRow) *Count) group {
			g := group{total: total}
			for i := range r.Schools {
				g.cells = append(g.cells, pick(&r.Schools[i]))
			}
			return g
		}
		lateNotices := &Count{N: n.Late.N + n.UnsentOverdue.N, Suppressed: n.Late.Suppressed || n.UnsentOverdue.Suppressed}
		lateInv := &Count{N: inv.Late.N + inv.OpenOverdue.N, Suppressed: inv.Late.Suppressed || inv.OpenOverdue.Suppressed}
		gs = append(gs,
			col(&r.Students, func(s *SchoolRow) *Count { return &s.Students }),
			col(&r.Flagged, func(s *SchoolRow) *Count { return &s.Flagged }),
			col(&r.Cases.Opened, func(s *SchoolRow) *Count { return &s.Opened }),
			col(&r.Cases.Ongoing, func(s *SchoolRow) *Count { return &s.Ongoing }),
			col(&r.Cases.Closed, func(s *SchoolRow) *Count { return &s.Closed }),
			col(&inv.Started, func(s *SchoolRow) *Count { return &s.Started }),
			col(lateNotices, func(s *SchoolRow) *Count { return &s.NoticesLate }),
			col(lateInv, func(s *SchoolRow) *Count { return &s.InvestigationsLate }),
		)
	}
	if len(r.Months) > 1 {
		col := func(total *Count, pick func(*MonthRow) *Count) group {
			g := group{total: total}
			for i := range r.Months {
				g.cells = append(g.cells, pick(&r.Months[i]))
			}
			return g
		}
		gs = append(gs,
			col(&r.Signals, func(m *MonthRow) *Count { return &m.Signals }),
			col(&r.Cases.Opened, func(m *MonthRow) *Count { return &m.Opened }),
			col(&inv.Started, func(m *MonthRow) *Count { return &m.Started }),
			col(&r.Cases.Closed, func(m *MonthRow) *Count { return &m.Closed }),
		)
	}
	return gs
}

func ptrsOf[T any](s []T, f func(*T) *Count) []*Count {
	out := make([]*Count, len(s))
	for i := range s {
		out[i] = f(&s[i])
	}
	return out
}
