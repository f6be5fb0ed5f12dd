package attendance

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// today is fixed so that date ranges and 10-digit personnummer centuries are stable.
var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func loadLayouts(t testing.TB) map[string]Layout {
	t.Helper()
	ls, err := LoadLayouts(os.DirFS("../../configs/attendance-layouts"))
	if err != nil {
		t.Fatalf("LoadLayouts: %v", err)
	}
	return ls
}

func layout(t testing.TB, name string) Layout {
	t.Helper()
	l, ok := loadLayouts(t)[name]
	if !ok {
		t.Fatalf("no layout %q", name)
	}
	return l
}

// readAll drains a row source, separating good rows from row errors.
func readAll(t testing.TB, src RowSource) ([]Row, []*RowError) {
	t.Helper()
	var rows []Row
	var problems []*RowError
	for i := 0; ; i++ {
		if i > 1_000_000 {
			t.Fatal("reader does not end")
		}
		row, err := src.Next()
		var rowErr *RowError
		switch {
		case err == nil:
			rows = append(rows, row)
		case errors.As(err, &rowErr):
			problems = append(problems, rowErr)
		case err == io.EOF:
			return rows, problems
		default:
			t.Fatalf("Next: final error %v", err)
		}
	}
}

func open(t testing.TB, name string, l Layout) *Reader {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r, err := NewReader(f, l, WithToday(today))
	if err != nil {
		t.Fatalf("NewReader(%s): %v", name, err)
	}
	return r
}

func newReader(t testing.TB, l Layout, text string) *Reader {
	t.Helper()
	r, err := NewReader(strings.NewReader(text), l, WithToday(today))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	return r
}

type sums struct{ rows, offered, valid, invalid int }

func total(rows []Row) sums {
	var s sums
	for _, r := range rows {
		s.rows++
		s.offered += r.OfferedMinutes
		s.valid += r.ValidMinutes
		s.invalid += r.InvalidMinutes
	}
	return s
}
