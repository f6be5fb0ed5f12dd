package demo

import "time"

// Exempelkommun's school calendar. Real municipalities publish their own each year; the demo uses
// a fixed rule that lands on plausible dates in any year: autumn term from the Monday of ISO week
// 34 to the Friday of week 51, spring term from the Monday of week 2 to the Friday of week 23.

// date returns t's calendar date as UTC midnight, so day arithmetic never meets a DST shift.
func date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// isoWeekday returns the given ISO weekday (1 = Monday … 7 = Sunday) of ISO week w of year y.
func isoWeekday(y, w, weekday int) time.Time {
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, time.UTC)
	week1 := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return week1.AddDate(0, 0, 7*(w-1)+weekday-1)
}

func autumnTerm(y int) (time.Time, time.Time) { return isoWeekday(y, 34, 1), isoWeekday(y, 51, 5) }
func springTerm(y int) (time.Time, time.Time) { return isoWeekday(y, 2, 1), isoWeekday(y, 23, 5) }

// term returns the term whose attendance the demo shows on today: the latest term that started
// before today. On a term's first day nothing of it has happened yet, so the previous term (with
// all its days) is shown rather than an empty one.
func term(today time.Time) (start, end time.Time) {
	today = date(today)
	y := today.Year()
	if s, e := autumnTerm(y); s.Before(today) {
		return s, e
	}
	if s, e := springTerm(y); s.Before(today) {
		return s, e
	}
	return autumnTerm(y - 1)
}

// termStart is the first day of the term attendance covers.
func termStart(today time.Time) time.Time {
	s, _ := term(today)
	return s
}

// schoolYear is the calendar year the school year of today began in (the autumn term's year),
// which fixes the birth year of each grade.
func schoolYear(today time.Time) int {
	s := termStart(today)
	if s.Month() < time.July {
		return s.Year() - 1
	}
	return s.Year()
}

// easter returns Easter Sunday (anonymous Gregorian algorithm).
func easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// isSchoolDay reports whether d is a weekday without a public holiday or a school break:
// höstlov (ISO week 44), Epiphany, sportlov (week 8), Good Friday and påsklov (the week after
// Easter), 1 May, Ascension Day with the bridge day after it, and the National Day.
func isSchoolDay(d time.Time) bool {
	d = date(d)
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	y := d.Year()
	_, week := d.ISOWeek()
	if week == 44 || week == 8 {
		return false
	}
	e := easter(y)
	switch {
	case d.Month() == time.January && d.Day() == 6,
		d.Month() == time.May && d.Day() == 1,
		d.Month() == time.June && d.Day() == 6,
		d.Equal(e.AddDate(0, 0, -2)),                                  // långfredagen
		!d.Before(e.AddDate(0, 0, 1)) && !d.After(e.AddDate(0, 0, 5)), // påsklov
		d.Equal(e.AddDate(0, 0, 39)), d.Equal(e.AddDate(0, 0, 40)):    // Kristi himmelsfärd + klämdag
		return false
	}
	return true
}

// schoolDays lists the school days of today's term up to and including the day before today.
func schoolDays(today time.Time) []time.Time {
	start, end := term(today)
	if last := date(today).AddDate(0, 0, -1); last.Before(end) {
		end = last
	}
	var days []time.Time
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if isSchoolDay(d) {
			days = append(days, d)
		}
	}
	return days
}
