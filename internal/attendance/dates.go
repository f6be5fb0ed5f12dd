package attendance

import (
	"fmt"
	"strings"
	"time"
)

// Dates are handled as day numbers (days since 1970-01-01) inside the package: comparing and
// stepping integers keeps the detection loops free of time.Time arithmetic.

// dayNumber returns the day number of t's calendar date in t's own location.
func dayNumber(t time.Time) int32 {
	y, m, d := t.Date()
	return civilToDays(y, int(m), d)
}

// civilToDays is Howard Hinnant's days_from_civil.
func civilToDays(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// dateOf returns the UTC midnight of a day number.
func dateOf(n int32) time.Time {
	return time.Unix(int64(n)*86400, 0).UTC()
}

// DateOnly returns t's calendar date as UTC midnight, the form every Day and Row uses.
func DateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func isoDate(n int32) string { return dateOf(n).Format("2006-01-02") }

// dateFormat is a compiled layout date format such as "YYYY-MM-DD", "D/M/YYYY" or "YYYYMMDD".
type dateFormat struct {
	text  string
	parts []datePart
}

type datePart struct {
	kind    byte // 'Y', 'M', 'D' or 0 for a literal
	min     int  // digits
	max     int
	literal byte
}

func compileDateFormat(f string) (dateFormat, error) {
	out := dateFormat{text: f}
	seen := map[byte]bool{}
	for i := 0; i < len(f); {
		c := f[i]
		switch c {
		case 'Y', 'M', 'D':
			j := i
			for j < len(f) && f[j] == c {
				j++
			}
			width := j - i
			p := datePart{kind: c, min: width, max: width}
			switch {
			case c == 'Y' && width == 4:
			case c != 'Y' && width == 2:
			case c != 'Y' && width == 1:
				p.max = 2 // D and M accept one or two digits
			default:
				return dateFormat{}, fmt.Errorf("%q: %q is not a date part (use YYYY, MM, M, DD or D)", f, f[i:j])
			}
			if seen[c] {
				return dateFormat{}, fmt.Errorf("%q: %c appears twice", f, c)
			}
			seen[c] = true
			if n := len(out.parts); p.min != p.max && n > 0 && out.parts[n-1].kind != 0 {
				return dateFormat{}, fmt.Errorf("%q: a one-digit part needs a separator before it", f)
			}
			if n := len(out.parts); n > 0 && out.parts[n-1].kind != 0 && out.parts[n-1].min != out.parts[n-1].max {
				return dateFormat{}, fmt.Errorf("%q: a one-digit part needs a separator after it", f)
			}
			out.parts = append(out.parts, p)
			i = j
		case '-', '/', '.', ' ':
			out.parts = append(out.parts, datePart{literal: c})
			i++
		default:
			return dateFormat{}, fmt.Errorf("%q: unexpected %q (allowed: YYYY MM M DD D and - / . space)", f, c)
		}
	}
	if !seen['Y'] || !seen['M'] || !seen['D'] {
		return dateFormat{}, fmt.Errorf("%q: needs a year, a month and a day", f)
	}
	return out, nil
}

// parse reads a date; anything after the date that starts with a space or "T" (a time of day in
// lesson exports) is ignored. ok is false when b is not a real calendar date in this format.
func (f *dateFormat) parse(b []byte) (n int32, ok bool) {
	y, m, d := 0, 0, 0
	i := 0
	for _, p := range f.parts {
		if p.kind == 0 {
			if i >= len(b) || b[i] != p.literal {
				return 0, false
			}
			i++
			continue
		}
		v, digits := 0, 0
		for digits < p.max && i < len(b) && b[i] >= '0' && b[i] <= '9' {
			v = v*10 + int(b[i]-'0')
			i++
			digits++
		}
		if digits < p.min {
			return 0, false
		}
		switch p.kind {
		case 'Y':
			y = v
		case 'M':
			m = v
		case 'D':
			d = v
		}
	}
	if i < len(b) && b[i] != ' ' && b[i] != 'T' {
		return 0, false
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return civilToDays(y, m, d), true
}

// humanFormat renders "YYYY-MM-DD" the Swedish way for messages ("ÅÅÅÅ-MM-DD").
func humanFormatSV(f string) string { return strings.ReplaceAll(f, "Y", "Å") }
