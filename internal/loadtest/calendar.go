package loadtest

import "time"

// schoolDays lists the school days in the days before today (today excluded): weekdays outside
// the summer break (mid-June to mid-August), the Christmas break and one week each for the sports,
// Easter and autumn breaks. The rules are approximate on purpose; what matters is a realistic
// count (about 180 a year) and that the same today gives the same days.
func schoolDays(today time.Time, span int) []time.Time {
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for d := today.AddDate(0, 0, -span); d.Before(today); d = d.AddDate(0, 0, 1) {
		if isSchoolDay(d) {
			out = append(out, d)
		}
	}
	return out
}

func isSchoolDay(d time.Time) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, week := d.ISOWeek()
	md := int(d.Month())*100 + d.Day()
	switch {
	case md >= 615 && md <= 817: // summer
		return false
	case md >= 1221 || md <= 107: // Christmas and New Year
		return false
	case week == 8 || week == 15 || week == 44: // sports, Easter, autumn breaks
		return false
	}
	return true
}
