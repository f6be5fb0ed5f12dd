package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

type guardian struct {
	name, pnr, phone, email, address string
}

type student struct {
	school, grade int
	class, form   string
	pnr           string
	first, last   string
	home          string
	protected     bool
	mentor        int // index into staff
	guardians     []guardian
	pattern       pattern
	days          []dayAbsence // one per school day, parallel to world.days
}

// pnrPool hands out fictional personnummer that are unique within the seed. The serial numbers
// 980–999 mark test persons; the last serial digit carries the sex (odd = male) as in real ones.
type pnrPool struct {
	rng  *rand.Rand
	now  time.Time
	used map[string]bool
}

func (p *pnrPool) next(year int, male bool) (string, error) {
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	daysInYear := int(start.AddDate(1, 0, 0).Sub(start).Hours() / 24)
	for range 1000 {
		born := start.AddDate(0, 0, p.rng.IntN(daysInYear))
		serial := 980 + 2*p.rng.IntN(10)
		if male {
			serial++
		}
		nine := born.Format("060102") + strconv.Itoa(serial)
		pnr := born.Format("20060102") + "-" + strconv.Itoa(serial) + string(narvaro.LuhnDigit(nine))
		if p.used[pnr] {
			continue
		}
		parsed, err := narvaro.ParsePersonnummer(pnr, p.now)
		if err != nil || string(parsed) != pnr {
			return "", fmt.Errorf("generated personnummer %s does not validate: %v", pnr, err)
		}
		p.used[pnr] = true
		return pnr, nil
	}
	return "", fmt.Errorf("no free test personnummer left for year %d", year)
}

type class struct {
	school, grade int
	name          string
	mentor        int
}

// classes lists every class of every school; each class's mentor rotates over the school's mentors.
func classes() []class {
	var out []class
	for si, s := range schools {
		mentors := mentorsOf(si)
		n := 0
		for g := s.minGrade; g <= s.maxGrade; g++ {
			for p := range s.parallel {
				name := strconv.Itoa(g)
				if g == 0 {
					name = "F"
				}
				out = append(out, class{school: si, grade: g, name: name + string(rune('A'+p)), mentor: mentors[n%len(mentors)]})
				n++
			}
		}
	}
	return out
}

// makeStudents creates n students spread evenly over all classes. Swedish children start
// förskoleklass the year they turn six, so grade g of the school year beginning in autumn Y was
// born in Y−6−g.
func makeStudents(rng *rand.Rand, pool *pnrPool, n, year int) ([]student, error) {
	cls := classes()
	students := make([]student, n)
	independent := 0
	for i := range students {
		c := cls[i%len(cls)]
		s := &students[i]
		s.school, s.grade, s.class, s.mentor = c.school, c.grade, c.name, c.mentor
		s.form = "gr"
		if c.grade == 0 {
			s.form = "fsk"
		} else if schools[c.school].huvudman == 0 && rng.Float64() < 0.015 {
			s.form = "grsar"
		}
		s.home = homeCode
		if schools[c.school].huvudman != 0 {
			// Every third student at the independent school lives in the neighbouring municipality,
			// so investigations there must notify another hemkommun.
			if independent%3 == 0 {
				s.home = neighbourCode
			}
			independent++
		}
		male := rng.IntN(2) == 0
		born := year - 6 - c.grade
		var err error
		if s.pnr, err = pool.next(born, male); err != nil {
			return nil, err
		}
		if male {
			s.first = pick(rng, boyNames)
		} else {
			s.first = pick(rng, girlNames)
		}
		s.last = pick(rng, lastNames)
		if s.guardians, err = makeGuardians(rng, pool, s, born); err != nil {
			return nil, err
		}
	}
	protected := 3 + rng.IntN(2)
	for _, i := range rng.Perm(n)[:min(protected, n)] {
		students[i].protected = true
		for g := range students[i].guardians {
			// Skyddad folkbokföring: the address is what must not leak.
			students[i].guardians[g].address = ""
		}
	}
	return students, nil
}

func makeGuardians(rng *rand.Rand, pool *pnrPool, s *student, childBorn int) ([]guardian, error) {
	city := "199 9" + strconv.Itoa(rng.IntN(10)) + " Exempelstad"
	if s.home == neighbourCode {
		city = "199 8" + strconv.Itoa(rng.IntN(10)) + " Grannby"
	}
	address := func() string {
		return pick(rng, streets) + " " + strconv.Itoa(1+rng.IntN(60)) + ", " + city
	}
	mother := rng.IntN(2) == 0
	count := 1
	if rng.Float64() < 0.8 {
		count = 2
	}
	var out []guardian
	home := address()
	for pos := range count {
		female := mother
		if pos == 1 && rng.Float64() < 0.9 {
			female = !mother
		}
		last := s.last
		if pos == 1 && rng.Float64() < 0.3 {
			last = pick(rng, lastNames)
		}
		first := pick(rng, menNames)
		if female {
			first = pick(rng, womenNames)
		}
		pnr, err := pool.next(childBorn-24-rng.IntN(20), !female)
		if err != nil {
			return nil, err
		}
		addr := home
		if pos == 1 && rng.Float64() < 0.25 {
			addr = address()
		}
		out = append(out, guardian{
			name:    first + " " + last,
			pnr:     pnr,
			phone:   fictionalPhone(rng),
			email:   foldASCII(first+" "+last) + "@example.se",
			address: addr,
		})
	}
	return out, nil
}

// fictionalPhone uses the mobile range Post- och telestyrelsen reserves for fiction
// (070-174 06 05 – 070-174 06 99), so no real person is ever called from the demo.
func fictionalPhone(rng *rand.Rand) string {
	return fmt.Sprintf("070-174 06 %02d", 5+rng.IntN(95))
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }
