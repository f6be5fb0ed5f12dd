package narvaro

import (
	"strings"
	"time"
)

// Personnummer is a Swedish personal identity number or samordningsnummer (coordination number,
// day of birth + 60) in the canonical form YYYYMMDD-NNNN.
type Personnummer string

// ParsePersonnummer accepts the forms people and exports use — YYYYMMDD-NNNN, YYYYMMDDNNNN,
// YYMMDD-NNNN, YYMMDD+NNNN (the plus marks someone aged 100 or more) and YYMMDDNNNN — and returns
// the canonical form. The date must exist and the last digit must pass the Luhn check.
// now resolves the century of the short forms.
func ParsePersonnummer(s string, now time.Time) (Personnummer, error) {
	s = strings.TrimSpace(s)
	plus := strings.Contains(s, "+")
	digits := strings.Map(func(r rune) rune {
		if r == '-' || r == '+' || r == ' ' {
			return -1
		}
		return r
	}, s)
	for _, r := range digits {
		if r < '0' || r > '9' {
			return "", invalidPersonnummer(s)
		}
	}
	switch len(digits) {
	case 12:
	case 10:
		digits = withCentury(digits, plus, now)
	default:
		return "", invalidPersonnummer(s)
	}
	if !validBirthDate(digits[:8]) || !luhnValid(digits[2:]) {
		return "", invalidPersonnummer(s)
	}
	return Personnummer(digits[:8] + "-" + digits[8:]), nil
}

// IsCoordinationNumber reports whether this is a samordningsnummer.
func (p Personnummer) IsCoordinationNumber() bool {
	return len(p) >= 8 && p[6] >= '6'
}

// Masked hides the last four digits, the way lists and pages show it by default.
func (p Personnummer) Masked() string {
	if len(p) < 13 {
		return "********-****"
	}
	return string(p[:9]) + "****"
}

func (p Personnummer) String() string { return string(p) }

func withCentury(short string, plus bool, now time.Time) string {
	yy := int(short[0]-'0')*10 + int(short[1]-'0')
	year := now.Year() - now.Year()%100 + yy
	if year > now.Year() {
		year -= 100
	}
	if plus {
		year -= 100
	}
	return itoa4(year)[:2] + short
}

func itoa4(n int) string {
	b := []byte{'0', '0', '0', '0'}
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

func validBirthDate(yyyymmdd string) bool {
	day := int(yyyymmdd[6]-'0')*10 + int(yyyymmdd[7]-'0')
	if day > 60 {
		day -= 60 // samordningsnummer
	}
	t, err := time.Parse("20060102", yyyymmdd[:6]+twoDigits(day))
	return err == nil && !t.IsZero()
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// luhnValid checks the control digit over the ten-digit form YYMMDDNNNC.
func luhnValid(ten string) bool {
	sum := 0
	for i, r := range ten {
		d := int(r - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// LuhnDigit computes the control digit for the nine digits YYMMDDNNN. Demo data uses it to make
// fictional but well-formed numbers.
func LuhnDigit(nine string) byte {
	for c := byte('0'); c <= '9'; c++ {
		if luhnValid(nine + string(c)) {
			return c
		}
	}
	return '0'
}

func invalidPersonnummer(s string) *Error {
	return Invalid("personnummer",
		"\""+s+"\" är inte ett giltigt personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN, kontrollsiffran ska stämma).",
		"\""+s+"\" is not a valid personal identity or coordination number (YYYYMMDD-NNNN with a correct check digit).")
}
