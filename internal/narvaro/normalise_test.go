package narvaro_test

import (
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func TestNormalisePersonnummer(t *testing.T) {
	tests := []struct {
		in   string
		want string
		prob narvaro.PnrProblem
	}{
		{"20120315-2382", "20120315-2382", narvaro.PnrOK},
		{"201203152382", "20120315-2382", narvaro.PnrOK},
		{"120315-2382", "20120315-2382", narvaro.PnrOK},
		{"1203152382", "20120315-2382", narvaro.PnrOK},
		{" 120315-2382 ", "20120315-2382", narvaro.PnrOK},
		{"120315+2382", "19120315-2382", narvaro.PnrOK},   // "+" means a hundred years or more
		{"261231-2385", "19261231-2385", narvaro.PnrOK},   // later this year than today: last century
		{"20120872-3310", "20120872-3310", narvaro.PnrOK}, // samordningsnummer: day 12 + 60
		{"120872-3310", "20120872-3310", narvaro.PnrOK},   // samordningsnummer, 10 digits
		{"20120315-2383", "", narvaro.PnrChecksum},        // last digit off by one
		{"20120315-2328", "", narvaro.PnrChecksum},        // two digits swapped
		{"20140229-0009", "", narvaro.PnrDate},            // 2014 was not a leap year
		{"20121301-0000", "", narvaro.PnrDate},            // month 13
		{"20120100-0000", "", narvaro.PnrDate},            // day 0
		{"20120892-0000", "", narvaro.PnrDate},            // samordningsnummer day 32
		{"20300101-0002", "", narvaro.PnrFuture},          // born after today
		{"", "", narvaro.PnrMissing},                      //
		{"   ", "", narvaro.PnrMissing},                   //
		{"2012-03-15-2382", "", narvaro.PnrFormat},        // dashes in the date
		{"20120315+2382", "", narvaro.PnrFormat},          // "+" only with 10 digits
		{"2012031-52382", "", narvaro.PnrFormat},          // dash in the wrong place
		{"20120315-238", "", narvaro.PnrFormat},           // 11 digits
		{"2012031523820", "", narvaro.PnrFormat},          // 13 digits
		{"19120315 2382", "", narvaro.PnrFormat},          // space is not a separator
		{"ÅÄÖ", "", narvaro.PnrFormat},                    //
		{"20120315-2382-1", "", narvaro.PnrFormat},        //
	}
	for _, tt := range tests {
		got, prob := narvaro.NormalisePersonnummer([]byte(tt.in), today)
		if string(got) != tt.want || prob != tt.prob {
			t.Errorf("narvaro.NormalisePersonnummer(%q) = %q, %v; want %q, %v", tt.in, got, prob, tt.want, tt.prob)
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
		if !narvaro.LuhnValid(d) {
			t.Fatalf("test number %s is not Luhn-valid", tt.in)
		}
		got, prob := narvaro.NormalisePersonnummer([]byte(tt.in), time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC))
		if string(got) != tt.want || prob != narvaro.PnrOK {
			t.Errorf("%s = %s, %v; want %s", tt.in, got, prob, tt.want)
		}
	}
}
