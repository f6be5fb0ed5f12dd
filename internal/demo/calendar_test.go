package demo

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestTermStartIsTheLatestTermBegunBeforeToday(t *testing.T) {
	t.Parallel()
	tests := []struct {
		today, want string
	}{
		{"2026-11-23", "2026-08-17"},
		{"2026-08-18", "2026-08-17"},
		{"2026-08-17", "2026-01-05"}, // first day of term: nothing of it yet, show the spring term
		{"2026-07-01", "2026-01-05"}, // summer holiday: the spring term just ended
		{"2027-01-02", "2026-08-17"}, // Christmas holiday: the autumn term
		{"2027-01-11", "2026-08-17"},
		{"2027-01-12", "2027-01-11"},
		{"2027-04-15", "2027-01-11"},
	}
	for _, tt := range tests {
		t.Run(tt.today, func(t *testing.T) {
			t.Parallel()
			if got := termStart(day(tt.today)); !got.Equal(day(tt.want)) {
				t.Errorf("termStart(%s) = %s, want %s", tt.today, got.Format("2006-01-02"), tt.want)
			}
		})
	}
}

func TestIsSchoolDaySkipsWeekendsHolidaysAndBreaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2026-10-23", true, "Friday before höstlov"},
		{"2026-10-28", false, "höstlov, ISO week 44"},
		{"2026-11-02", true, "Monday after höstlov"},
		{"2026-11-21", false, "Saturday"},
		{"2027-01-06", false, "trettondedag jul"},
		{"2027-02-24", false, "sportlov, ISO week 8"},
		{"2027-03-26", false, "långfredagen"},
		{"2027-03-29", false, "annandag påsk"},
		{"2027-04-01", false, "påsklov"},
		{"2027-04-05", true, "Monday after påsklov"},
		{"2026-05-01", false, "första maj"},
		{"2027-05-05", true, "day before Kristi himmelsfärd"},
		{"2027-05-06", false, "Kristi himmelsfärdsdag"},
		{"2027-05-07", false, "klämdag after Kristi himmelsfärd"},
		{"2028-06-06", false, "nationaldagen on a Tuesday"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			t.Parallel()
			if got := isSchoolDay(day(tt.day)); got != tt.want {
				t.Errorf("isSchoolDay(%s) = %v, want %v (%s)", tt.day, got, tt.want, tt.why)
			}
		})
	}
}

func TestSchoolDaysRunFromTermStartToTheDayBeforeTodayOrTermEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		today       string
		first, last string
		count       int
	}{
		// Weeks 34–46 less höstlov, plus Monday–Thursday of week 47.
		{"2026-11-20", "2026-08-17", "2026-11-19", 13*5 - 5 + 4},
		// After the term: the whole autumn term, weeks 34–51 less höstlov.
		{"2026-12-28", "2026-08-17", "2026-12-18", 18*5 - 5},
		{"2026-08-18", "2026-08-17", "2026-08-17", 1},
	}
	for _, tt := range tests {
		t.Run(tt.today, func(t *testing.T) {
			t.Parallel()
			days := schoolDays(day(tt.today))
			if len(days) != tt.count {
				t.Fatalf("%d school days, want %d", len(days), tt.count)
			}
			if !days[0].Equal(day(tt.first)) || !days[len(days)-1].Equal(day(tt.last)) {
				t.Errorf("days run %s–%s, want %s–%s", days[0].Format("2006-01-02"),
					days[len(days)-1].Format("2006-01-02"), tt.first, tt.last)
			}
		})
	}
}

func TestFoldASCIIMakesMailboxNames(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Märta Åberg":     "marta.aberg",
		"Łukasz Öztürk":   "lukasz.ozturk",
		"Zoë Nguyễn":      "zoe.nguyen",
		"Ömer Yılmaz":     "omer.yilmaz",
		"Tuấn Đorđević":   "tuan.dordevic",
		"Linnéa Ødegaard": "linnea.odegaard",
	}
	for in, want := range tests {
		if got := foldASCII(in); got != want {
			t.Errorf("foldASCII(%q) = %q, want %q", in, got, want)
		}
	}
}
