package pdf

import (
	"strings"
	"testing"
)

func testMetrics(t *testing.T) *metrics {
	t.Helper()
	m, err := loadMetrics()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The names and letters Swedish school records contain must all have glyphs in the embedded
// subset; a missing one would print as U+FFFD.
func TestFontsCoverNamesInSchoolRecords(t *testing.T) {
	m := testMetrics(t)
	letters := "abcåäöABCÅÄÖéèêëüÜßøØæÆ" + // Swedish, Nordic, German, French
		"ŁłŻżŹźĆćĘęŃńŚś" + // Polish
		"ČčŠšŽžŘřĎďŤťŇňŐőŰűĂăȘșȚț" + // Central European, Romanian
		"ĐđƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ" + // Vietnamese
		"ÇçĞğİıŞş" + // Turkish
		"ΑαΒβΓγΩω" + "АаБбЖжЩщЇїЄєҐґ" + // Greek, Cyrillic incl. Ukrainian
		"–—‘’“”„…•€§°±×÷≥≤→✓☐☑\u00a0\uFFFD"
	for _, r := range letters {
		if !m.has(r) {
			t.Errorf("embedded fonts lack %q (U+%04X)", r, r)
		}
		for s := range numStyles {
			if m.width[s][r] == 0 && r != '\u00a0' {
				t.Errorf("style %d: %q has no width", s, r)
			}
		}
	}
}

func TestWrapKeepsEveryWordWithinWidth(t *testing.T) {
	m := testMetrics(t)
	tests := []struct {
		name string
		in   string
		maxW float64
		want []string
	}{
		{"fits", "Eleven mår bra.", 100, []string{"Eleven mår bra."}},
		{"breaks at spaces", "ett två tre fyra fem sex sju åtta nio tio", 30, nil},
		{"keeps newlines and blank lines", "rad ett\n\nrad tre", 100, []string{"rad ett", "", "rad tre"}},
		{"collapses nothing inside a line", "a  b", 100, []string{"a  b"}},
		{"drops leading spaces on wrapped lines", "aaaa bbbb     cccc", 12, nil},
		{"cuts a word longer than the line", strings.Repeat("x", 80), 20, nil},
		{"empty", "", 100, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := m.wrap(tt.in, regular, 10, tt.maxW, nil)
			if tt.want != nil && strings.Join(lines, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q, want %q", lines, tt.want)
			}
			for _, l := range lines {
				if w := m.textWidth(l, regular, 10); w > tt.maxW+1e-9 {
					t.Errorf("line %q is %.2f mm wide, limit %.2f", l, w, tt.maxW)
				}
				if strings.HasPrefix(l, " ") || strings.HasSuffix(l, " ") {
					t.Errorf("line %q has leading or trailing space", l)
				}
			}
			if got, want := strings.Join(strings.Fields(strings.Join(lines, "")), ""), strings.Join(strings.Fields(tt.in), ""); got != want {
				t.Errorf("letters lost: got %q, want %q", got, want)
			}
		})
	}
}

func TestCleanAndTruncate(t *testing.T) {
	m := testMetrics(t)
	if got := m.clean("a\tb\r\nc\u00ad"); got != "a b\nc" {
		t.Errorf("clean = %q", got)
	}
	if got := m.cleanLine("Vingåker\nkommun"); got != "Vingåker kommun" {
		t.Errorf("cleanLine = %q", got)
	}
	s := "Barn- och utbildningsnämnden i Vingåkers kommun"
	got := m.truncate(s, bold, 9, 40)
	if !strings.HasSuffix(got, "…") || m.textWidth(got, bold, 9) > 40 {
		t.Errorf("truncate = %q (%.1f mm)", got, m.textWidth(got, bold, 9))
	}
	if got := m.truncate("kort", bold, 9, 40); got != "kort" {
		t.Errorf("short text changed: %q", got)
	}
}

func TestNumbersAndScales(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 12: "12", 12.5: "12,5", 12.345: "12,3", 100: "100", 0.05: "0,1"} {
		if got := formatNumber(v); got != want {
			t.Errorf("formatNumber(%v) = %q, want %q", v, got, want)
		}
	}
	tests := []struct{ max, top, step float64 }{
		{0, 1, 0.2},
		{39.5, 40, 10},
		{100, 100, 20},
		{7, 8, 2},
		{0.05, 0.1, 0.1},
	}
	for _, tt := range tests {
		top, step := niceScale(tt.max)
		if top != tt.top || step != tt.step {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.max, top, step, tt.top, tt.step)
		}
	}
}
