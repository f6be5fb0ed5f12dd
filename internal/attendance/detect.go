package attendance

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Rule kinds. A rule set raises a signal when any of its rules hits; every hit is listed.
const (
	// RollingPercent: absence ≥ Percent % over the last Weeks weeks (7-day blocks ending on the
	// evaluation date).
	RollingPercent = "rolling_percent"
	// TermPercent: absence ≥ Percent % from the start of the current term to the evaluation date.
	TermPercent = "term_percent"
	// ConsecutiveDays: ≥ Days school days in a row, within the last WithinDays days, with at
	// least DayPercent % absence each. Days without offered time (weekends, holidays) neither
	// count nor break the run.
	ConsecutiveDays = "consecutive_days"
	// InvalidOccasions: ≥ Occasions days within the last WithinDays days where invalid absence is
	// at least DayPercent % of the day's offered time.
	InvalidOccasions = "invalid_occasions"
	// RisingTrend: absence over the last Weeks weeks at least Points percentage points higher
	// than over the Weeks weeks before.
	RisingTrend = "rising_trend"
)

// Defaults for rule parameters left out (zero).
const (
	defaultConsecutiveDayPercent = 90
	defaultOccasionDayPercent    = 25
	defaultOccasionWithinDays    = 30
	defaultWorsenedPoints        = 5
	defaultHeadlineWeeks         = 4
)

// Rule is one detection rule; which fields matter depends on Kind (see the kind constants).
type Rule struct {
	ID            string  `yaml:"id" json:"id"`
	Kind          string  `yaml:"kind" json:"kind"`
	Percent       float64 `yaml:"percent" json:"percent,omitempty"`
	Weeks         int     `yaml:"weeks" json:"weeks,omitempty"`
	InvalidOnly   bool    `yaml:"invalid_only" json:"invalid_only,omitempty"`
	MinSchoolDays int     `yaml:"min_school_days" json:"min_school_days,omitempty"`
	Days          int     `yaml:"days" json:"days,omitempty"`
	DayPercent    float64 `yaml:"day_percent" json:"day_percent,omitempty"`
	WithinDays    int     `yaml:"within_days" json:"within_days,omitempty"`
	Occasions     int     `yaml:"occasions" json:"occasions,omitempty"`
	Points        float64 `yaml:"points" json:"points,omitempty"`
}

// MonthDay is a date without a year, such as a term start ("08-15").
type MonthDay struct {
	Month time.Month
	Day   int
}

// RuleSet is one huvudman's detection configuration.
type RuleSet struct {
	Name  string
	Rules []Rule
	// TermStarts are the first days of the terms, e.g. 01-07 and 08-15. The current term is the
	// one with the latest start on or before the evaluation date.
	TermStarts []MonthDay
	// WorsenedPoints: a dismissed signal comes back only when absence is at least this many
	// percentage points higher than at dismissal (default 5).
	WorsenedPoints float64
	// HeadlineWeeks is the window of HeadlinePercent, the one figure stored with a signal
	// (default 4).
	HeadlineWeeks int
}

// Hit is one rule that hit, with a sentence for people and the numbers behind it.
type Hit struct {
	Rule        string             `json:"rule"`
	Explanation narvaro.Text       `json:"explanation"`
	Figures     map[string]float64 `json:"figures"`
}

// Evaluate applies every rule of the set to one student's days (sorted by date) as of a date;
// days after asOf are ignored. It returns nil when no rule hits. It runs in O(len(days)) per rule
// and allocates nothing unless a rule hits.
func Evaluate(set RuleSet, days []Day, asOf time.Time) []Hit {
	var hits []Hit
	now := dayNumber(asOf)
	end := search(days, now+1)
	for i := range set.Rules {
		r := &set.Rules[i]
		switch r.Kind {
		case RollingPercent:
			t := sumRange(days, search(days[:end], now-int32(7*r.Weeks)+1), end)
			if t.days >= r.MinSchoolDays && reaches(r.share(t), r.Percent, t.offered) {
				hits = append(hits, r.percentHit(t, weeksPhrase(r.Weeks)))
			}
		case TermPercent:
			start, ok := termStart(set.TermStarts, now)
			if !ok {
				continue
			}
			t := sumRange(days, search(days[:end], start), end)
			if t.days >= r.MinSchoolDays && reaches(r.share(t), r.Percent, t.offered) {
				since := isoDate(start)
				hits = append(hits, r.percentHit(t, phrase{
					sv: "hittills denna termin (sedan " + since + ")",
					en: "so far this term (since " + since + ")",
				}))
			}
		case ConsecutiveDays:
			within := r.WithinDays
			if within == 0 {
				within = defaultWithinForRun(r.Days)
			}
			lo := search(days[:end], now-int32(within)+1)
			longest, run := 0, 0
			dp := orDefault(r.DayPercent, defaultConsecutiveDayPercent)
			for k := lo; k < end; k++ {
				d := &days[k]
				if d.Offered <= 0 {
					continue
				}
				if reaches(d.Valid+d.Invalid, dp, d.Offered) {
					run++
					longest = max(longest, run)
				} else {
					run = 0
				}
			}
			if longest >= r.Days && r.Days > 0 {
				hits = append(hits, r.runHit(longest, run == longest, dp))
			}
		case InvalidOccasions:
			within := r.WithinDays
			if within == 0 {
				within = defaultOccasionWithinDays
			}
			dp := orDefault(r.DayPercent, defaultOccasionDayPercent)
			n := 0
			for k := search(days[:end], now-int32(within)+1); k < end; k++ {
				d := &days[k]
				if d.Offered > 0 && d.Invalid > 0 && reaches(d.Invalid, dp, d.Offered) {
					n++
				}
			}
			if n >= r.Occasions && r.Occasions > 0 {
				hits = append(hits, r.occasionsHit(n, dp, within))
			}
		case RisingTrend:
			w := int32(7 * r.Weeks)
			mid := search(days[:end], now-w+1)
			recent := sumRange(days, mid, end)
			before := sumRange(days, search(days[:mid], now-2*w+1), mid)
			if recent.offered == 0 || before.offered == 0 || recent.days < r.MinSchoolDays || before.days < r.MinSchoolDays {
				continue
			}
			was, is := pct(r.share(before), before.offered), pct(r.share(recent), recent.offered)
			if is-was >= r.Points-1e-9 && r.Points > 0 {
				hits = append(hits, r.trendHit(was, is))
			}
		}
	}
	return hits
}

// share is the absence the rule looks at: all of it, or only the invalid part.
func (r *Rule) share(t totals) int {
	if r.InvalidOnly {
		return t.invalid
	}
	return t.valid + t.invalid
}

// reaches reports whether part/whole ≥ percent %, in integers where it matters so that exactly
// 15 % of 240 minutes counts as 15 %.
func reaches(part int, percent float64, whole int) bool {
	if whole <= 0 {
		return false
	}
	return 100*float64(part) >= percent*float64(whole)-1e-9*float64(whole)
}

func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

// defaultWithinForRun gives a run of n school days room to fit, weekends included, with a week
// to spare; at least four weeks.
func defaultWithinForRun(n int) int { return max(28, (n*7+4)/5+7) }

// termStart returns the latest configured term start on or before day number now.
func termStart(starts []MonthDay, now int32) (int32, bool) {
	y, _, _ := dateOf(now).Date()
	best, ok := int32(0), false
	for _, year := range [2]int{y, y - 1} {
		for _, s := range starts {
			n := civilToDays(year, int(s.Month), s.Day)
			if n <= now && (!ok || n > best) {
				best, ok = n, true
			}
		}
	}
	return best, ok
}

// HeadlinePercent is the absence over the set's headline window (default the last 4 weeks): the
// figure stored with a signal and compared by Worsened when a dismissed signal might come back.
func HeadlinePercent(set RuleSet, days []Day, asOf time.Time) float64 {
	weeks := set.HeadlineWeeks
	if weeks <= 0 {
		weeks = defaultHeadlineWeeks
	}
	now := dayNumber(asOf)
	end := search(days, now+1)
	return sumRange(days, search(days[:end], now-int32(7*weeks)+1), end).percent()
}

// Worsened reports whether absence has risen enough since a signal was dismissed for the signal
// to come back: current ≥ previous + the set's WorsenedPoints (default 5 percentage points).
func Worsened(previousPercent, currentPercent float64, set RuleSet) bool {
	points := orDefault(set.WorsenedPoints, defaultWorsenedPoints)
	return currentPercent-previousPercent >= points-1e-9
}

// Explain joins the hits' explanations into one sentence per language, e.g.
// "18 % frånvaro senaste 4 veckorna, varav 12 procentenheter ogiltig; 6 dagar i följd med minst
// 90 % frånvaro".
func Explain(hits []Hit) narvaro.Text {
	sv := make([]string, len(hits))
	en := make([]string, len(hits))
	for i, h := range hits {
		sv[i], en[i] = h.Explanation.SV, h.Explanation.EN
	}
	return narvaro.Text{SV: capitalise(strings.Join(sv, "; ")), EN: capitalise(strings.Join(en, "; "))}
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

type phrase struct{ sv, en string }

func weeksPhrase(n int) phrase {
	if n == 1 {
		return phrase{sv: "senaste veckan", en: "over the last week"}
	}
	return phrase{sv: fmt.Sprintf("senaste %d veckorna", n), en: fmt.Sprintf("over the last %d weeks", n)}
}

func (r *Rule) percentHit(t totals, when phrase) Hit {
	p := pct(r.share(t), t.offered)
	h := Hit{Rule: r.name(), Figures: map[string]float64{
		"percent":         p,
		"valid_percent":   t.validPercent(),
		"invalid_percent": t.invalidPercent(),
		"threshold":       r.Percent,
		"school_days":     float64(t.days),
	}}
	if r.Weeks > 0 {
		h.Figures["weeks"] = float64(r.Weeks)
	}
	switch {
	case r.InvalidOnly:
		h.Explanation = narvaro.Text{
			SV: fmt.Sprintf("%s ogiltig frånvaro %s", FormatPercent(p, "sv"), when.sv),
			EN: fmt.Sprintf("%s invalid absence %s", FormatPercent(p, "en"), when.en),
		}
	case t.invalid > 0:
		inv := t.invalidPercent()
		h.Explanation = narvaro.Text{
			SV: fmt.Sprintf("%s frånvaro %s, varav %s procentenheter ogiltig", FormatPercent(p, "sv"), when.sv, formatNumber(inv, "sv")),
			EN: fmt.Sprintf("%s absence %s, of which %s percentage points invalid", FormatPercent(p, "en"), when.en, formatNumber(inv, "en")),
		}
	default:
		h.Explanation = narvaro.Text{
			SV: fmt.Sprintf("%s frånvaro %s, all giltig", FormatPercent(p, "sv"), when.sv),
			EN: fmt.Sprintf("%s absence %s, all of it valid", FormatPercent(p, "en"), when.en),
		}
	}
	return h
}

func (r *Rule) runHit(longest int, ongoing bool, dayPercent float64) Hit {
	h := Hit{Rule: r.name(), Figures: map[string]float64{
		"days":        float64(longest),
		"threshold":   float64(r.Days),
		"day_percent": dayPercent,
		"ongoing":     0,
	}}
	sv := fmt.Sprintf("%d dagar i följd med minst %s frånvaro", longest, FormatPercent(dayPercent, "sv"))
	en := fmt.Sprintf("%d school days in a row with at least %s absence", longest, FormatPercent(dayPercent, "en"))
	if ongoing {
		h.Figures["ongoing"] = 1
		sv += ", pågår fortfarande"
		en += ", still going on"
	}
	h.Explanation = narvaro.Text{SV: sv, EN: en}
	return h
}

func (r *Rule) occasionsHit(n int, dayPercent float64, within int) Hit {
	return Hit{
		Rule: r.name(),
		Explanation: narvaro.Text{
			SV: fmt.Sprintf("%d tillfällen med ogiltig frånvaro (minst %s av dagen) senaste %d dagarna", n, FormatPercent(dayPercent, "sv"), within),
			EN: fmt.Sprintf("%d occasions of invalid absence (at least %s of the day) in the last %d days", n, FormatPercent(dayPercent, "en"), within),
		},
		Figures: map[string]float64{
			"occasions":   float64(n),
			"threshold":   float64(r.Occasions),
			"day_percent": dayPercent,
			"within_days": float64(within),
		},
	}
}

func (r *Rule) trendHit(was, is float64) Hit {
	kindSV, kindEN := "frånvaron", "absence"
	if r.InvalidOnly {
		kindSV, kindEN = "den ogiltiga frånvaron", "invalid absence"
	}
	before := phrase{sv: fmt.Sprintf("de %d veckorna innan", r.Weeks), en: fmt.Sprintf("the %d weeks before", r.Weeks)}
	if r.Weeks == 1 {
		before = phrase{sv: "veckan innan", en: "the week before"}
	}
	now := weeksPhrase(r.Weeks)
	return Hit{
		Rule: r.name(),
		Explanation: narvaro.Text{
			SV: fmt.Sprintf("%s har ökat med %s procentenheter (från %s till %s) %s jämfört med %s",
				kindSV, formatNumber(is-was, "sv"), FormatPercent(was, "sv"), FormatPercent(is, "sv"), now.sv, before.sv),
			EN: fmt.Sprintf("%s rose by %s percentage points (from %s to %s) %s compared with %s",
				kindEN, formatNumber(is-was, "en"), FormatPercent(was, "en"), FormatPercent(is, "en"), now.en, before.en),
		},
		Figures: map[string]float64{
			"percent":          is,
			"previous_percent": was,
			"points":           is - was,
			"threshold":        r.Points,
			"weeks":            float64(r.Weeks),
		},
	}
}

// name is the rule's id, or its kind when it has none.
func (r *Rule) name() string {
	if r.ID != "" {
		return r.ID
	}
	return r.Kind
}
