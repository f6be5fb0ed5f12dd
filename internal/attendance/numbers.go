package attendance

import "math"

// maxMinutesPerRow bounds one row's time: a day (or lesson) has at most 24 hours.
const maxMinutesPerRow = 24 * 60

type numProblem uint8

const (
	numOK numProblem = iota
	numEmpty
	numNotNumber
	numNegative
	numTooLarge
)

// parseMinutes reads a time value: "45", "1,5" or "1.5" (decimal comma or point), in minutes or
// in hours, or "1:30" (always hours and minutes). Spaces and no-break spaces are allowed as
// thousands separators. The result is rounded to whole minutes.
func parseMinutes(b []byte, hours bool) (int, numProblem) {
	b = trimSpace(b)
	if len(b) == 0 {
		return 0, numEmpty
	}
	negative := false
	if b[0] == '-' || b[0] == '+' {
		negative = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, numNotNumber
		}
	}
	var whole, frac, scale float64 = 0, 0, 1
	digits, decimals := 0, 0
	colon, point := -1, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if point {
				if decimals < 6 {
					frac = frac*10 + float64(c-'0')
					scale *= 10
				}
				decimals++
				continue
			}
			if digits >= 9 {
				return 0, numTooLarge
			}
			whole = whole*10 + float64(c-'0')
			digits++
		case (c == ',' || c == '.') && !point && colon < 0 && digits > 0:
			point = true
		case c == ':' && colon < 0 && !point && digits > 0:
			colon = i
		case c == ' ' && !point && colon < 0 && digits > 0:
		case c == 0xC2 && i+1 < len(b) && b[i+1] == 0xA0 && !point && colon < 0 && digits > 0:
			i++ // U+00A0 no-break space
		default:
			return 0, numNotNumber
		}
	}
	if point && decimals == 0 {
		return 0, numNotNumber
	}
	var minutes float64
	if colon >= 0 {
		// h:mm — the digits before the colon are hours, the two after are minutes.
		mm := b[colon+1:]
		if len(mm) != 2 || mm[0] > '5' {
			return 0, numNotNumber
		}
		m := float64(mm[0]-'0')*10 + float64(mm[1]-'0')
		minutes = (whole-m)/100*60 + m
	} else {
		minutes = whole + frac/scale
		if hours {
			minutes *= 60
		}
	}
	if negative && minutes != 0 {
		return 0, numNegative
	}
	if minutes > maxMinutesPerRow {
		return 0, numTooLarge
	}
	return int(math.Round(minutes)), numOK
}

// trimSpace trims ASCII white space and no-break spaces without allocating.
func trimSpace(b []byte) []byte {
	for len(b) > 0 {
		switch {
		case b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n':
			b = b[1:]
		case len(b) > 1 && b[0] == 0xC2 && b[1] == 0xA0:
			b = b[2:]
		default:
			goto right
		}
	}
right:
	for len(b) > 0 {
		n := len(b)
		switch {
		case b[n-1] == ' ' || b[n-1] == '\t' || b[n-1] == '\r' || b[n-1] == '\n':
			b = b[:n-1]
		case n > 1 && b[n-2] == 0xC2 && b[n-1] == 0xA0:
			b = b[:n-2]
		default:
			return b
		}
	}
	return b
}
