package attendance

import (
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// pnrProblem says why a personnummer was rejected; zero means it is valid.
type pnrProblem uint8

const (
	pnrOK pnrProblem = iota
	pnrMissing
	pnrFormat
	pnrDate
	pnrFuture
	pnrChecksum
)

var pnrMessages = [...]narvaro.Text{
	pnrMissing:  {SV: "Personnummer saknas.", EN: "The personal identity number is missing."},
	pnrFormat:   {SV: "Personnumret har fel format (väntat ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN).", EN: "The personal identity number has the wrong format (expected YYYYMMDD-NNNN or YYMMDD-NNNN)."},
	pnrDate:     {SV: "Personnumret innehåller inget giltigt födelsedatum.", EN: "The personal identity number does not contain a valid date of birth."},
	pnrFuture:   {SV: "Personnumrets födelsedatum ligger i framtiden.", EN: "The date of birth in the personal identity number is in the future."},
	pnrChecksum: {SV: "Personnumrets kontrollsiffra stämmer inte.", EN: "The check digit of the personal identity number is wrong."},
}

// normalisePersonnummer returns s in the form YYYYMMDD-NNNN, which is how students.personnummer is
// stored. It accepts 12 or 10 digits, with or without the separator; for the 10-digit form the
// century is the latest one that puts the birth date on or before today, one more century back
// with "+" (the Skatteverket convention for people aged 100 or more). A samordningsnummer (day of
// birth plus 60) is valid too. The check digit is verified with the Luhn algorithm over the
// 10-digit form.
//
// This is local to the package because internal/narvaro has no personnummer type yet; the two
// should be unified once it has.
func normalisePersonnummer(s []byte, today time.Time) (string, pnrProblem) {
	s = trimSpace(s)
	if len(s) == 0 {
		return "", pnrMissing
	}
	var d [12]byte
	n := 0
	sep := byte(0)
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if n == 12 {
				return "", pnrFormat
			}
			d[n] = c - '0'
			n++
		case (c == '-' || c == '+') && sep == 0 && len(s)-i == 5:
			sep = c
		default:
			return "", pnrFormat
		}
	}
	if sep == '+' && n != 10 {
		return "", pnrFormat
	}
	if sep != 0 && n != 10 && n != 12 {
		return "", pnrFormat
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
		return "", pnrFormat
	}
	month := int(digits[2])*10 + int(digits[3])
	day := int(digits[4])*10 + int(digits[5])
	if day > 60 {
		day -= 60 // samordningsnummer
	}
	if year < 1800 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return "", pnrDate
	}
	if afterDate(year, month, day, ty, int(tm), td) {
		return "", pnrFuture
	}
	if !luhnOK(digits) {
		return "", pnrChecksum
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
	return string(out[:]), pnrOK
}

func luhnOK(d [10]byte) bool {
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

// pnrKey packs a canonical personnummer into a number, so the duplicate checks keep 8 bytes per
// student instead of a string.
func pnrKey(canonical string) uint64 {
	var k uint64
	for i := 0; i < len(canonical); i++ {
		if c := canonical[i]; c >= '0' && c <= '9' {
			k = k*10 + uint64(c-'0')
		}
	}
	return k
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

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
