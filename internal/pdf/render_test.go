package pdf

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/pdf/pdftest"
)

func TestEveryPageCarriesHeaderAndFooter(t *testing.T) {
	pdf := mustRender(t, sampleReport())
	pages := pdftest.PageTexts(t, pdf)
	if n := pdftest.PageCount(t, pdf); n != len(pages) || n < 3 {
		t.Fatalf("pdfinfo says %d pages, pdftotext found %d; want the same and at least 3", n, len(pages))
	}
	for i, text := range pages {
		text = pdftest.Normalise(text)
		for _, want := range []string{
			"Vingåkers kommun, Barn- och utbildningsnämnden",
			"Slottsskolan F–6 (skolenhetskod 12345678)",
			"Dnr BUN 2026/0042",
			"Utredning av elevens frånvaro",
			fmt.Sprintf("Sida %d av %d", i+1, len(pages)),
			"Version 2",
			"Sekretess enligt OSL 23 kap. 2 §",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, text)
			}
		}
	}
}

func TestFirstPageHasTitleBlock(t *testing.T) {
	first := pdftest.Normalise(pdftest.PageTexts(t, mustRender(t, sampleReport()))[0])
	for _, want := range []string{
		"Utredning av elevens frånvaro",
		"Skollagen (2010:800) 7 kap. 19 a §",
		"Datum 2026-03-02",
		"Diarienummer BUN 2026/0042",
		"Upprättad av Åsa Öberg, Kurator",
		"Beslutsfattare Łukasz Nguễn, Rektor",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("first page lacks %q:\n%s", want, first)
		}
	}
}

func TestTextComesOutSearchable(t *testing.T) {
	meta := sampleMeta()
	meta.Secrecy = ""
	tests := []struct {
		name, in, want string
	}{
		{"Swedish letters", "Åsa Örnsköld-Ängqvist går på Ekängsskolan", "Åsa Örnsköld-Ängqvist går på Ekängsskolan"},
		{"Latin-1 accents", "André Müller och Zoë Ñúñez", "André Müller och Zoë Ñúñez"},
		{"Polish", "Łukasz Żółćiński", "Łukasz Żółćiński"},
		{"Vietnamese precomposed", "Nguyễn Thị Hường", "Nguyễn Thị Hường"},
		{"Vietnamese decomposed input is composed", "Nguye\u0302\u0303n", "Nguyễn"},
		{"Cyrillic", "Олександр Шевченко", "Олександр Шевченко"},
		{"missing glyph shows as replacement", "Li 李 Wei", "Li \uFFFD Wei"},
		{"control characters are dropped", "Ali\x00 Hassan\x07", "Ali Hassan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := Document{Meta: meta, Blocks: []Block{Paragraph{Text: "Namn: " + tt.in + "."}}}
			text := pdftest.Normalise(pdftest.PageTexts(t, mustRender(t, doc))[0])
			if !strings.Contains(text, "Namn: "+tt.want+".") {
				t.Errorf("want %q in:\n%s", tt.want, text)
			}
		})
	}
}

func TestSecrecyMarkingOnlyWhenSet(t *testing.T) {
	for _, secrecy := range []string{"", "Sekretess enligt OSL 23 kap. 2 §"} {
		t.Run(fmt.Sprintf("secrecy=%q", secrecy), func(t *testing.T) {
			doc := sampleCaseFile()
			doc.Meta.Secrecy = secrecy
			doc.Appendix = nil
			for i, text := range pdftest.PageTexts(t, mustRender(t, doc)) {
				has := strings.Contains(text, "Sekretess")
				if has != (secrecy != "") {
					t.Errorf("page %d: marking present = %v, want %v", i+1, has, secrecy != "")
				}
			}
		})
	}
}

func TestDraftIsMarkedOnEveryPage(t *testing.T) {
	for _, draft := range []bool{false, true} {
		t.Run(fmt.Sprint("draft=", draft), func(t *testing.T) {
			doc := sampleReport()
			doc.Meta.Draft = draft
			pdf := mustRender(t, doc)
			pages := pdftest.PageTexts(t, pdf)
			for i, text := range pages {
				if got := strings.Contains(text, "UTKAST"); got != draft {
					t.Errorf("page %d: UTKAST present = %v, want %v", i+1, got, draft)
				}
				// The diagonal mark is drawn, not just written: count its pixels. Anti-aliased
				// red text gives a few similar pixels on any page; the mark gives thousands.
				pink := rasterise(t, pdf, i+1, 30).count(watermark, 6)
				if draft && pink < 800 || !draft && pink > 100 {
					t.Errorf("page %d: %d watermark-coloured pixels, draft = %v", i+1, pink, draft)
				}
			}
		})
	}
}

func TestAppendixIsSeparateAndMarked(t *testing.T) {
	doc := sampleReport()
	doc.Meta.Secrecy = "" // the appendix is marked even when the main document is not
	doc.Appendix = []Block{
		Heading{Text: "Hälsa"},
		Paragraph{Text: strings.Repeat("Uppgift från elevhälsans medicinska insats. ", 200)},
	}
	pdf := mustRender(t, doc)
	pages := pdftest.PageTexts(t, pdf)
	first := -1
	for i, text := range pages {
		if strings.Contains(text, "Uppgift från elevhälsans") {
			first = i
			break
		}
	}
	if first < 1 {
		t.Fatalf("appendix text found on page %d; want a later page than the first", first+1)
	}
	// Two header lines, then the title.
	if lines := strings.Split(pdftest.Normalise(pages[first]), "\n"); len(lines) < 3 || lines[2] != "Sekretessbilaga" {
		t.Errorf("appendix page %d does not open with the Sekretessbilaga title:\n%s", first+1, pages[first])
	}
	if first == len(pages)-1 {
		t.Fatalf("the long appendix should span pages, ends on its first page %d", first+1)
	}
	for i, text := range pages {
		marked := strings.Contains(text, "Sekretessbilaga – innehåller uppgifter som kan omfattas av sekretess")
		if marked != (i >= first) {
			t.Errorf("page %d: appendix marking present = %v, want %v", i+1, marked, i >= first)
		}
	}
	if strings.Contains(pages[first-1], "Uppgift från elevhälsans") {
		t.Error("appendix content leaked onto the main document's last page")
	}
}

func TestTableHeaderRepeatsOnEveryPage(t *testing.T) {
	table := Table{Columns: []Column{
		{Title: "Datum", Width: 1}, {Title: "Händelse", Width: 4}, {Title: "Registrerad av", Width: 1.5},
	}}
	const rows = 150
	for i := range rows {
		table.Rows = append(table.Rows, []string{
			"2026-01-" + fmt.Sprintf("%02d", i%28+1),
			fmt.Sprintf("Rad %03d: samtal med vårdnadshavare om skolstarten och frånvaron under veckan.", i),
			"Jörgen Ängström",
		})
	}
	doc := Document{Meta: sampleMeta(), Blocks: []Block{Heading{Text: "Kronologi"}, table}}
	pdf := mustRender(t, doc)
	n := pdftest.PageCount(t, pdf)
	if n < 4 {
		t.Fatalf("150 two-line rows fit on %d pages; want at least 4", n)
	}
	for p := 1; p <= n; p++ {
		text := pdftest.Normalise(pdftest.PageText(t, pdf, p))
		if !strings.Contains(text, "Registrerad av") {
			t.Errorf("page %d lacks the table header:\n%s", p, text)
		}
		if !strings.Contains(text, fmt.Sprintf("Sida %d av %d", p, n)) {
			t.Errorf("page %d lacks its page number", p)
		}
	}
	// Every row exactly once, in order: nothing lost or repeated at page breaks.
	all := pdftest.Normalise(strings.Join(pdftest.PageTexts(t, pdf), "\n"))
	last := -1
	for i := range rows {
		marker := fmt.Sprintf("Rad %03d:", i)
		if c := strings.Count(all, marker); c != 1 {
			t.Fatalf("%q appears %d times", marker, c)
		}
		at := strings.Index(all, marker)
		if at < last {
			t.Fatalf("%q is out of order", marker)
		}
		last = at
	}
}

var numberedWord = regexp.MustCompile(`^ord\d{4}$`)

// TestLongBlocksSplitWithoutLoss fills every splittable block with numbered words and checks
// that each word comes out exactly once and in order, however the pages break.
func TestLongBlocksSplitWithoutLoss(t *testing.T) {
	words := func(n int, sep string) (string, []string) {
		var ws []string
		for i := range n {
			ws = append(ws, fmt.Sprintf("ord%04d", i))
		}
		return strings.Join(ws, sep), ws
	}
	text, want := words(2500, " ")
	cellText, cellWant := words(160, "\n") // one word a line: a row taller than a page
	tests := []struct {
		name     string
		block    Block
		want     []string
		minPages int
	}{
		{"paragraph", Paragraph{Text: text}, want, 3},
		{"quote", Quote{Text: text}, want, 3},
		{"field value", Fields{Rows: []Field{{Label: "Anteckning", Value: text}}}, want, 3},
		{"table row taller than a page", Table{Columns: []Column{{Title: "Kolumnrubrik"}}, Rows: [][]string{{cellText}}}, cellWant, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := mustRender(t, Document{Meta: sampleMeta(), Blocks: []Block{tt.block}})
			pages := pdftest.PageTexts(t, pdf)
			if len(pages) < tt.minPages {
				t.Fatalf("%d pages; want at least %d", len(pages), tt.minPages)
			}
			var got []string
			for _, w := range strings.Fields(strings.Join(pages, " ")) {
				if w = strings.Trim(w, "”"); numberedWord.MatchString(w) {
					got = append(got, w)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("words lost, repeated or reordered: got %d words, want %d", len(got), len(tt.want))
			}
			if _, ok := tt.block.(Table); ok {
				for i, p := range pages {
					if !strings.Contains(p, "Kolumnrubrik") {
						t.Errorf("page %d of the split row lacks the table header", i+1)
					}
				}
			}
		})
	}
}

func TestWheelAndChartAreDescribedInText(t *testing.T) {
	doc := Document{Meta: sampleMeta(), Blocks: []Block{sampleWheel(), weeklyAbsence(8)}}
	text := pdftest.Normalise(strings.Join(pdftest.PageTexts(t, mustRender(t, doc)), "\n"))
	for _, want := range []string{
		"Barnets bästa-hjulet",
		"Trygg", "Må bra", "Utvecklas", "Omvårdad", "Aktiv", "Respekterad", "Ansvarstagande", "Delaktig",
		"Oro", "Styrka", "Ingen markering", // legend
		"Må bra Oro och styrka Sover dåligt", // both perspectives on one domain
		"Omvårdad Styrka Mormor hämtar varje dag.",
		"Frånvaro per vecka", "Giltig", "Ogiltig", "v. 34", "v. 41",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	img := rasterise(t, mustRender(t, Document{Meta: sampleMeta(), Blocks: []Block{weeklyAbsence(8)}}), 1, 30)
	if valid, invalid := img.count(seriesColours[0], 4), img.count(seriesColours[1], 4); valid < 100 || invalid < 100 {
		t.Errorf("stacked bars: %d pixels of the first series, %d of the second; want both drawn", valid, invalid)
	}
	if strings.Contains(text, "poäng") || strings.Contains(text, "Summa") {
		t.Error("the wheel must not show a total score")
	}
}

// TestWheelMarksConcernAndStrength looks at the picture itself: concern is a warm fill, strength
// a green mark, both may apply to one segment, and unmarked segments are neutral.
func TestWheelMarksConcernAndStrength(t *testing.T) {
	domains := func(concern, strength bool) []WheelDomain {
		var ds []WheelDomain
		for _, l := range []string{"Trygg", "Må bra", "Utvecklas", "Omvårdad", "Aktiv", "Respekterad", "Ansvarstagande", "Delaktig"} {
			ds = append(ds, WheelDomain{Label: l, Concern: concern, Strength: strength})
		}
		return ds
	}
	tests := []struct {
		name              string
		concern, strength bool
	}{
		{"no marks", false, false},
		{"concern only", true, false},
		{"strength only", false, true},
		{"both", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := Document{Meta: Meta{DocType: "Hjul", Date: sampleDate}, Blocks: []Block{
				Wheel{Domains: domains(tt.concern, tt.strength)},
			}}
			// The legend shows every colour once; the wheel adds far more.
			img := rasterise(t, mustRender(t, doc), 1, 30)
			warm, green, neutral := img.count(concernFill, 6), img.count(strengthMark, 6), img.count(neutralFill, 4)
			if got := warm > 300; got != tt.concern {
				t.Errorf("%d warm pixels; concern = %v", warm, tt.concern)
			}
			if got := green > 150; got != tt.strength {
				t.Errorf("%d green pixels; strength = %v", green, tt.strength)
			}
			if got := neutral > 300; got != !tt.concern {
				t.Errorf("%d neutral pixels; concern = %v", neutral, tt.concern)
			}
		})
	}
}

func TestQuoteAndSignature(t *testing.T) {
	meta := sampleMeta()
	meta.Signed = true
	meta.SignedAt = time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)
	doc := Document{Meta: meta, Blocks: []Block{
		Quote{Text: "Jag vill vara med på idrotten.", Source: "Samtal med eleven"},
		Signature{},
	}}
	text := pdftest.Normalise(pdftest.PageTexts(t, mustRender(t, doc))[0])
	for _, want := range []string{
		"Barnets egna ord",
		"”Jag vill vara med på idrotten.”",
		"– Samtal med eleven",
		"Beslutsfattare",
		"Datum: 2026-03-02",
		"Elektroniskt signerat 2026-03-04 09:30",
		"Łukasz Nguễn\nRektor",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
}

func TestPageBreakStartsNewPageOnce(t *testing.T) {
	doc := Document{Meta: sampleMeta(), Blocks: []Block{
		Paragraph{Text: "Före."}, PageBreak{}, PageBreak{}, Paragraph{Text: "Efter."},
	}}
	pages := pdftest.PageTexts(t, mustRender(t, doc))
	if len(pages) != 2 {
		t.Fatalf("got %d pages, want 2 (a second PageBreak on an empty page does nothing)", len(pages))
	}
	if !strings.Contains(pages[0], "Före.") || !strings.Contains(pages[1], "Efter.") {
		t.Errorf("text on the wrong page: %q / %q", pages[0], pages[1])
	}
}

func TestHeadingStaysWithWhatFollows(t *testing.T) {
	filler := Paragraph{Text: strings.Repeat(loremSV, 4)} // ends about 70 mm above the bottom of page 1
	doc := Document{Meta: sampleMeta(), Blocks: []Block{
		filler,
		Heading{Text: "Bedömning enligt hjulet"},
		sampleWheel(),
	}}
	pages := pdftest.PageTexts(t, mustRender(t, doc))
	for i, text := range pages {
		if strings.Contains(text, "Bedömning enligt hjulet") {
			if !strings.Contains(text, "Ansvarstagande") {
				t.Errorf("heading on page %d, the wheel is not", i+1)
			}
			return
		}
	}
	t.Fatal("heading not found")
}

func TestTrailingPageBreakAddsNoEmptyPage(t *testing.T) {
	doc := Document{Meta: sampleMeta(),
		Blocks:   []Block{Paragraph{Text: "Huvuddokument."}, PageBreak{}},
		Appendix: []Block{Paragraph{Text: "Bilaga."}, PageBreak{}},
	}
	if pages := pdftest.PageTexts(t, mustRender(t, doc)); len(pages) != 2 {
		t.Fatalf("got %d pages, want 2: the main page and the appendix", len(pages))
	}
}

// TestQpdfAcceptsEveryDocument renders odd as well as typical documents.
func TestQpdfAcceptsEveryDocument(t *testing.T) {
	meta := sampleMeta()
	long := strings.Repeat("Ä", 400) // one word longer than a line
	tests := map[string]Document{
		"report":     sampleReport(),
		"case file":  sampleCaseFile(),
		"title only": {Meta: Meta{DocType: "Beslut", CreatedAt: sampleCreated}},
		"long word":  {Meta: meta, Blocks: []Block{Paragraph{Text: long}, Table{Columns: []Column{{Title: long}}, Rows: [][]string{{long}}}}},
		"tall row":   {Meta: meta, Blocks: []Block{Table{Columns: []Column{{Title: "Text"}}, Rows: [][]string{{strings.Repeat("rad\n", 150)}}}}},
		"long quote": {Meta: meta, Blocks: []Block{Quote{Text: strings.Repeat(loremSV, 20)}}},
		"charts": {Meta: meta, Blocks: []Block{
			BarChart{Bars: []Bar{{Label: "Ensam", Values: []float64{0}}}},
			BarChart{Title: "Före och efter", Series: []string{"Före", "Efter"}, Bars: []Bar{{Label: "Närvaro", Values: []float64{62.5, 91}}, {Label: "Lektioner", Values: []float64{12}}}},
			weeklyAbsence(52),
		}},
		"small wheels": {Meta: meta, Blocks: []Block{
			Wheel{Domains: []WheelDomain{{Label: "Trygg", Concern: true, Strength: true}}},
			Wheel{Domains: []WheelDomain{{Label: "A"}, {Label: "B", Strength: true}, {Label: "C", Concern: true}}},
		}},
		"draft appendix only": {Meta: Meta{DocType: "Anteckning", Date: sampleDate, Draft: true}, Appendix: []Block{Paragraph{Text: "Hemligt."}}},
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			pdftest.QpdfCheck(t, mustRender(t, doc))
		})
	}
}

func TestPDFMetadata(t *testing.T) {
	pdf := mustRender(t, sampleReport())
	info := pdftest.Run(t, "pdfinfo", pdftest.WriteTemp(t, pdf))
	for _, want := range []string{"Title:           Utredning av elevens frånvaro", "Producer:        Närvaro", "Author:          Åsa Öberg"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	// The creation date comes from Meta.CreatedAt, never the clock.
	if !strings.Contains(string(pdf), "/CreationDate (D:20260302140500)") {
		t.Error("CreationDate is not Meta.CreatedAt")
	}
}
