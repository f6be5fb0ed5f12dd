package attendance

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// A Layout says how one school system's export looks. Layouts are data (configs/
// attendance-layouts/*.yaml), so a municipality whose export differs adds a file instead of code.
type Layout struct {
	// Name is the file name without ".yaml"; it is what attendance_imports.layout stores.
	Name   string       `yaml:"-"`
	System string       `yaml:"system"`
	Label  narvaro.Text `yaml:"label"`
	// Granularity is "day" (one row per student and day) or "lesson" (one row per lesson; the
	// rows are summed per student and day, see MergeLessons and SumLessons).
	Granularity string `yaml:"granularity"`
	// Unit of the time columns: "minutes" or "hours". A value written as h:mm is always hours
	// and minutes.
	Unit string `yaml:"unit"`
	// Separator is "auto" (the most frequent of ; , tab and | in the header line), ";", ",",
	// "tab" or "|".
	Separator string `yaml:"separator"`
	// Encoding is "auto" (a BOM decides; otherwise valid UTF-8 is UTF-8 and anything else
	// Windows-1252), "utf-8", "windows-1252" or "utf-16". A UTF-8 or UTF-16 BOM always wins,
	// because a BOM cannot be an accident while a layout setting can be out of date.
	Encoding string `yaml:"encoding"`
	// DateFormats are tried in order; default ["YYYY-MM-DD"].
	DateFormats []string `yaml:"date_formats"`
	// SkipLines is the number of lines before the header (report titles and the like).
	SkipLines int     `yaml:"skip_lines"`
	Columns   Columns `yaml:"columns"`
	// AbsenceTypes lists the values of the absence_type column, for layouts that give one
	// absence column and a valid/invalid flag instead of two absence columns.
	AbsenceTypes AbsenceTypes `yaml:"absence_types"`
}

// Columns lists, per field, the header names that may hold it (matched case-insensitively,
// ignoring surrounding and repeated spaces). Either Valid and Invalid, or Absence and
// AbsenceType, are given.
type Columns struct {
	Personnummer []string `yaml:"personnummer"`
	Date         []string `yaml:"date"`
	Offered      []string `yaml:"offered"`
	Valid        []string `yaml:"valid"`
	Invalid      []string `yaml:"invalid"`
	Absence      []string `yaml:"absence"`
	AbsenceType  []string `yaml:"absence_type"`
}

// AbsenceTypes are the values (case-insensitive) of the absence_type column.
type AbsenceTypes struct {
	Valid   []string `yaml:"valid"`
	Invalid []string `yaml:"invalid"`
}

// ConfigError is a problem in a configuration file, naming the file and the key, for the
// operator who edits it.
type ConfigError struct {
	File    string
	Key     string
	Problem string
}

func (e *ConfigError) Error() string {
	if e.Key == "" {
		return e.File + ": " + e.Problem
	}
	return e.File + ": " + e.Key + ": " + e.Problem
}

// column identifies a field of a row.
type column uint8

const (
	colPersonnummer column = iota
	colDate
	colOffered
	colValid
	colInvalid
	colAbsence
	colAbsenceType
	numColumns
)

var columnKeys = [numColumns]string{"personnummer", "date", "offered", "valid", "invalid", "absence", "absence_type"}

// columnNames describe each field in messages.
var columnNames = [numColumns]narvaro.Text{
	{SV: "personnummer", EN: "personal identity number"},
	{SV: "datum", EN: "date"},
	{SV: "schemalagd tid", EN: "scheduled time"},
	{SV: "giltig frånvaro", EN: "valid absence"},
	{SV: "ogiltig frånvaro", EN: "invalid absence"},
	{SV: "frånvaro", EN: "absence"},
	{SV: "frånvarotyp (giltig/ogiltig)", EN: "absence type (valid/invalid)"},
}

func (c Columns) names(k column) []string {
	switch k {
	case colPersonnummer:
		return c.Personnummer
	case colDate:
		return c.Date
	case colOffered:
		return c.Offered
	case colValid:
		return c.Valid
	case colInvalid:
		return c.Invalid
	case colAbsence:
		return c.Absence
	case colAbsenceType:
		return c.AbsenceType
	}
	return nil
}

// compiled is a validated layout in the form the reader uses.
type compiled struct {
	layout   Layout
	lesson   bool
	hours    bool
	flagged  bool
	sep      byte // 0: detect
	encoding string
	dates    []dateFormat
	required []column
	headers  map[string]column
	validT   map[string]bool
	invalidT map[string]bool
}

var layoutName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// compile validates l; problems name the YAML key.
func (l Layout) compile() (*compiled, error) {
	bad := func(key, format string, args ...any) error {
		return &ConfigError{File: l.Name + ".yaml", Key: key, Problem: fmt.Sprintf(format, args...)}
	}
	c := &compiled{layout: l, headers: map[string]column{}}
	if !layoutName.MatchString(l.Name) {
		return nil, bad("", "the file name must be lower-case letters, digits, - or _")
	}
	if strings.TrimSpace(l.Label.SV) == "" {
		return nil, bad("label.sv", "missing")
	}
	if strings.TrimSpace(l.Label.EN) == "" {
		return nil, bad("label.en", "missing")
	}
	switch l.Granularity {
	case "day":
	case "lesson":
		c.lesson = true
	default:
		return nil, bad("granularity", "must be day or lesson, not %q", l.Granularity)
	}
	switch l.Unit {
	case "minutes":
	case "hours":
		c.hours = true
	default:
		return nil, bad("unit", "must be minutes or hours, not %q", l.Unit)
	}
	switch l.Separator {
	case "", "auto":
	case ";", ",", "|":
		c.sep = l.Separator[0]
	case "tab", "\t":
		c.sep = '\t'
	default:
		return nil, bad("separator", `must be auto, ";", ",", "|" or tab, not %q`, l.Separator)
	}
	switch strings.ToLower(l.Encoding) {
	case "", "auto":
		c.encoding = "auto"
	case "utf-8", "utf8":
		c.encoding = "utf-8"
	case "windows-1252", "cp1252":
		c.encoding = "windows-1252"
	case "utf-16", "utf16":
		c.encoding = "utf-16"
	default:
		return nil, bad("encoding", "must be auto, utf-8, windows-1252 or utf-16, not %q", l.Encoding)
	}
	formats := l.DateFormats
	if len(formats) == 0 {
		formats = []string{"YYYY-MM-DD"}
	}
	for i, f := range formats {
		df, err := compileDateFormat(f)
		if err != nil {
			return nil, bad(fmt.Sprintf("date_formats[%d]", i), "%v", err)
		}
		c.dates = append(c.dates, df)
	}
	if l.SkipLines < 0 || l.SkipLines > 100 {
		return nil, bad("skip_lines", "must be between 0 and 100")
	}

	cols := l.Columns
	split := len(cols.Valid) > 0 || len(cols.Invalid) > 0
	c.flagged = len(cols.Absence) > 0 || len(cols.AbsenceType) > 0
	switch {
	case split && c.flagged:
		return nil, bad("columns", "give either valid and invalid, or absence and absence_type, not both")
	case c.flagged:
		c.required = []column{colPersonnummer, colDate, colOffered, colAbsence, colAbsenceType}
		if !c.lesson {
			// One day can hold both kinds of absence, which a single flagged row per day cannot say.
			return nil, bad("columns", "absence with absence_type needs granularity lesson")
		}
	default:
		c.required = []column{colPersonnummer, colDate, colOffered, colValid, colInvalid}
	}
	for _, k := range c.required {
		names := cols.names(k)
		key := "columns." + columnKeys[k]
		if len(names) == 0 {
			return nil, bad(key, "missing (list the header names that may hold this column)")
		}
		for i, n := range names {
			h := normaliseHeader([]byte(n))
			if h == "" {
				return nil, bad(fmt.Sprintf("%s[%d]", key, i), "empty header name")
			}
			if other, dup := c.headers[h]; dup {
				return nil, bad(fmt.Sprintf("%s[%d]", key, i), "%q is also a name for columns.%s", n, columnKeys[other])
			}
			c.headers[h] = k
		}
	}
	if c.flagged {
		c.validT, c.invalidT = map[string]bool{}, map[string]bool{}
		if len(l.AbsenceTypes.Valid) == 0 {
			return nil, bad("absence_types.valid", "missing (the values that mean valid absence)")
		}
		if len(l.AbsenceTypes.Invalid) == 0 {
			return nil, bad("absence_types.invalid", "missing (the values that mean invalid absence)")
		}
		for i, v := range l.AbsenceTypes.Valid {
			h := normaliseHeader([]byte(v))
			if h == "" {
				return nil, bad(fmt.Sprintf("absence_types.valid[%d]", i), "empty value")
			}
			c.validT[h] = true
		}
		for i, v := range l.AbsenceTypes.Invalid {
			h := normaliseHeader([]byte(v))
			if h == "" {
				return nil, bad(fmt.Sprintf("absence_types.invalid[%d]", i), "empty value")
			}
			if c.validT[h] {
				return nil, bad(fmt.Sprintf("absence_types.invalid[%d]", i), "%q is also listed as valid", v)
			}
			c.invalidT[h] = true
		}
	} else if len(l.AbsenceTypes.Valid)+len(l.AbsenceTypes.Invalid) > 0 {
		return nil, bad("absence_types", "only used with columns.absence and columns.absence_type")
	}
	return c, nil
}

// LoadLayouts reads and validates every *.yaml file at the top of fsys, keyed by file name
// without the extension. A file with an unknown key or a bad value is an error naming the file
// and the key.
func LoadLayouts(fsys fs.FS) (map[string]Layout, error) {
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("listing attendance layouts: %w", err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, errors.New("attendance layouts: no *.yaml files found")
	}
	out := make(map[string]Layout, len(files))
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("reading attendance layout %s: %w", f, err)
		}
		l, err := ParseLayout(strings.TrimSuffix(path.Base(f), ".yaml"), data)
		if err != nil {
			return nil, err
		}
		out[l.Name] = l
	}
	return out, nil
}

// ParseLayout reads and validates one layout file's contents.
func ParseLayout(name string, data []byte) (Layout, error) {
	var l Layout
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt key must not silently fall back to a default
	if err := dec.Decode(&l); err != nil {
		return Layout{}, &ConfigError{File: name + ".yaml", Problem: err.Error()}
	}
	l.Name = name
	if _, err := l.compile(); err != nil {
		return Layout{}, err
	}
	return l, nil
}

// normaliseHeader lower-cases, trims and collapses white space, so "Giltig  frånvaro " matches
// "giltig frånvaro". It also drops a stray BOM, which some exports put before the first header.
func normaliseHeader(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	fields := strings.Fields(string(b))
	return strings.ToLower(strings.Join(fields, " "))
}
