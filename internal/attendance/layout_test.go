package attendance

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestShippedLayoutsLoad(t *testing.T) {
	ls := loadLayouts(t)
	for _, name := range []string{"skola24-dag", "skola24-lektion", "ist-edlevo", "unikum", "vklass", "schoolsoft"} {
		l, ok := ls[name]
		if !ok || l.Name != name || l.Label.SV == "" || l.Label.EN == "" {
			t.Errorf("layout %s: %+v", name, l)
		}
	}
}

const goodLayout = `
label: {sv: Test, en: Test}
granularity: day
unit: minutes
columns:
  personnummer: [Personnummer]
  date: [Datum]
  offered: [Tid]
  valid: [Giltig]
  invalid: [Ogiltig]
`

func TestBadLayoutsNameTheFileAndKey(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		key      string
		contains string
	}{
		{"unknown key", goodLayout + "seperator: ';'\n", "", "seperator"},
		{"bad granularity", strings.Replace(goodLayout, "granularity: day", "granularity: week", 1), "granularity", "week"},
		{"missing unit", strings.Replace(goodLayout, "unit: minutes\n", "", 1), "unit", "minutes or hours"},
		{"bad separator", goodLayout + "separator: ':'\n", "separator", ":"},
		{"bad encoding", goodLayout + "encoding: latin9\n", "encoding", "latin9"},
		{"bad date format", goodLayout + "date_formats: [YYYY-MM-DD, DD/MM/YY]\n", "date_formats[1]", "YY"},
		{"ambiguous date format", goodLayout + "date_formats: [DMYYYY]\n", "date_formats[0]", "separator"},
		{"missing label", strings.Replace(goodLayout, "label: {sv: Test, en: Test}", "label: {sv: Test}", 1), "label.en", "missing"},
		{"missing column", strings.Replace(goodLayout, "  invalid: [Ogiltig]\n", "", 1), "columns.invalid", "missing"},
		{"empty header name", strings.Replace(goodLayout, "[Ogiltig]", `["  "]`, 1), "columns.invalid[0]", "empty"},
		{"one name for two columns", strings.Replace(goodLayout, "[Ogiltig]", "[ogiltig, GILTIG]", 1), "columns.invalid[1]", "columns.valid"},
		{"split and flagged", goodLayout + "  absence: [Frånvaro]\n", "columns", "not both"},
		{"flagged per day", strings.NewReplacer("  valid: [Giltig]\n", "  absence: [Frånvaro]\n", "  invalid: [Ogiltig]\n", "  absence_type: [Typ]\n").Replace(goodLayout), "columns", "granularity lesson"},
		{"flagged without values", strings.NewReplacer("granularity: day", "granularity: lesson", "  valid: [Giltig]\n", "  absence: [Frånvaro]\n", "  invalid: [Ogiltig]\n", "  absence_type: [Typ]\n").Replace(goodLayout), "absence_types.valid", "missing"},
		{"values without flag column", goodLayout + "absence_types: {valid: [ja], invalid: [nej]}\n", "absence_types", "only used"},
		{"skip too many lines", goodLayout + "skip_lines: 1000\n", "skip_lines", "between"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"good.yaml":   {Data: []byte(goodLayout)},
				"broken.yaml": {Data: []byte(tt.yaml)},
				"README.md":   {Data: []byte("not a layout")},
			}
			_, err := LoadLayouts(fsys)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if ce.File != "broken.yaml" || ce.Key != tt.key || !strings.Contains(ce.Problem, tt.contains) {
				t.Errorf("got %q (file %q key %q), want key %q and %q", err, ce.File, ce.Key, tt.key, tt.contains)
			}
		})
	}
}

func TestLayoutFilesOnly(t *testing.T) {
	if _, err := LoadLayouts(fstest.MapFS{"README.md": {Data: []byte("x")}}); err == nil {
		t.Error("a directory without layouts must be an error")
	}
	ls, err := LoadLayouts(fstest.MapFS{"a.yaml": {Data: []byte(goodLayout)}, "README.md": {Data: []byte("x")}})
	if err != nil || len(ls) != 1 || ls["a"].Name != "a" {
		t.Errorf("ls %v err %v", ls, err)
	}
	if _, err := LoadLayouts(fstest.MapFS{"Skola 24.yaml": {Data: []byte(goodLayout)}}); err == nil {
		t.Error("a file name with upper case and spaces must be rejected: it is stored as the layout name")
	}
}

func TestDateFormats(t *testing.T) {
	tests := []struct {
		format, in string
		want       string // "" when the value must be rejected
	}{
		{"YYYY-MM-DD", "2026-09-14", "2026-09-14"},
		{"YYYY-MM-DD", "2026-09-14 08:10", "2026-09-14"},
		{"YYYY-MM-DD", "2026-09-14T08:10:00", "2026-09-14"},
		{"YYYY-MM-DD", "2026-9-14", ""},
		{"YYYY-MM-DD", "2026-09-14x", ""},
		{"YYYY-MM-DD", "2026-13-01", ""},
		{"YYYY-MM-DD", "2026-02-29", ""},
		{"YYYY-MM-DD", "2028-02-29", "2028-02-29"},
		{"D/M/YYYY", "14/9/2026", "2026-09-14"},
		{"D/M/YYYY", "04/09/2026", "2026-09-04"},
		{"D/M/YYYY", "31/4/2026", ""},
		{"D/M/YYYY", "14/9/26", ""},
		{"YYYYMMDD", "20260914", "2026-09-14"},
		{"YYYYMMDD", "2026091", ""},
		{"D.M.YYYY", "1.10.2026", "2026-10-01"},
	}
	for _, tt := range tests {
		f, err := compileDateFormat(tt.format)
		if err != nil {
			t.Fatal(err)
		}
		n, ok := f.parse([]byte(tt.in))
		got := ""
		if ok {
			got = isoDate(n)
		}
		if got != tt.want {
			t.Errorf("%s %q = %q, want %q", tt.format, tt.in, got, tt.want)
		}
	}
}
