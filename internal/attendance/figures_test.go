package attendance

import (
	"testing"
	"time"
)

// calendar returns one Day per weekday from..to, 300 minutes offered each, no absence.
func calendar(from, to time.Time) []Day {
	var days []Day
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append(days, Day{Date: d, Offered: 300})
		}
	}
	return days
}

// absent sets the absence of the day on date on.
func absent(t testing.TB, days []Day, on time.Time, valid, invalid int) {
	t.Helper()
	for i := range days {
		if days[i].Date.Equal(on) {
			if valid+invalid > days[i].Offered {
				t.Fatalf("test data: %d minutes absent of %d on %s", valid+invalid, days[i].Offered, on.Format(time.DateOnly))
			}
			days[i].Valid, days[i].Invalid = valid, invalid
			return
		}
	}
	t.Fatalf("no school day %s", on.Format(time.DateOnly))
}

func TestSummarise(t *testing.T) {
	days := calendar(date(2026, 9, 7), date(2026, 9, 25)) // three weeks, 15 days
	absent(t, days, date(2026, 9, 7), 300, 0)             // outside the period
	absent(t, days, date(2026, 9, 14), 60, 0)
	absent(t, days, date(2026, 9, 18), 0, 90)
	absent(t, days, date(2026, 9, 21), 300, 0) // outside the period
	days[6].Offered = 0                        // 2026-09-15: a study day without teaching

	p := Summarise(days, date(2026, 9, 14), date(2026, 9, 18))
	want := Period{
		From: date(2026, 9, 14), To: date(2026, 9, 18),
		SchoolDays: 4, OfferedMinutes: 1200, ValidMinutes: 60, InvalidMinutes: 90,
		AbsencePercent: 12.5, ValidPercent: 5, InvalidPercent: 7.5,
	}
	if p != want {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
	if Summarise(days, date(2026, 10, 1), date(2026, 10, 31)).HasData() {
		t.Error("a period without days has no data")
	}
	// Times of day and zones do not move a date in or out of the period.
	stockholm := time.FixedZone("CEST", 2*3600)
	if q := Summarise(days, time.Date(2026, 9, 14, 23, 30, 0, 0, stockholm), time.Date(2026, 9, 18, 0, 1, 0, 0, stockholm)); q != want {
		t.Errorf("with times of day: %+v", q)
	}
}

func TestWeeklySeriesFollowsISOWeeksAcrossNewYear(t *testing.T) {
	days := calendar(date(2026, 12, 16), date(2026, 12, 18))
	days = append(days, calendar(date(2027, 1, 7), date(2027, 1, 13))...)
	absent(t, days, date(2026, 12, 17), 0, 150)
	absent(t, days, date(2027, 1, 8), 300, 0)
	absent(t, days, date(2027, 1, 12), 0, 300)

	weeks := Weekly(days, date(2026, 12, 16), date(2027, 1, 13))
	type wk struct {
		year, week, days int
		pct              float64
		from, to         string
	}
	want := []wk{
		{2026, 51, 3, 100 * 150.0 / 900, "2026-12-16", "2026-12-20"}, // starts mid-week: from is clipped
		{2026, 52, 0, 0, "2026-12-21", "2026-12-27"},                 // holiday: present, without data
		{2026, 53, 0, 0, "2026-12-28", "2027-01-03"},                 // 2026 has 53 ISO weeks
		{2027, 1, 2, 50, "2027-01-04", "2027-01-10"},
		{2027, 2, 3, 100 * 300.0 / 900, "2027-01-11", "2027-01-13"},
	}
	if len(weeks) != len(want) {
		t.Fatalf("%d weeks: %+v", len(weeks), weeks)
	}
	for i, w := range weeks {
		got := wk{w.Year, w.Week, w.SchoolDays, w.AbsencePercent, w.From.Format(time.DateOnly), w.To.Format(time.DateOnly)}
		if got != want[i] {
			t.Errorf("week %d: got %+v want %+v", i, got, want[i])
		}
	}
	if Weekly(days, date(2027, 1, 13), date(2027, 1, 1)) != nil {
		t.Error("an inverted range has no weeks")
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		p      float64
		sv, en string
	}{
		{18, "18 %", "18%"},
		{18.25, "18,3 %", "18.3%"},
		{12.04, "12 %", "12%"},
		{0, "0 %", "0%"},
		{-0.01, "0 %", "0%"},
		{100, "100 %", "100%"},
	}
	for _, tt := range tests {
		if sv, en := FormatPercent(tt.p, "sv"), FormatPercent(tt.p, "en"); sv != tt.sv || en != tt.en {
			t.Errorf("FormatPercent(%v) = %q / %q, want %q / %q", tt.p, sv, en, tt.sv, tt.en)
		}
	}
}

func TestDayNumbers(t *testing.T) {
	for _, d := range []time.Time{date(1970, 1, 1), date(2000, 2, 29), date(2026, 12, 31), date(1899, 3, 1), date(2400, 3, 1)} {
		n := dayNumber(d)
		if int64(n) != d.Unix()/86400 || !dateOf(n).Equal(d) {
			t.Errorf("%s: %d", d, n)
		}
		if got, want := weekday(n), (int32(d.Weekday())+6)%7; got != want {
			t.Errorf("%s: weekday %d want %d", d, got, want)
		}
	}
}
