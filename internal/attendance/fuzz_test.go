package attendance

import (
	"bytes"
	"errors"
	"github.com/narvaro/narvaro/internal/narvaro"
	"io"
	"os"
	"sort"
	"testing"
	"time"
)

// FuzzReader feeds arbitrary bytes to every layout. The reader must never panic, must end, and
// must never return a row that breaks the invariants the database relies on.
func FuzzReader(f *testing.F) {
	all := loadLayouts(f)
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		data, err := os.ReadFile("testdata/" + n + ".csv")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(i))
	}
	f.Add([]byte("Personnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n20120315-2382;2026-09-14;1:30;0,5;\"1\n"), uint8(0))
	f.Add([]byte("\xff\xfeP\x00;\x00"), uint8(1))
	f.Add([]byte{}, uint8(2))

	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		l := all[names[int(which)%len(names)]]
		check := func(src RowSource, what string) {
			for i := 0; ; i++ {
				if i > len(data)+3 {
					t.Fatalf("%s: more results than lines", what)
				}
				row, err := src.Next()
				var rowErr *RowError
				if errors.As(err, &rowErr) {
					if rowErr.Line < 1 || rowErr.Reason.SV == "" || rowErr.Reason.EN == "" {
						t.Fatalf("%s: row error without line or text: %+v", what, rowErr)
					}
					continue
				}
				if err == io.EOF || err != nil {
					return
				}
				if row.ValidMinutes < 0 || row.InvalidMinutes < 0 || row.ValidMinutes+row.InvalidMinutes > row.OfferedMinutes || row.OfferedMinutes > 24*60 {
					t.Fatalf("%s: row breaks the minute invariants: %+v", what, row)
				}
				if p, prob := narvaro.NormalisePersonnummer([]byte(row.Personnummer), today); prob != narvaro.PnrOK || string(p) != row.Personnummer {
					t.Fatalf("%s: row with a bad personnummer: %+v", what, row)
				}
				if row.Day.Location() != time.UTC || !row.Day.Equal(DateOnly(row.Day)) || row.Day.Year() < 2000 || row.Day.After(today.AddDate(1, 0, 0)) {
					t.Fatalf("%s: row with a bad day: %+v", what, row)
				}
				if row.Line < 1 {
					t.Fatalf("%s: row without a line number: %+v", what, row)
				}
			}
		}
		r, err := NewReader(bytes.NewReader(data), l, WithToday(today))
		if err != nil {
			return
		}
		check(r, "reader")
		if r2, err := NewReader(bytes.NewReader(data), l, WithToday(today)); err == nil {
			check(MergeLessons(r2), "MergeLessons")
		}
		if r3, err := NewReader(bytes.NewReader(data), l, WithToday(today)); err == nil {
			rows, _, _ := SumLessons(r3)
			check(&sliceSource{rows: rows}, "SumLessons")
		}
	})
}

type sliceSource struct{ rows []Row }

func (s *sliceSource) Next() (Row, error) {
	if len(s.rows) == 0 {
		return Row{}, io.EOF
	}
	r := s.rows[0]
	s.rows = s.rows[1:]
	return r, nil
}
