package narvaro_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

var canonicalPnr = regexp.MustCompile(`^[0-9]{8}-[0-9]{4}$`)

// FuzzParsePersonnummer feeds arbitrary text to the personnummer parser. It must never panic;
// whatever it accepts is canonical (the form the database's CHECK requires), has a valid check
// digit, parses again to itself, and agrees with the allocation-free form used by imports.
func FuzzParsePersonnummer(f *testing.F) {
	for _, s := range []string{"20120315-9817", "120315-9817", "201203159817", "1203159817", "120315+9817", "20120375-9815",
		"", " ", "\x00", "20120315-981", "2012-03-15-9817", "١٢٠٣١٥-٩٨١٧", "20120315\u00a09817", "99999999-9999", "00000000-0000",
		"'; DROP TABLE students; --", "<script>alert(1)</script>", "20121332-1234", "19000229-1234"} {
		f.Add(s)
	}
	now := time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := narvaro.ParsePersonnummer(s, now)
		q, prob := narvaro.NormalisePersonnummer([]byte(s), now)
		if (err == nil) != (prob == narvaro.PnrOK) || p != q {
			t.Fatalf("%q: Parse = %q, %v but Normalise = %q, %v", s, p, err, q, prob)
		}
		if err != nil {
			if narvaro.ErrorCode(err) != narvaro.CodeInvalid {
				t.Fatalf("%q: error %v is not an invalid-input error", s, err)
			}
			return
		}
		if !canonicalPnr.MatchString(string(p)) {
			t.Fatalf("%q accepted as %q, which is not canonical", s, p)
		}
		nine := string(p[2:8]) + string(p[9:12])
		if narvaro.LuhnDigit(nine) != p[12] {
			t.Fatalf("%q accepted as %q with a wrong check digit", s, p)
		}
		again, err := narvaro.ParsePersonnummer(string(p), now)
		if err != nil || again != p {
			t.Fatalf("%q: the canonical %q parses to %q, %v", s, p, again, err)
		}
	})
}
