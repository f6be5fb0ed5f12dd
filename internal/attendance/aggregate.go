package attendance

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Lesson exports have one row per lesson; attendance_days has one per student and day. Two ways
// to sum them, with different costs:
//
//   - MergeLessons streams: it sums runs of consecutive rows for the same student and day, keeping
//     one pending row plus one bit per student and day already emitted. Memory stays flat, but
//     the file must be grouped by student and day (the usual export order: per student, then by
//     date and time). A row that comes back to an already emitted student and day is a RowError,
//     so an unsorted file is never silently imported as partial days.
//   - SumLessons accepts any order but keeps every student-day in a map until the end: about
//     100 bytes per student-day, so 100 MB for a million student-days. Use it for files known to
//     be small or unsorted, or sum in the database instead (COPY the lesson rows into a staging
//     table and GROUP BY).
//
// Both pass the source's RowErrors on: a day with a bad lesson row is still summed from its good
// rows, and the caller decides whether to import with skipped rows.

// RowSource yields rows; *Reader and *LessonMerger are row sources.
type RowSource interface {
	Next() (Row, error)
}

// LessonMerger sums consecutive lesson rows of the same student and day into day rows.
type LessonMerger struct {
	src     RowSource
	pending Row
	has     bool
	emitted map[uint64]*daySet
	queue   []result
	err     error
}

type result struct {
	row Row
	err error
}

// MergeLessons returns a row source of day rows summed from src's lesson rows, which must be
// grouped by student and day. Each day row has the line of its first lesson.
func MergeLessons(src RowSource) *LessonMerger {
	return &LessonMerger{src: src, emitted: make(map[uint64]*daySet)}
}

// Next returns the next day row, a *RowError, io.EOF at the end, or a final error.
func (m *LessonMerger) Next() (Row, error) {
	for len(m.queue) == 0 {
		if m.err != nil {
			return Row{}, m.err
		}
		m.pull()
	}
	r := m.queue[0]
	m.queue = m.queue[1:]
	if len(m.queue) == 0 {
		m.queue = m.queue[:0:cap(m.queue)]
	}
	return r.row, r.err
}

func (m *LessonMerger) pull() {
	row, err := m.src.Next()
	var rowErr *RowError
	switch {
	case errors.As(err, &rowErr):
		m.queue = append(m.queue, result{err: rowErr})
		return
	case err != nil:
		m.err = err
		if m.has {
			m.has = false
			m.queue = append(m.queue, finishDay(m.pending))
		}
		return
	}
	if m.has && row.Personnummer == m.pending.Personnummer && row.Day.Equal(m.pending.Day) {
		m.pending.OfferedMinutes += row.OfferedMinutes
		m.pending.ValidMinutes += row.ValidMinutes
		m.pending.InvalidMinutes += row.InvalidMinutes
		if m.pending.OfferedMinutes > maxMinutesPerDaySum {
			// Keep the sums bounded however many lessons follow; finishDay reports it.
			m.pending.OfferedMinutes = maxMinutesPerDaySum + 1
		}
		return
	}
	if m.has {
		m.queue = append(m.queue, finishDay(m.pending))
		m.has = false
	}
	key := pnrKey(row.Personnummer)
	set := m.emitted[key]
	if set == nil {
		set = &daySet{}
		m.emitted[key] = set
	}
	if set.add(dayNumber(row.Day)) {
		m.queue = append(m.queue, result{err: &RowError{Line: row.Line, Reason: narvaro.Text{
			SV: fmt.Sprintf("Filen är inte sorterad per elev och dag: eleven har redan lektioner för %s längre upp i filen, så dagen kan inte summeras.", row.Day.Format("2006-01-02")),
			EN: fmt.Sprintf("The file is not sorted by student and day: the student already has lessons on %s further up in the file, so the day cannot be summed.", row.Day.Format("2006-01-02")),
		}}})
		return
	}
	m.pending, m.has = row, true
}

// maxMinutesPerDaySum is the most a day's lessons may add up to.
const maxMinutesPerDaySum = 24 * 60

func finishDay(r Row) result {
	if r.OfferedMinutes > maxMinutesPerDaySum {
		return result{err: &RowError{Line: r.Line, Reason: narvaro.Text{
			SV: fmt.Sprintf("Lektionerna för %s summerar till mer än 24 timmar.", r.Day.Format("2006-01-02")),
			EN: fmt.Sprintf("The lessons on %s add up to more than 24 hours.", r.Day.Format("2006-01-02")),
		}}}
	}
	return result{row: r}
}

// SumLessons reads src to the end and sums rows per student and day in any order. It returns the
// day rows sorted by personnummer and date, every RowError in file order, and a final error if
// src failed (io.EOF is not an error here).
func SumLessons(src RowSource) ([]Row, []*RowError, error) {
	type key struct {
		pnr uint64
		day int32
	}
	sums := make(map[key]int) // index into days
	var days []Row
	var problems []*RowError
	for {
		row, err := src.Next()
		var rowErr *RowError
		if errors.As(err, &rowErr) {
			problems = append(problems, rowErr)
			continue
		}
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, problems, err
		}
		k := key{pnrKey(row.Personnummer), dayNumber(row.Day)}
		i, ok := sums[k]
		if !ok {
			sums[k] = len(days)
			days = append(days, row)
			continue
		}
		d := &days[i]
		d.OfferedMinutes += row.OfferedMinutes
		d.ValidMinutes += row.ValidMinutes
		d.InvalidMinutes += row.InvalidMinutes
		if d.OfferedMinutes > maxMinutesPerDaySum {
			d.OfferedMinutes = maxMinutesPerDaySum + 1
		}
	}
	out := days[:0]
	for _, d := range days {
		if r := finishDay(d); r.err != nil {
			problems = append(problems, r.err.(*RowError))
			continue
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Personnummer != out[j].Personnummer {
			return out[i].Personnummer < out[j].Personnummer
		}
		return out[i].Day.Before(out[j].Day)
	})
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	return out, problems, nil
}
