package narvaro

import (
	"bytes"
	"strings"
	"time"
)

// Personnummer is a Swedish personal identity number or samordningsnummer (coordination number,
// day of birth + 60) in the canonical form YYYYMMDD-NNNN.
type Personnummer string

// PnrProblem says why a personnummer was rejected; PnrOK means it is valid.
type PnrProblem uint8

const (
	PnrOK PnrProblem = iota
	PnrMissing
	PnrFormat
	PnrDate
	PnrFuture
	PnrChecksum
)

var pnrMessages = [...]Text{
	PnrOK:       {},
	PnrMissing:  {SV: "Personnummer saknas.", EN: "The personal identity number is missing."},
	PnrFormat:   {SV: "Personnumret har fel format (väntat ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN).", EN: "The personal identity number has the wrong format (expected YYYYMMDD-NNNN or YYMMDD-NNNN)."},
	PnrDate:     {SV: "Personnumret innehåller inget giltigt födelsedatum.", EN: "The personal identity number does not contain a valid date of birth."},
	PnrFuture:   {SV: "Personnumrets födelsedatum ligger i framtiden.", EN: "The date of birth in the personal identity number is in the future."},
	PnrChecksum: {SV: "Personnumrets kontrollsiffra stämmer inte.", EN: "The check digit of the personal identity number is wrong."},
}

// Text explains the problem in Swedish and English.
func (p PnrProblem) Text() Text { return pnrMessages[p] }

// ParsePersonnummer accepts the forms people and exports use — YYYYMMDD-NNNN, YYYYMMDDNNNN,
// YYMMDD-NNNN, YYMMDD+NNNN (the plus marks someone aged 100 or more) and YYMMDDNNNN — and returns
// the canonical form, or an invalid-input error on the field "personnummer" saying what is wrong.
// now resolves the century of the short forms.
func ParsePersonnummer(s string, now time.Time) (Personnummer, error) {
	p, prob := NormalisePersonnummer([]byte(s), now)
	if prob != PnrOK {
		msg := prob.Text()
		s = strings.TrimSpace(s)
		return "", Invalid("personnummer", "\""+s+"\": "+msg.SV, "\""+s+"\": "+msg.EN)
	}
	return p, nil
}

// NormalisePersonnummer is ParsePersonnummer without allocation beyond the result, for imports of
// millions of rows. It accepts 12 or 10 digits, with or without the separator; for the 10-digit
// form the century is the latest one that puts the birth date on or before today, one more century
// back with "+". A samordningsnummer (day of birth plus 60) is valid too. The check digit is
// verified with the Luhn algorithm over the 10-digit form.
func NormalisePersonnummer(s []byte, today time.Time) (Personnummer, PnrProblem) {
	s = bytes.TrimSpace(bytes.ReplaceAll(s, []byte("\u00a0"), []byte(" ")))
	if len(s) == 0 {
		return "", PnrMissing
	}
	var d [12]byte
	n := 0
	sep := byte(0)
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if n == 12 {
				return "", PnrFormat
			}
			d[n] = c - '0'
			n++
		case (c == '-' || c == '+') && sep == 0 && len(s)-i == 5:
			sep = c
		default:
			return "", PnrFormat
		}
	}
	if sep == '+' && n != 10 {
		return "", PnrFormat
	}
	if sep != 0 && n != 10 && n != 12 {
		return "", PnrFormat
	}
	ty, tm, td := today.Date()
	var year int
	var digits [10]byte
	switch n {
	case 12:
		year = int(d[0])*1000 + int(d[1])*100 + int(d[2])*10 + int(d[3])
		copy(digits[:], d[2:12])
	case 10:
		copy(digits[:], d[:10])
		yy := int(d[0])*10 + int(d[1])
		year = ty - ty%100 + yy
		month, day := int(d[2])*10+int(d[3]), int(d[4])*10+int(d[5])
		if day > 60 {
			day -= 60
		}
		if afterDate(year, month, day, ty, int(tm), td) {
			year -= 100
		}
		if sep == '+' {
			year -= 100
		}
	default:
		return "", PnrFormat
	}
	month := int(digits[2])*10 + int(digits[3])
	day := int(digits[4])*10 + int(digits[5])
	if day > 60 {
		day -= 60 // samordningsnummer
	}
	if year < 1800 || month < 1 || month > 12 || day < 1 || time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return "", PnrDate
	}
	if afterDate(year, month, day, ty, int(tm), td) {
		return "", PnrFuture
	}
	if !LuhnValid(digits) {
		return "", PnrChecksum
	}
	var out [13]byte
	out[0] = byte('0' + year/1000)
	out[1] = byte('0' + year/100%10)
	for i := 0; i < 6; i++ {
		out[2+i] = '0' + digits[i]
	}
	out[8] = '-'
	for i := 6; i < 10; i++ {
		out[3+i] = '0' + digits[i]
	}
	return Personnummer(out[:]), PnrOK
}

// LuhnValid checks the control digit over the ten-digit form YYMMDDNNNC.
func LuhnValid(d [10]byte) bool {
	sum := 0
	for i := 0; i < 10; i++ {
		v := int(d[i])
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
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

// LuhnDigit computes the control digit for the nine digits YYMMDDNNN. Demo data uses it to make
// fictional but well-formed numbers.
func LuhnDigit(nine string) byte {
	var d [10]byte
	for i := 0; i < 9 && i < len(nine); i++ {
		d[i] = nine[i] - '0'
	}
	for c := byte(0); c <= 9; c++ {
		if d[9] = c; LuhnValid(d) {
			return '0' + c
		}
	}
	return '0'
}

func afterDate(y, m, d, y2, m2, d2 int) bool {
	if y != y2 {
		return y > y2
	}
	if m != m2 {
		return m > m2
	}
	return d > d2
}
