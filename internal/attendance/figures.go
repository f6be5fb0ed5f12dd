package attendance

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Day is one student's attendance on one date, in minutes. Slices of Day are sorted by date with
// at most one Day per date (attendance_days' primary key guarantees it).
type Day struct {
	Date    time.Time
	Offered int
	Valid   int
	Invalid int
}

// Period sums a stretch of days. The percentages are of the offered time, 0 when none was
// offered (HasData tells the two apart).
type Period struct {
	From           time.Time `json:"from"`
	To             time.Time `json:"to"`
	SchoolDays     int       `json:"school_days"` // days with offered time
	OfferedMinutes int       `json:"offered_minutes"`
	ValidMinutes   int       `json:"valid_minutes"`
	InvalidMinutes int       `json:"invalid_minutes"`
	AbsencePercent float64   `json:"absence_percent"`
	ValidPercent   float64   `json:"valid_percent"`
	InvalidPercent float64   `json:"invalid_percent"`
}

// HasData reports whether any time was offered in the period.
func (p Period) HasData() bool { return p.OfferedMinutes > 0 }

// Summarise sums the days from from to to, both dates included.
func Summarise(days []Day, from, to time.Time) Period {
	a, b := dayNumber(from), dayNumber(to)
	t := sumRange(days, search(days, a), search(days, b+1))
	p := Period{From: dateOf(a), To: dateOf(b)}
	p.fill(t)
	return p
}

func (p *Period) fill(t totals) {
	p.SchoolDays, p.OfferedMinutes, p.ValidMinutes, p.InvalidMinutes = t.days, t.offered, t.valid, t.invalid
	p.AbsencePercent = t.percent()
	p.ValidPercent = t.validPercent()
	p.InvalidPercent = t.invalidPercent()
}

// Week is one ISO week (Monday to Sunday) of a weekly series.
type Week struct {
	Year int `json:"year"` // ISO year, which differs from the calendar year around New Year
	Week int `json:"week"`
	Period
}

// Weekly returns one Week per ISO week touching from..to, in order, including weeks without data
// (holidays), so a chart's axis has no gaps. Each week's figures cover only days inside from..to.
func Weekly(days []Day, from, to time.Time) []Week {
	a, b := dayNumber(from), dayNumber(to)
	if b < a {
		return nil
	}
	monday := a - weekday(a)
	out := make([]Week, 0, (b-monday)/7+1)
	i := search(days, a)
	for ; monday <= b; monday += 7 {
		lo, hi := max(monday, a), min(monday+6, b)
		j := i
		for j < len(days) && dayNumber(days[j].Date) <= hi {
			j++
		}
		w := Week{}
		w.Year, w.Week = dateOf(monday).ISOWeek()
		w.From, w.To = dateOf(lo), dateOf(hi)
		w.fill(sumRange(days, i, j))
		out = append(out, w)
		i = j
	}
	return out
}

// weekday is 0 for Monday … 6 for Sunday. Day 0 (1970-01-01) was a Thursday.
func weekday(n int32) int32 { return ((n % 7) + 7 + 3) % 7 }

type totals struct {
	days, offered, valid, invalid int
}

func (t totals) percent() float64        { return pct(t.valid+t.invalid, t.offered) }
func (t totals) validPercent() float64   { return pct(t.valid, t.offered) }
func (t totals) invalidPercent() float64 { return pct(t.invalid, t.offered) }

func pct(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// sumRange sums days[i:j]; days without offered time do not count as school days.
func sumRange(days []Day, i, j int) totals {
	var t totals
	for k := i; k < j; k++ {
		d := &days[k]
		if d.Offered > 0 {
			t.days++
		}
		t.offered += d.Offered
		t.valid += d.Valid
		t.invalid += d.Invalid
	}
	return t
}

// search returns the index of the first day on or after day number n.
func search(days []Day, n int32) int {
	lo, hi := 0, len(days)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if dayNumber(days[m].Date) < n {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// FormatPercent formats a percentage with at most one decimal, with a decimal comma and a space
// before the sign for Swedish ("12,5 %") and a point for English ("12.5%").
func FormatPercent(p float64, lang string) string {
	if strings.HasPrefix(lang, "en") {
		return formatNumber(p, "en") + "%"
	}
	return formatNumber(p, "sv") + " %"
}

// formatNumber rounds to one decimal and drops a trailing zero: 18, 18,3 (sv) or 18.3 (en).
func formatNumber(v float64, lang string) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
		s = strings.Replace(s, "-", "−", 1)
	}
	return s
}
