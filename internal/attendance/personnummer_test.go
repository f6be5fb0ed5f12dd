package attendance

import (
	"testing"
	"time"
)

func TestPersonnummer(t *testing.T) {
	tests := []struct {
		in   string
		want string
		prob pnrProblem
	}{
		{"20120315-2382", "20120315-2382", pnrOK},
		{"201203152382", "20120315-2382", pnrOK},
		{"120315-2382", "20120315-2382", pnrOK},
		{"1203152382", "20120315-2382", pnrOK},
		{" 120315-2382 ", "20120315-2382", pnrOK},
		{"120315+2382", "19120315-2382", pnrOK},   // "+" means a hundred years or more
		{"261231-2385", "19261231-2385", pnrOK},   // later this year than today: last century
		{"20120872-3310", "20120872-3310", pnrOK}, // samordningsnummer: day 12 + 60
		{"120872-3310", "20120872-3310", pnrOK},   // samordningsnummer, 10 digits
		{"20120315-2383", "", pnrChecksum},        // last digit off by one
		{"20120315-2328", "", pnrChecksum},        // two digits swapped
		{"20140229-0009", "", pnrDate},            // 2014 was not a leap year
		{"20121301-0000", "", pnrDate},            // month 13
		{"20120100-0000", "", pnrDate},            // day 0
		{"20120892-0000", "", pnrDate},            // samordningsnummer day 32
		{"20300101-0002", "", pnrFuture},          // born after today
		{"", "", pnrMissing},                      //
		{"   ", "", pnrMissing},                   //
		{"2012-03-15-2382", "", pnrFormat},        // dashes in the date
		{"20120315+2382", "", pnrFormat},          // "+" only with 10 digits
		{"2012031-52382", "", pnrFormat},          // dash in the wrong place
		{"20120315-238", "", pnrFormat},           // 11 digits
		{"2012031523820", "", pnrFormat},          // 13 digits
		{"19120315 2382", "", pnrFormat},          // space is not a separator
		{"ÅÄÖ", "", pnrFormat},                    //
		{"20120315-2382-1", "", pnrFormat},        //
	}
	for _, tt := range tests {
		got, prob := normalisePersonnummer([]byte(tt.in), today)
		if got != tt.want || prob != tt.prob {
			t.Errorf("normalisePersonnummer(%q) = %q, %v; want %q, %v", tt.in, got, prob, tt.want, tt.prob)
		}
	}
}

func TestTenDigitCenturyFollowsToday(t *testing.T) {
	// Born 2026-11-23 is today: this century. Born 2026-11-24 would be tomorrow: last century.
	for _, tt := range []struct{ in, want string }{
		{"261123-0000", "20261123-0000"},
		{"261124-0009", "19261124-0009"},
	} {
		ten := []byte(tt.in[:6] + tt.in[7:])
		var d [10]byte
		for i := range d {
			d[i] = ten[i] - '0'
		}
		if !luhnOK(d) {
			t.Fatalf("test number %s is not Luhn-valid", tt.in)
		}
		got, prob := normalisePersonnummer([]byte(tt.in), time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC))
		if got != tt.want || prob != pnrOK {
			t.Errorf("%s = %s, %v; want %s", tt.in, got, prob, tt.want)
		}
	}
}

func TestPnrKeyIsUniquePerNumber(t *testing.T) {
	if pnrKey("20120315-2382") != 201203152382 || pnrKey("20120315-2382") == pnrKey("20120315-2390") {
		t.Error("pnrKey")
	}
}
