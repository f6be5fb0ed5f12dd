package attendance

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// The detection tests use one autumn term: school days from Monday 2026-08-17, 300 minutes each,
// evaluated on Friday 2026-10-30. The last 4 weeks (2026-10-03 … 10-30) then hold 20 school days,
// 6,000 minutes, so 15 % is exactly 900 minutes.
var asOf = date(2026, 10, 30)

func term() []Day { return calendar(date(2026, 8, 17), asOf) }

func only(r Rule) RuleSet {
	return RuleSet{Rules: []Rule{r}, TermStarts: []MonthDay{{time.January, 7}, {time.August, 15}}}
}

func TestEachRuleHitsAndNearlyMisses(t *testing.T) {
	type absence struct {
		on             time.Time
		valid, invalid int
	}
	// run returns absence on n school days in a row starting on from.
	run := func(from time.Time, n, valid, invalid int) []absence {
		var out []absence
		for d := from; len(out) < n; d = d.AddDate(0, 0, 1) {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				out = append(out, absence{d, valid, invalid})
			}
		}
		return out
	}
	cat := func(lists ...[]absence) []absence {
		var out []absence
		for _, l := range lists {
			out = append(out, l...)
		}
		return out
	}
	rolling := Rule{Kind: RollingPercent, Percent: 15, Weeks: 4}
	rollingInvalid := Rule{Kind: RollingPercent, Percent: 5, Weeks: 4, InvalidOnly: true}
	rollingMin := Rule{Kind: RollingPercent, Percent: 15, Weeks: 4, MinSchoolDays: 5}
	termRule := Rule{Kind: TermPercent, Percent: 10}
	consecutive := Rule{Kind: ConsecutiveDays, Days: 10}
	occasions := Rule{Kind: InvalidOccasions, Occasions: 5}
	trend := Rule{Kind: RisingTrend, Weeks: 3, Points: 10}

	tests := []struct {
		name    string
		rule    Rule
		days    []Day // nil: the whole term
		absence []absence
		hit     bool
	}{
		{"rolling: exactly 15 % over 4 weeks", rolling, nil, run(date(2026, 10, 26), 3, 300, 0), true},
		{"rolling: one minute short of 15 %", rolling, nil, cat(run(date(2026, 10, 26), 2, 300, 0), run(date(2026, 10, 28), 1, 299, 0)), false},
		{"rolling: a day before the window does not count", rolling, nil, cat(run(date(2026, 10, 2), 1, 300, 0), run(date(2026, 10, 26), 2, 300, 0)), false},
		{"rolling: the first day of the window counts", rolling, nil, cat(run(date(2026, 10, 5), 1, 300, 0), run(date(2026, 10, 26), 2, 300, 0)), true},
		{"rolling: days after asOf are ignored", rolling, calendar(date(2026, 8, 17), date(2026, 11, 30)), run(date(2026, 11, 2), 10, 300, 0), false},
		{"rolling invalid only: 5 % invalid", rollingInvalid, nil, run(date(2026, 10, 26), 1, 0, 300), true},
		{"rolling invalid only: 5 % valid is not enough", rollingInvalid, nil, run(date(2026, 10, 26), 1, 300, 0), false},
		{"rolling: too few school days for the rule to judge", rollingMin, calendar(date(2026, 10, 27), asOf), run(date(2026, 10, 27), 4, 300, 0), false},
		{"rolling: enough school days", rollingMin, calendar(date(2026, 10, 26), asOf), run(date(2026, 10, 26), 1, 300, 0), true},
		{"term: exactly 10 % since 08-15", termRule, nil, cat(run(date(2026, 8, 17), 5, 300, 0), run(date(2026, 9, 7), 1, 150, 0)), true},
		{"term: one minute short", termRule, nil, cat(run(date(2026, 8, 17), 5, 300, 0), run(date(2026, 9, 7), 1, 149, 0)), false},
		{"term: last spring does not count", termRule, append(calendar(date(2026, 5, 4), date(2026, 6, 12)), term()...), run(date(2026, 5, 4), 30, 300, 0), false},
		{"consecutive: 10 school days over a weekend", consecutive, nil, run(date(2026, 10, 14), 10, 270, 0), true},
		{"consecutive: 9 days", consecutive, nil, run(date(2026, 10, 14), 9, 300, 0), false},
		{"consecutive: one day at 89.7 % breaks the run", consecutive, nil, cat(run(date(2026, 10, 14), 5, 300, 0), run(date(2026, 10, 21), 1, 269, 0), run(date(2026, 10, 22), 5, 300, 0)), false},
		{"consecutive: a day without teaching does not break it", consecutive, dropOffered(term(), date(2026, 10, 21)), cat(run(date(2026, 10, 14), 5, 300, 0), run(date(2026, 10, 22), 5, 300, 0)), true},
		{"consecutive: a run older than the window is not seen", consecutive, nil, run(date(2026, 8, 17), 15, 300, 0), false},
		{"occasions: 5 days with 25 % invalid", occasions, nil, run(date(2026, 10, 5), 5, 0, 75), true},
		{"occasions: 5 days with 74 minutes", occasions, nil, run(date(2026, 10, 5), 5, 0, 74), false},
		{"occasions: 4 days", occasions, nil, run(date(2026, 10, 5), 4, 0, 300), false},
		{"occasions: valid absence is not an occasion", occasions, nil, run(date(2026, 10, 5), 5, 300, 0), false},
		{"occasions: one of them 31 days ago", occasions, nil, cat(run(date(2026, 9, 29), 1, 0, 300), run(date(2026, 10, 5), 4, 0, 300)), false},
		{"occasions: one of them 30 days ago", occasions, nil, cat(run(date(2026, 10, 1), 1, 0, 300), run(date(2026, 10, 5), 4, 0, 300)), true},
		// Trend: the 3 weeks before (2026-09-19 … 10-09) and the last 3 (10-10 … 10-30) have 15
		// school days, 4,500 minutes, each.
		{"trend: 5 % to 15 %", trend, nil, cat(run(date(2026, 9, 21), 1, 225, 0), run(date(2026, 10, 12), 2, 300, 0), run(date(2026, 10, 14), 1, 0, 75)), true},
		{"trend: 5 % to 14.98 %", trend, nil, cat(run(date(2026, 9, 21), 1, 225, 0), run(date(2026, 10, 12), 2, 300, 0), run(date(2026, 10, 14), 1, 0, 74)), false},
		{"trend: nothing to compare with", trend, calendar(date(2026, 10, 12), asOf), run(date(2026, 10, 12), 15, 300, 0), false},
		{"trend: high but steady", trend, nil, cat(run(date(2026, 9, 21), 5, 300, 0), run(date(2026, 10, 12), 5, 300, 0)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days := tt.days
			if days == nil {
				days = term()
			}
			for _, a := range tt.absence {
				absent(t, days, a.on, a.valid, a.invalid)
			}
			hits := Evaluate(only(tt.rule), days, asOf)
			if got := len(hits) == 1; got != tt.hit {
				t.Fatalf("hit = %v, want %v (hits %+v)", got, tt.hit, hits)
			}
			if tt.hit && (hits[0].Rule != tt.rule.Kind || hits[0].Explanation.SV == "" || hits[0].Explanation.EN == "" || len(hits[0].Figures) == 0) {
				t.Errorf("hit %+v", hits[0])
			}
		})
	}
}

func dropOffered(days []Day, on time.Time) []Day {
	for i := range days {
		if days[i].Date.Equal(on) {
			days[i].Offered = 0
		}
	}
	return days
}

func TestTermStart(t *testing.T) {
	starts := []MonthDay{{time.January, 7}, {time.August, 15}}
	for _, tt := range []struct{ asOf, want time.Time }{
		{date(2026, 10, 30), date(2026, 8, 15)},
		{date(2026, 8, 15), date(2026, 8, 15)},
		{date(2026, 8, 14), date(2026, 1, 7)},
		{date(2027, 1, 6), date(2026, 8, 15)},
		{date(2027, 1, 7), date(2027, 1, 7)},
		{date(2026, 7, 1), date(2026, 1, 7)}, // summer: the spring term so far
	} {
		got, ok := termStart(starts, dayNumber(tt.asOf))
		if !ok || !dateOf(got).Equal(tt.want) {
			t.Errorf("term start on %s = %s, want %s", tt.asOf.Format(time.DateOnly), isoDate(got), tt.want.Format(time.DateOnly))
		}
	}
	if _, ok := termStart(nil, dayNumber(asOf)); ok {
		t.Error("no term starts, no term")
	}
}

func TestExplanationsAreSwedishAndEnglish(t *testing.T) {
	days := term()
	// Last 4 weeks: 1,110 of 6,000 minutes (18.5 %), 720 of them invalid (12 points).
	absent(t, days, date(2026, 10, 19), 300, 0)
	absent(t, days, date(2026, 10, 20), 90, 0)
	for _, d := range []time.Time{date(2026, 10, 26), date(2026, 10, 27)} {
		absent(t, days, d, 0, 300)
	}
	absent(t, days, date(2026, 10, 28), 0, 120)
	set := RuleSet{Rules: []Rule{
		{ID: "fyra-veckor", Kind: RollingPercent, Percent: 15, Weeks: 4},
		{ID: "i-folj", Kind: ConsecutiveDays, Days: 2},
		{ID: "vecka", Kind: RollingPercent, Percent: 50, Weeks: 1, InvalidOnly: true},
		{ID: "okar", Kind: RisingTrend, Weeks: 1, Points: 10},
	}}
	hits := Evaluate(set, days, asOf)
	// "vecka" (720 of 1,500 minutes invalid last week = 48 %) stays under its 50 %.
	want := []struct{ rule, sv, en string }{
		{"fyra-veckor", "18,5 % frånvaro senaste 4 veckorna, varav 12 procentenheter ogiltig", "18.5% absence over the last 4 weeks, of which 12 percentage points invalid"},
		{"i-folj", "2 dagar i följd med minst 90 % frånvaro", "2 school days in a row with at least 90% absence"},
		{"okar", "frånvaron har ökat med 22 procentenheter (från 26 % till 48 %) senaste veckan jämfört med veckan innan", "absence rose by 22 percentage points (from 26% to 48%) over the last week compared with the week before"},
	}
	if len(hits) != len(want) {
		t.Fatalf("hits %+v", hits)
	}
	for i, w := range want {
		if hits[i].Rule != w.rule || hits[i].Explanation.SV != w.sv || hits[i].Explanation.EN != w.en {
			t.Errorf("hit %d:\n got %s: %q / %q\nwant %s: %q / %q", i, hits[i].Rule, hits[i].Explanation.SV, hits[i].Explanation.EN, w.rule, w.sv, w.en)
		}
	}
	if f := hits[0].Figures; f["percent"] != 18.5 || f["invalid_percent"] != 12 || f["valid_percent"] != 6.5 || f["threshold"] != 15 || f["weeks"] != 4 || f["school_days"] != 20 {
		t.Errorf("figures %v", f)
	}
	if f := hits[1].Figures; f["days"] != 2 || f["ongoing"] != 0 {
		t.Errorf("the run of 10-26 and 10-27 ended on 10-28 (120 min): figures %v", f)
	}
	all := Explain(hits)
	if all.SV != "18,5 % frånvaro senaste 4 veckorna, varav 12 procentenheter ogiltig; "+want[1].sv+"; "+want[2].sv {
		t.Errorf("Explain SV %q", all.SV)
	}
	if all.EN != "18.5% absence over the last 4 weeks, of which 12 percentage points invalid; "+want[1].en+"; "+want[2].en {
		t.Errorf("Explain EN %q", all.EN)
	}
	if got := Explain(hits[2:]); got.SV != "Frånvaron har ökat med 22 procentenheter (från 26 % till 48 %) senaste veckan jämfört med veckan innan" || !strings.HasPrefix(got.EN, "Absence rose") {
		t.Errorf("Explain capitalises the first letter: %+v", got)
	}
	if got := Explain(nil); got.SV != "" || got.EN != "" {
		t.Errorf("Explain(nil) = %+v", got)
	}
}

func TestOngoingRunAndAllValidWording(t *testing.T) {
	days := term()
	for _, d := range []time.Time{date(2026, 10, 29), date(2026, 10, 30)} {
		absent(t, days, d, 300, 0)
	}
	hits := Evaluate(RuleSet{Rules: []Rule{
		{Kind: ConsecutiveDays, Days: 2},
		{Kind: RollingPercent, Percent: 5, Weeks: 2},
	}}, days, asOf)
	if len(hits) != 2 || hits[0].Figures["ongoing"] != 1 || !strings.HasSuffix(hits[0].Explanation.SV, ", pågår fortfarande") {
		t.Fatalf("hits %+v", hits)
	}
	if hits[1].Explanation.SV != "20 % frånvaro senaste 2 veckorna, all giltig" || hits[1].Explanation.EN != "20% absence over the last 2 weeks, all of it valid" {
		t.Errorf("%+v", hits[1].Explanation)
	}
}

func TestAllHitsAreListedInRuleOrder(t *testing.T) {
	days := term()
	for _, d := range calendar(date(2026, 10, 12), asOf) {
		absent(t, days, d.Date, 0, 300)
	}
	set := loadDetection(t).Default
	hits := Evaluate(set, days, asOf)
	var got []string
	for _, h := range hits {
		got = append(got, h.Rule)
	}
	want := "franvaro-4-veckor ogiltig-4-veckor franvaro-termin sammanhangande ogiltiga-tillfallen okande"
	if strings.Join(got, " ") != want {
		t.Errorf("rules hit: %v\nwant %s", got, want)
	}
}

func TestEvaluateAllocatesNothingWithoutHits(t *testing.T) {
	set := loadDetection(t).Default
	days := schoolYear()
	for i := range days {
		days[i].Valid, days[i].Invalid = 0, 0
	}
	end := date(2027, 6, 11)
	if hits := Evaluate(set, days, end); hits != nil {
		t.Fatalf("a student without absence: %+v", hits)
	}
	if n := testing.AllocsPerRun(100, func() { Evaluate(set, days, end) }); n != 0 {
		t.Errorf("%v allocations per call", n)
	}
}

func TestWorsened(t *testing.T) {
	set := RuleSet{}
	tests := []struct {
		before, now float64
		set         RuleSet
		want        bool
	}{
		{15, 19.9, set, false},
		{15, 20, set, true}, // default 5 points
		{15.3, 20.3, set, true},
		{15, 10, set, false},
		{15, 17.9, RuleSet{WorsenedPoints: 3}, false},
		{15, 18, RuleSet{WorsenedPoints: 3}, true},
	}
	for _, tt := range tests {
		if got := Worsened(tt.before, tt.now, tt.set); got != tt.want {
			t.Errorf("Worsened(%v, %v, %v) = %v", tt.before, tt.now, tt.set.WorsenedPoints, got)
		}
	}
}

func TestHeadlinePercent(t *testing.T) {
	days := term()
	absent(t, days, date(2026, 10, 26), 300, 0)
	absent(t, days, date(2026, 10, 2), 300, 0) // outside 4 weeks
	if got := HeadlinePercent(RuleSet{}, days, asOf); got != 5 {
		t.Errorf("4 weeks: %v", got)
	}
	if got := HeadlinePercent(RuleSet{HeadlineWeeks: 1}, days, asOf); got != 20 {
		t.Errorf("1 week: %v", got)
	}
}

func loadDetection(t testing.TB) Detection {
	t.Helper()
	d, err := LoadDetection(os.DirFS("../../configs"), "detection.yaml")
	if err != nil {
		t.Fatalf("LoadDetection: %v", err)
	}
	return d
}

func TestShippedDetectionConfig(t *testing.T) {
	d := loadDetection(t)
	if len(d.Default.Rules) != 6 || d.Default.WorsenedPoints != 5 || d.Default.HeadlineWeeks != 4 || len(d.Default.TermStarts) != 2 {
		t.Errorf("default %+v", d.Default)
	}
	// Defaults are written into the loaded rules, so what is in force can be shown.
	for _, r := range d.Default.Rules {
		if r.Kind == ConsecutiveDays && (r.DayPercent != 90 || r.WithinDays != 28) {
			t.Errorf("consecutive_days defaults: %+v", r)
		}
	}
	for _, org := range []string{"556677-8899", "5566778899", "16556677-8899", " 556677 8899"} {
		s := d.For(org)
		if s.Name != "Exempelskolan AB (fiktiv)" || len(s.Rules) != 4 || s.WorsenedPoints != 3 {
			t.Errorf("For(%q) = %+v", org, s)
		}
		if s.HeadlineWeeks != 4 || len(s.TermStarts) != 2 {
			t.Errorf("For(%q) does not inherit the default settings: %+v", org, s)
		}
	}
	for _, org := range []string{"212000-9994", "", "nonsense"} {
		if s := d.For(org); s.Name != "default" {
			t.Errorf("For(%q) = %q, want the default set", org, s.Name)
		}
	}
}

func TestBadDetectionConfigsNameTheKey(t *testing.T) {
	const base = "default:\n  term_starts: [\"01-07\", \"08-15\"]\n  rules:\n"
	tests := []struct {
		name, yaml, key, contains string
	}{
		{"no default", "huvudman: {}\n", "default", "missing"},
		{"unknown key", base + "    - {kind: rolling_percent, percent: 15, weeks: 4, week: 3}\n", "", "week"},
		{"unknown kind", base + "    - {kind: rolling, percent: 15}\n", "default.rules[0].kind", "consecutive_days"},
		{"missing parameter", base + "    - {kind: rolling_percent, percent: 15}\n", "default.rules[0].weeks", "missing"},
		{"parameter of another kind", base + "    - {kind: rolling_percent, percent: 15, weeks: 4, days: 3}\n", "default.rules[0].days", "not used by rolling_percent"},
		{"percent over 100", base + "    - {kind: term_percent, percent: 150}\n", "default.rules[0].percent", "between"},
		{"window shorter than the run", base + "    - {kind: consecutive_days, days: 10, within_days: 7}\n", "default.rules[0].within_days", "never hit"},
		{"duplicate ids", base + "    - {kind: term_percent, percent: 10}\n    - {kind: term_percent, percent: 20}\n", "default.rules[1].id", "another rule"},
		{"bad id", base + "    - {id: Fyra Veckor, kind: term_percent, percent: 10}\n", "default.rules[0].id", "lower-case"},
		{"bad term start", "default:\n  term_starts: [\"15/8\"]\n", "default.term_starts[0]", "MM-DD"},
		{"term rule without terms", "default:\n  rules:\n    - {kind: term_percent, percent: 10}\n", "default.rules[0]", "term_starts"},
		{"bad worsened points", "default:\n  worsened_points: 0\n", "default.worsened_points", "more than 0"},
		{"bad org number", "default: {}\nhuvudman:\n  \"556677-8898\": {worsened_points: 3}\n", "huvudman.556677-8898", "organisation number"},
		{"same org twice", "default: {}\nhuvudman:\n  \"556677-8899\": {}\n  \"5566778899\": {}\n", "huvudman.5566778899", "twice"},
		{"bad override rule", "default: {}\nhuvudman:\n  \"556677-8899\":\n    rules:\n      - {kind: invalid_occasions}\n", "huvudman.556677-8899.rules[0].occasions", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDetection("detection.yaml", []byte(tt.yaml))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v", err)
			}
			if ce.File != "detection.yaml" || ce.Key != tt.key || !strings.Contains(ce.Problem, tt.contains) {
				t.Errorf("got %q (key %q), want key %q and %q", err, ce.Key, tt.key, tt.contains)
			}
		})
	}
}

// schoolYear is one student's year, 2026-08-17 to 2027-06-11 without holidays: about 200 school
// days, with a little absence on every seventh day and a bad spell in March.
func schoolYear() []Day {
	days := calendar(date(2026, 8, 17), date(2027, 6, 11))
	for i := range days {
		if i%7 == 0 {
			days[i].Valid = 60
		}
		if m := days[i].Date.Month(); m == time.March {
			days[i].Invalid = 120
		}
	}
	return days
}

func BenchmarkEvaluate(b *testing.B) {
	set := loadDetection(b).Default
	days := schoolYear()
	end := date(2027, 6, 11)
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(set, days, end)
	}
}

func BenchmarkEvaluateWithHits(b *testing.B) {
	set := loadDetection(b).Default
	days := schoolYear()
	end := date(2027, 3, 31)
	if len(Evaluate(set, days, end)) == 0 {
		b.Fatal("expected hits")
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(set, days, end)
	}
}

func BenchmarkEvaluateNoHits(b *testing.B) {
	set := loadDetection(b).Default
	days := schoolYear()
	for i := range days {
		days[i].Valid, days[i].Invalid = 0, 0
	}
	end := date(2027, 6, 11)
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(set, days, end)
	}
}
