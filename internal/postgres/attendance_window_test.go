package postgres

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/attendance"
)

// Detection reads only the days from detectionFrom on. Whatever the data and the date, the
// rules must see the same thing as with the student's whole history.
func TestDetectionWindowLosesNothing(t *testing.T) {
	t.Parallel()
	det, err := attendance.LoadDetection(configs.FS, "detection.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sets := []attendance.RuleSet{det.Default, det.For("556677-8899"), {
		Name: "wide", TermStarts: []attendance.MonthDay{{Month: 8, Day: 15}},
		Rules: []attendance.Rule{{ID: "a", Kind: attendance.RisingTrend, Weeks: 8, Points: 1}, {ID: "b", Kind: attendance.ConsecutiveDays, Days: 30},
			{ID: "c", Kind: attendance.InvalidOccasions, Occasions: 2}, {ID: "d", Kind: attendance.TermPercent, Percent: 1}},
	}}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for student := range 200 {
		var days []attendance.Day
		absent := rng.Float64() * 0.6
		for d := range 600 {
			date := start.AddDate(0, 0, d)
			if wd := date.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			day := attendance.Day{Date: date, Offered: 300}
			if rng.Float64() < absent {
				day.Valid = rng.IntN(301)
				day.Invalid = rng.IntN(301 - day.Valid)
			}
			days = append(days, day)
		}
		asOf := start.AddDate(0, 0, 200+rng.IntN(390))
		for _, set := range sets {
			from := detectionFrom(set, asOf)
			var window []attendance.Day
			for _, d := range days {
				if !d.Date.Before(from) {
					window = append(window, d)
				}
			}
			all, part := attendance.Evaluate(set, days, asOf), attendance.Evaluate(set, window, asOf)
			if !reflect.DeepEqual(all, part) {
				t.Fatalf("student %d, set %s, as of %s from %s:\nall days: %v\nwindow:   %v", student, set.Name, asOf.Format(time.DateOnly), from.Format(time.DateOnly), all, part)
			}
			if a, b := attendance.HeadlinePercent(set, days, asOf), attendance.HeadlinePercent(set, window, asOf); a != b {
				t.Fatalf("headline %v vs %v", a, b)
			}
		}
	}
}

func TestDaySpanBitsAreWhatGetBitReads(t *testing.T) {
	t.Parallel()
	var s daySpan
	for _, d := range []int32{1000, 1002, 1070, 990, 1001} { // out of order on purpose
		s.add(d)
	}
	if s.first != 990 || s.last != 1070 {
		t.Fatalf("span %d–%d", s.first, s.last)
	}
	b := s.present()
	var got []int32
	for j := 0; j < len(b)*8; j++ {
		if b[j/8]&(1<<(j%8)) != 0 {
			got = append(got, s.first+int32(j))
		}
	}
	if fmt.Sprint(got) != "[990 1000 1001 1002 1070]" {
		t.Fatalf("present days %v", got)
	}
}
