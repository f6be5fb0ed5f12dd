package narvaro_test

import (
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

func TestParsePersonnummer(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want narvaro.Personnummer
		ok   bool
	}{
		{"19121212-1212", "19121212-1212", true},
		{"191212121212", "19121212-1212", true},
		{"121212-1212", "20121212-1212", true},  // short form, this century
		{"121212+1212", "19121212-1212", true},  // plus: a hundred years earlier
		{"990101-0009", "19990101-0009", false}, // checksum wrong
		{"20150301-2385", "20150301-2385", true},
		{"20150361-2382", "20150361-2382", true}, // samordningsnummer: day 01 + 60
		{"19121212-1213", "", false},             // wrong check digit
		{"20150230-0000", "", false},             // no such date
		{"2015023", "", false},
		{"abcdefgh-ijkl", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := narvaro.ParsePersonnummer(tt.in, now)
			if tt.ok {
				if err != nil {
					t.Fatalf("ParsePersonnummer(%q) = error %v, want %s", tt.in, err, tt.want)
				}
				if got != tt.want {
					t.Fatalf("ParsePersonnummer(%q) = %s, want %s", tt.in, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParsePersonnummer(%q) = %s, want an error", tt.in, got)
			}
			if narvaro.ErrorCode(err) != narvaro.CodeInvalid {
				t.Fatalf("error code = %s, want invalid", narvaro.ErrorCode(err))
			}
		})
	}
}

func TestPersonnummerHelpers(t *testing.T) {
	p := narvaro.Personnummer("20150361-2382")
	if !p.IsCoordinationNumber() {
		t.Error("day 61 should be a samordningsnummer")
	}
	if got := p.Masked(); got != "20150361-****" {
		t.Errorf("Masked = %q", got)
	}
	nine := "121212121"
	if c := narvaro.LuhnDigit(nine); c != '2' {
		t.Errorf("LuhnDigit(%s) = %c, want 2", nine, c)
	}
}
