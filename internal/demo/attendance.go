package demo

import (
	"math"
	"math/rand/v2"
	"time"
)

// pattern is a student's absence profile over the term. The shares are chosen so that detection
// rules of the usual kind (≥ 15 % over four weeks, two weeks in a row) flag a believable minority.
type pattern int

const (
	regular   pattern = iota // near full attendance, a few sick days
	scattered                // ströfrånvaro: frequent short absences, valid and not
	rising                   // absence growing over the last four to six weeks
	long                     // two weeks or more of continuous absence
)

// Shares of all students; the rest are regular.
const (
	shareScattered = 0.08
	shareRising    = 0.05
	shareLong      = 0.02
)

type dayAbsence struct {
	offered, valid, invalid int16
}

// offeredMinutes is a plausible school day: longer in the higher grades, shorter on Fridays.
func offeredMinutes(grade int, d time.Time) int {
	m := 345
	switch {
	case grade == 0:
		m = 240
	case grade <= 3:
		m = 270
	case grade <= 6:
		m = 300
	}
	if d.Weekday() == time.Friday {
		m -= 30
	}
	return m
}

// assignPatterns gives exact shares (rounded) to randomly chosen students, so even a small demo
// has students of every kind.
func assignPatterns(rng *rand.Rand, students []student) {
	n := len(students)
	counts := []struct {
		p pattern
		n int
	}{
		{rising, int(math.Round(float64(n) * shareRising))},
		{long, int(math.Round(float64(n) * shareLong))},
		{scattered, int(math.Round(float64(n) * shareScattered))},
	}
	perm := rng.Perm(n)
	for _, c := range counts {
		for range c.n {
			if len(perm) == 0 {
				return
			}
			students[perm[0]].pattern = c.p
			perm = perm[1:]
		}
	}
}

// absenceGen draws one student's days; it carries state because sick days come in runs.
type absenceGen struct {
	rng      *rand.Rand
	sickLeft int
}

// regularDay: about one short illness a term or two, the odd dentist visit or late arrival.
func (g *absenceGen) regularDay(offered int) (valid, invalid int) {
	if g.sickLeft > 0 {
		g.sickLeft--
		return offered, 0
	}
	r := g.rng.Float64()
	switch {
	case r < 0.012:
		g.sickLeft = []int{0, 0, 0, 0, 0, 0, 1, 1, 1, 2}[g.rng.IntN(10)]
		return offered, 0
	case r < 0.022:
		return min(offered, 60+15*g.rng.IntN(5)), 0
	case r < 0.030:
		return 0, 10 + 5*g.rng.IntN(5)
	}
	return 0, 0
}

// partOrWholeDay returns absent minutes: the whole day with probability whole, else a part.
func (g *absenceGen) partOrWholeDay(offered int, whole float64) int {
	if g.rng.Float64() < whole {
		return offered
	}
	return min(offered, 30+15*g.rng.IntN(9))
}

// split divides absent minutes into valid and invalid; invalidShare is the chance it is invalid.
func (g *absenceGen) split(absent int, invalidShare float64) (valid, invalid int) {
	if g.rng.Float64() < invalidShare {
		return 0, absent
	}
	return absent, 0
}

// makeAttendance fills s.days for the given school days. today is the seed's "as of" date.
func makeAttendance(rng *rand.Rand, s *student, days []time.Time, today time.Time) {
	g := &absenceGen{rng: rng}
	s.days = make([]dayAbsence, len(days))

	onset := len(days) // rising: first day of the rise
	if s.pattern == rising {
		weeks := 4 + rng.IntN(3)
		from := date(today).AddDate(0, 0, -7*weeks)
		onset = 0
		for onset < len(days) && days[onset].Before(from) {
			onset++
		}
	}
	blockFrom, blockTo := len(days), len(days) // long: [blockFrom, blockTo)
	blockInvalid := 0.0
	if s.pattern == long && len(days) > 0 {
		length := min(len(days), 10+rng.IntN(11))
		blockFrom = len(days) - length
		if rng.IntN(2) == 0 { // half are still away; the others came back earlier in the term
			blockFrom = rng.IntN(len(days) - length + 1)
		}
		blockTo = blockFrom + length
		if rng.Float64() < 0.4 {
			blockInvalid = 0.8 // hemmasittare: mostly not reported as sick
		}
	}

	for i, d := range days {
		offered := offeredMinutes(s.grade, d)
		monday := d.Weekday() == time.Monday
		var valid, invalid int
		switch {
		case i >= blockFrom && i < blockTo:
			valid, invalid = g.split(offered, blockInvalid)
		case s.pattern == scattered:
			p := 0.10
			if monday {
				p = 0.22
			}
			if rng.Float64() < p {
				valid, invalid = g.split(g.partOrWholeDay(offered, 0.45), 0.5)
			}
		case s.pattern == rising && i >= onset:
			progress := float64(i-onset+1) / float64(len(days)-onset)
			p := 0.2 + 0.45*progress
			if monday {
				p += 0.2
			}
			if rng.Float64() < p {
				absent := g.partOrWholeDay(offered, 0.6)
				invalidShare := 0.4
				if absent < offered {
					invalidShare = 0.7 // late arrivals and skipped lessons are seldom reported
				}
				valid, invalid = g.split(absent, invalidShare)
			}
		default:
			valid, invalid = g.regularDay(offered)
		}
		if valid+invalid > offered { // never happens by construction; the schema would refuse it
			invalid = offered - valid
		}
		s.days[i] = dayAbsence{int16(offered), int16(valid), int16(invalid)}
	}
}

// recentAbsencePercent is the absence share over the four weeks before today, the window the
// usual detection rule looks at.
func recentAbsencePercent(s *student, days []time.Time, today time.Time) float64 {
	from := date(today).AddDate(0, 0, -28)
	var offered, absent int
	for i, d := range days {
		if d.Before(from) {
			continue
		}
		offered += int(s.days[i].offered)
		absent += int(s.days[i].valid) + int(s.days[i].invalid)
	}
	if offered == 0 {
		return 0
	}
	return 100 * float64(absent) / float64(offered)
}
