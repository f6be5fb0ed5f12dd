package attendance

import (
	"bytes"
	"fmt"
	"github.com/narvaro/narvaro/internal/narvaro"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Detection is the whole detection configuration (configs/detection.yaml): a default rule set and
// per-huvudman overrides keyed by organisation number.
type Detection struct {
	Default  RuleSet
	Huvudman map[string]RuleSet // key: org number as NNNNNN-NNNN
}

// For returns the rule set of the huvudman with this organisation number (any common spelling),
// or the default set.
func (d Detection) For(orgNumber string) RuleSet {
	if key, ok := normaliseOrgNumber(orgNumber); ok {
		if s, ok := d.Huvudman[key]; ok {
			return s
		}
	}
	return d.Default
}

// The file form: everything a huvudman leaves out is taken from default; rules, when given,
// replace the default rules as a whole, so the rules in force can be read in one place.
type fileDetection struct {
	Default  *fileSet            `yaml:"default"`
	Huvudman map[string]*fileSet `yaml:"huvudman"`
}

type fileSet struct {
	Name           string   `yaml:"name"`
	TermStarts     []string `yaml:"term_starts"`
	WorsenedPoints *float64 `yaml:"worsened_points"`
	HeadlineWeeks  *int     `yaml:"headline_weeks"`
	Rules          []Rule   `yaml:"rules"`
}

// LoadDetection reads and validates the detection configuration file name in fsys.
func LoadDetection(fsys fs.FS, name string) (Detection, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Detection{}, fmt.Errorf("reading detection rules: %w", err)
	}
	return ParseDetection(path.Base(name), data)
}

// ParseDetection validates a detection configuration; file names the file in error messages.
func ParseDetection(file string, data []byte) (Detection, error) {
	var f fileDetection
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Detection{}, &ConfigError{File: file, Problem: err.Error()}
	}
	if f.Default == nil {
		return Detection{}, &ConfigError{File: file, Key: "default", Problem: "missing (the rule set used for every huvudman without its own)"}
	}
	base := RuleSet{WorsenedPoints: defaultWorsenedPoints, HeadlineWeeks: defaultHeadlineWeeks}
	def, err := f.Default.build(file, "default", base)
	if err != nil {
		return Detection{}, err
	}
	out := Detection{Default: def, Huvudman: map[string]RuleSet{}}
	keys := make([]string, 0, len(f.Huvudman))
	for k := range f.Huvudman {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		at := "huvudman." + k
		org, ok := normaliseOrgNumber(k)
		if !ok {
			return Detection{}, &ConfigError{File: file, Key: at, Problem: "not a valid organisation number (NNNNNN-NNNN with a correct check digit)"}
		}
		if _, dup := out.Huvudman[org]; dup {
			return Detection{}, &ConfigError{File: file, Key: at, Problem: "the same organisation number appears twice"}
		}
		hs := f.Huvudman[k]
		if hs == nil {
			hs = &fileSet{}
		}
		set, err := hs.build(file, at, def)
		if err != nil {
			return Detection{}, err
		}
		out.Huvudman[org] = set
	}
	return out, nil
}

func (f *fileSet) build(file, at string, base RuleSet) (RuleSet, error) {
	bad := func(key, format string, args ...any) error {
		return &ConfigError{File: file, Key: at + "." + key, Problem: fmt.Sprintf(format, args...)}
	}
	set := base
	set.Name = f.Name
	if set.Name == "" {
		set.Name = at
	}
	if f.TermStarts != nil {
		set.TermStarts = nil
		for i, s := range f.TermStarts {
			md, ok := parseMonthDay(s)
			if !ok {
				return RuleSet{}, bad(fmt.Sprintf("term_starts[%d]", i), "%q is not a date as MM-DD", s)
			}
			set.TermStarts = append(set.TermStarts, md)
		}
	}
	if f.WorsenedPoints != nil {
		if *f.WorsenedPoints <= 0 || *f.WorsenedPoints > 100 {
			return RuleSet{}, bad("worsened_points", "must be more than 0 and at most 100")
		}
		set.WorsenedPoints = *f.WorsenedPoints
	}
	if f.HeadlineWeeks != nil {
		if *f.HeadlineWeeks < 1 || *f.HeadlineWeeks > 52 {
			return RuleSet{}, bad("headline_weeks", "must be between 1 and 52")
		}
		set.HeadlineWeeks = *f.HeadlineWeeks
	}
	if f.Rules != nil {
		set.Rules = make([]Rule, len(f.Rules))
		ids := map[string]bool{}
		for i, r := range f.Rules {
			key := fmt.Sprintf("rules[%d]", i)
			if err := r.validate(); err != nil {
				return RuleSet{}, bad(key+err.key, "%s", err.problem)
			}
			if r.ID == "" {
				r.ID = r.Kind
			}
			if ids[r.ID] {
				return RuleSet{}, bad(key+".id", "%q is used by another rule; give each rule of the same kind its own id", r.ID)
			}
			ids[r.ID] = true
			if r.Kind == TermPercent && len(set.TermStarts) == 0 {
				return RuleSet{}, bad(key, "term_percent needs term_starts")
			}
			set.Rules[i] = r.withDefaults()
		}
	}
	return set, nil
}

type ruleProblem struct{ key, problem string }

var ruleID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ruleParams lists, per kind, the parameters that must be set and those that may be.
var ruleParams = map[string]struct{ required, optional []string }{
	RollingPercent:   {[]string{"percent", "weeks"}, []string{"invalid_only", "min_school_days"}},
	TermPercent:      {[]string{"percent"}, []string{"invalid_only", "min_school_days"}},
	ConsecutiveDays:  {[]string{"days"}, []string{"day_percent", "within_days"}},
	InvalidOccasions: {[]string{"occasions"}, []string{"day_percent", "within_days"}},
	RisingTrend:      {[]string{"weeks", "points"}, []string{"invalid_only", "min_school_days"}},
}

func (r Rule) params() map[string]bool {
	return map[string]bool{
		"percent":         r.Percent != 0,
		"weeks":           r.Weeks != 0,
		"invalid_only":    r.InvalidOnly,
		"min_school_days": r.MinSchoolDays != 0,
		"days":            r.Days != 0,
		"day_percent":     r.DayPercent != 0,
		"within_days":     r.WithinDays != 0,
		"occasions":       r.Occasions != 0,
		"points":          r.Points != 0,
	}
}

func (r Rule) validate() *ruleProblem {
	if r.ID != "" && !ruleID.MatchString(r.ID) {
		return &ruleProblem{".id", "lower-case letters, digits, - and _ only"}
	}
	spec, ok := ruleParams[r.Kind]
	if !ok {
		kinds := make([]string, 0, len(ruleParams))
		for k := range ruleParams {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		return &ruleProblem{".kind", fmt.Sprintf("%q is not a rule kind (one of %s)", r.Kind, strings.Join(kinds, ", "))}
	}
	set := r.params()
	for _, p := range spec.required {
		if !set[p] {
			return &ruleProblem{"." + p, "missing (" + r.Kind + " needs it)"}
		}
		delete(set, p)
	}
	for _, p := range spec.optional {
		delete(set, p)
	}
	for p, on := range set {
		if on {
			return &ruleProblem{"." + p, "not used by " + r.Kind}
		}
	}
	switch {
	case r.Percent < 0 || r.Percent > 100:
		return &ruleProblem{".percent", "must be between 0 and 100"}
	case r.DayPercent < 0 || r.DayPercent > 100:
		return &ruleProblem{".day_percent", "must be between 0 and 100"}
	case r.Weeks < 0 || r.Weeks > 26:
		return &ruleProblem{".weeks", "must be between 1 and 26"}
	case r.MinSchoolDays < 0:
		return &ruleProblem{".min_school_days", "must not be negative"}
	case r.Days < 0 || r.Days > 100:
		return &ruleProblem{".days", "must be between 1 and 100"}
	case r.Occasions < 0 || r.Occasions > 100:
		return &ruleProblem{".occasions", "must be between 1 and 100"}
	case r.WithinDays < 0 || r.WithinDays > 366:
		return &ruleProblem{".within_days", "must be between 1 and 366"}
	case r.Points < 0 || r.Points > 100:
		return &ruleProblem{".points", "must be between 0 and 100"}
	case r.Kind == ConsecutiveDays && r.WithinDays != 0 && r.WithinDays < r.Days:
		return &ruleProblem{".within_days", "is shorter than days, so the rule could never hit"}
	case r.Kind == InvalidOccasions && r.WithinDays != 0 && r.WithinDays < r.Occasions:
		return &ruleProblem{".within_days", "is shorter than occasions, so the rule could never hit"}
	}
	return nil
}

// withDefaults writes the defaults into the rule, so the loaded configuration shows what is in force.
func (r Rule) withDefaults() Rule {
	switch r.Kind {
	case ConsecutiveDays:
		r.DayPercent = orDefault(r.DayPercent, defaultConsecutiveDayPercent)
		if r.WithinDays == 0 {
			r.WithinDays = defaultWithinForRun(r.Days)
		}
	case InvalidOccasions:
		r.DayPercent = orDefault(r.DayPercent, defaultOccasionDayPercent)
		if r.WithinDays == 0 {
			r.WithinDays = defaultOccasionWithinDays
		}
	}
	return r
}

func parseMonthDay(s string) (MonthDay, bool) {
	t, err := time.Parse("01-02", strings.TrimSpace(s))
	if err != nil {
		return MonthDay{}, false
	}
	return MonthDay{Month: t.Month(), Day: t.Day()}, true
}

// normaliseOrgNumber accepts NNNNNN-NNNN, NNNNNNNNNN or the 12-digit form with the "16" prefix,
// and checks the Luhn digit that organisation numbers share with personnummer.
func normaliseOrgNumber(s string) (string, bool) {
	var d []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c-'0')
		case c == '-' || c == ' ':
		default:
			return "", false
		}
	}
	if len(d) == 12 && d[0] == 1 && d[1] == 6 {
		d = d[2:]
	}
	if len(d) != 10 {
		return "", false
	}
	var ten [10]byte
	copy(ten[:], d)
	if !narvaro.LuhnValid(ten) {
		return "", false
	}
	var b strings.Builder
	for i, v := range ten {
		if i == 6 {
			b.WriteByte('-')
		}
		b.WriteByte('0' + v)
	}
	return b.String(), true
}
