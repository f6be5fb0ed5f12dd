package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/report"
)

// published is the sample with months and domains, published with threshold 5.
func published() *report.Report {
	r := sample()
	r.Months = []report.MonthRow{
		{Month: "2026-09", Label: "sep 2026", Signals: report.C(20), Opened: report.C(12), Closed: report.C(0)},
		{Month: "2026-10", Label: "okt 2026", Signals: report.C(21), Opened: report.C(10), Closed: report.C(3)},
	}
	r.Domains = []report.DomainRow{
		{Key: "safe", Label: "Trygg", Cases: report.C(14), Measures: report.C(9)},
		{Key: "included", Label: "Delaktig", Cases: report.C(6), Measures: report.C(2)},
	}
	r.Schools[0].Name = "=HYPERLINK(\"x\")" // a name an attacker typed
	r.Publish(5)
	return r
}

// The CSV opens in Excel with Swedish characters: UTF-8 byte-order mark, semicolons, decimal
// commas, one figure per row under fixed columns, small counts as "< 5".
func TestWriteCSV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, published()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no UTF-8 byte-order mark: % x", b[:3])
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("lines do not end in CRLF")
	}
	rd := csv.NewReader(bytes.NewReader(b[3:]))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], []string{"Avsnitt", "Indelning", "Mått", "Värde", "Enhet"}) {
		t.Fatalf("header = %q", rows[0])
	}
	find := func(section, part, measure string) []string {
		t.Helper()
		for _, r := range rows {
			if r[0] == section && r[1] == part && r[2] == measure {
				return r
			}
		}
		t.Fatalf("no row %s / %s / %s", section, part, measure)
		return nil
	}
	for _, tc := range []struct {
		section, part, measure, value, unit string
	}{
		{"Rapport", "", "Huvudman", "Exempelkommun, barn- och utbildningsnämnden", ""},
		{"Rapport", "", "Period från", "2026-08-17", "datum"},
		{"Signaler", "Totalt", "Flaggade elever", "37", "antal"},
		{"Ärenden", "Totalt", "Avslutade", "< 5", "antal"},
		{"Anmälan till huvudman", "Totalt", "Dagar från utredningsstart till anmälan, median", "4", "dagar"},
		{"Avslut", "Eleven har flyttat", "Antal", "< 5", "antal"},
		{"Avslut", "Närvaron återställd", "Antal", "..", "antal"},
		{"Effekt av åtgärder", "Samtliga planer", "Frånvaro 4 veckor före", "31,5", "%"},
		{"Effekt av åtgärder", "Samtliga planer", "Förändring", "-13,3", "procentenheter"},
		{"Effekt av åtgärder", "Trygg", "Frånvaro 4 veckor före", "–", "%"},
		{"Månad", "2026-10", "Avslutade ärenden", "< 5", "antal"},
		{"Område i hjulet", "Delaktig", "Åtgärder", "< 5", "antal"},
		{"Skolenhet", "Åsens skola ()", "Inskrivna elever", "< 5", "antal"},
		{"Skolenhet", "'=HYPERLINK(\"x\") ()", "Inskrivna elever", "600", "antal"},
	} {
		row := find(tc.section, tc.part, tc.measure)
		if row[3] != tc.value || row[4] != tc.unit {
			t.Errorf("%s / %s / %s = %q %q, want %q %q", tc.section, tc.part, tc.measure, row[3], row[4], tc.value, tc.unit)
		}
	}
	for i, r := range rows {
		if len(r) != 5 {
			t.Errorf("row %d has %d fields", i, len(r))
		}
	}
}

func TestOutputsRefuseAnUnpublishedReport(t *testing.T) {
	t.Parallel()
	if err := report.WriteCSV(io.Discard, sample()); !errors.Is(err, report.ErrNotPublished) {
		t.Errorf("CSV of an unpublished report: %v", err)
	}
	if _, err := report.PDF(sample(), report.PDFOptions{}); !errors.Is(err, report.ErrNotPublished) {
		t.Errorf("PDF of an unpublished report: %v", err)
	}
}

// The charts are the same on the page and in the PDF: per month, per school, per domain, and
// before/after; the SVG is well-formed, has no style (the CSP forbids inline styles) and says
// when values are hidden.
func TestChartsAndSVG(t *testing.T) {
	t.Parallel()
	r := published()
	charts := r.Charts()
	var keys []string
	for _, c := range charts {
		keys = append(keys, c.Key)
	}
	if strings.Join(keys, " ") != "months schools domains effect" {
		t.Fatalf("charts = %v", keys)
	}
	months := charts[0]
	if len(months.Bars) != 2 || months.Bars[1].Label != "okt 2026" || months.Bars[1].Texts[2] != "< 5" || months.Bars[1].Values[2] != 0 {
		t.Errorf("month bars = %+v", months.Bars)
	}
	if !strings.Contains(months.Note, "< 5") {
		t.Errorf("note = %q", months.Note)
	}
	// The effect chart leaves out the domain whose plans are too few.
	if eff := charts[3]; len(eff.Bars) != 1 || eff.Bars[0].Values[0] != 31.5 || eff.Unit != "%" {
		t.Errorf("effect bars = %+v", eff.Bars)
	}
	for _, c := range charts {
		svg := c.SVG()
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Errorf("%s: SVG is not well-formed XML: %v", c.Key, err)
		}
		if strings.Contains(svg, "style") || strings.Contains(svg, "<script") {
			t.Errorf("%s: SVG carries style or script", c.Key)
		}
		if !strings.Contains(svg, "<title id=") || !strings.Contains(svg, `role="img"`) {
			t.Errorf("%s: SVG has no accessible name", c.Key)
		}
	}
	svg := charts[1].SVG()
	if !strings.Contains(svg, "=HYPERLINK(&#34;x&#34;)") || !strings.Contains(svg, "Åsens skola") {
		t.Errorf("school names are not escaped or missing: %s", svg)
	}
}
