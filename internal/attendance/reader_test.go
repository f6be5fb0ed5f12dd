package attendance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
)

func TestEverySampleParsesToKnownTotals(t *testing.T) {
	tests := []struct {
		layout   string
		encoding string
		sep      rune
		rows     sums // as read
		days     sums // after MergeLessons (same as rows for day layouts)
	}{
		{"skola24-dag", "utf-8", ';', sums{6, 1950, 420, 75}, sums{6, 1950, 420, 75}},
		{"skola24-lektion", "utf-8", ';', sums{7, 435, 60, 95}, sums{3, 435, 60, 95}},
		{"ist-edlevo", "windows-1252", ';', sums{4, 1350, 435, 75}, sums{4, 1350, 435, 75}},
		{"unikum", "utf-8", ',', sums{6, 300, 70, 80}, sums{3, 300, 70, 80}},
		{"vklass", "utf-8", ';', sums{4, 1140, 300, 100}, sums{4, 1140, 300, 100}},
		{"schoolsoft", "utf-8", ',', sums{4, 255, 90, 45}, sums{3, 255, 90, 45}},
	}
	layouts := loadLayouts(t)
	if len(layouts) != len(tests) {
		t.Errorf("%d layouts in configs, %d tested", len(layouts), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.layout, func(t *testing.T) {
			l := layouts[tt.layout]
			r := open(t, tt.layout+".csv", l)
			if r.Encoding() != tt.encoding || r.Separator() != tt.sep {
				t.Errorf("read as %s with %q, want %s with %q", r.Encoding(), r.Separator(), tt.encoding, tt.sep)
			}
			rows, problems := readAll(t, r)
			if len(problems) > 0 {
				t.Fatalf("problems in a good sample: %v", problems)
			}
			if got := total(rows); got != tt.rows {
				t.Errorf("rows total %+v, want %+v", got, tt.rows)
			}
			days, problems := readAll(t, MergeLessons(open(t, tt.layout+".csv", l)))
			if len(problems) > 0 {
				t.Fatalf("problems merging: %v", problems)
			}
			if got := total(days); got != tt.days {
				t.Errorf("day total %+v, want %+v", got, tt.days)
			}
		})
	}
}

func TestSampleRowsAreNormalised(t *testing.T) {
	rows, _ := readAll(t, open(t, "ist-edlevo.csv", layout(t, "ist-edlevo")))
	want := Row{Line: 5, Personnummer: "20130921-1173", Day: date(2026, 9, 15), OfferedMinutes: 300, ValidMinutes: 75}
	if rows[1] != want {
		t.Errorf("second row of the IST sample (hours, decimal comma, YYMMDD, two title lines)\n got %+v\nwant %+v", rows[1], want)
	}
	rows, _ = readAll(t, open(t, "vklass.csv", layout(t, "vklass")))
	want = Row{Line: 4, Personnummer: "20111111-9143", Day: date(2026, 9, 16), OfferedMinutes: 300, InvalidMinutes: 100}
	if rows[2] != want {
		t.Errorf("third Vklass row (D/M/YYYY, 10 digits without dash, CRLF)\n got %+v\nwant %+v", rows[2], want)
	}
	rows, _ = readAll(t, open(t, "skola24-dag.csv", layout(t, "skola24-dag")))
	if got := rows[5].Personnummer; got != "20120872-3310" {
		t.Errorf("samordningsnummer read as %q", got)
	}
}

func TestLessonRowsAreSummedPerStudentAndDay(t *testing.T) {
	want := []Row{
		{Line: 2, Personnummer: "20120315-2382", Day: date(2026, 9, 14), OfferedMinutes: 210, ValidMinutes: 60, InvalidMinutes: 20},
		{Line: 5, Personnummer: "20120315-2382", Day: date(2026, 9, 15), OfferedMinutes: 120, InvalidMinutes: 60},
		{Line: 7, Personnummer: "20110704-9825", Day: date(2026, 9, 14), OfferedMinutes: 105, InvalidMinutes: 15},
	}
	l := layout(t, "skola24-lektion")
	merged, _ := readAll(t, MergeLessons(open(t, "skola24-lektion.csv", l)))
	if fmt.Sprint(merged) != fmt.Sprint(want) {
		t.Errorf("MergeLessons\n got %+v\nwant %+v", merged, want)
	}
	summed, problems, err := SumLessons(open(t, "skola24-lektion.csv", l))
	if err != nil || len(problems) > 0 {
		t.Fatalf("SumLessons: %v %v", problems, err)
	}
	// SumLessons sorts by personnummer, so Bo (2011) comes first.
	wantSorted := []Row{want[2], want[0], want[1]}
	if fmt.Sprint(summed) != fmt.Sprint(wantSorted) {
		t.Errorf("SumLessons\n got %+v\nwant %+v", summed, wantSorted)
	}
}

func TestUnsortedLessonsAreSummedBySumLessonsButRejectedByMergeLessons(t *testing.T) {
	text := "Personnummer;Datum;Lektionstid (min);Frånvaro (min);Frånvarotyp\n" +
		"20120315-2382;2026-09-14;60;60;Giltig\n" +
		"20110704-9825;2026-09-14;60;0;\n" +
		"20120315-2382;2026-09-14;40;10;Ogiltig\n"
	l := layout(t, "skola24-lektion")
	summed, problems, err := SumLessons(newReader(t, l, text))
	if err != nil || len(problems) > 0 {
		t.Fatalf("SumLessons: %v %v", problems, err)
	}
	if got := total(summed); got != (sums{2, 160, 60, 10}) {
		t.Errorf("SumLessons totals %+v", got)
	}
	merged, problems := readAll(t, MergeLessons(newReader(t, l, text)))
	if len(merged) != 2 || len(problems) != 1 || problems[0].Line != 4 ||
		!strings.Contains(problems[0].Reason.SV, "inte sorterad") || !strings.Contains(problems[0].Reason.EN, "not sorted") {
		t.Errorf("MergeLessons on unsorted input: rows %+v, problems %v", merged, problems)
	}
}

func TestLessonsAddingUpToMoreThanADayAreRejected(t *testing.T) {
	var b strings.Builder
	b.WriteString("Personnummer;Datum;Lektionstid (min);Frånvaro (min);Frånvarotyp\n")
	for i := 0; i < 25; i++ {
		b.WriteString("20120315-2382;2026-09-14;60;0;\n")
	}
	l := layout(t, "skola24-lektion")
	rows, problems := readAll(t, MergeLessons(newReader(t, l, b.String())))
	if len(rows) != 0 || len(problems) != 1 || problems[0].Line != 2 {
		t.Errorf("25 hours of lessons: rows %v, problems %v", rows, problems)
	}
	rows, problems, _ = SumLessons(newReader(t, l, b.String()))
	if len(rows) != 0 || len(problems) != 1 {
		t.Errorf("SumLessons, 25 hours of lessons: rows %v, problems %v", rows, problems)
	}
}

func TestBadLinesAreReportedWithLineAndReason(t *testing.T) {
	const header = "Personnummer;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n"
	const good = "20120315-2382;2026-09-14;300;0;0\n"
	tests := []struct {
		name   string
		line   string
		sv, en string
	}{
		{"missing personnummer", ";2026-09-15;300;0;0", "Personnummer saknas", "is missing"},
		{"personnummer with letters", "2012031X-2382;2026-09-15;300;0;0", "fel format", "wrong format"},
		{"personnummer too short", "120315-238;2026-09-15;300;0;0", "fel format", "wrong format"},
		{"personnummer check digit", "20120315-2383;2026-09-15;300;0;0", "kontrollsiffra", "check digit"},
		{"personnummer date", "20140229-0009;2026-09-15;300;0;0", "födelsedatum", "date of birth"},
		{"personnummer in the future", "20300101-0002;2026-09-15;300;0;0", "framtiden", "future"},
		{"missing date", "20120315-2382;;300;0;0", "Datum saknas", "date is missing"},
		{"unreadable date", "20120315-2382;15/9/2026;300;0;0", `"15/9/2026" kan inte tolkas (väntat format ÅÅÅÅ-MM-DD)`, "cannot be read"},
		{"impossible date", "20120315-2382;2026-02-30;300;0;0", "kan inte tolkas", "cannot be read"},
		{"date before 2000", "20120315-2382;1999-12-31;300;0;0", "utanför det tillåtna intervallet 2000-01-01 – 2027-11-23", "outside the allowed range"},
		{"date over a year ahead", "20120315-2382;2027-11-24;300;0;0", "utanför", "outside"},
		{"empty scheduled time", "20120315-2382;2026-09-15;;0;0", `Kolumnen "Schemalagd tid (min)" (schemalagd tid) är tom`, "is empty"},
		{"negative absence", "20120315-2382;2026-09-15;300;-5;0", `Värdet "-5" i kolumnen "Giltig frånvaro (min)" är negativt`, "negative"},
		{"text for a number", "20120315-2382;2026-09-15;300;0;tio", `"tio" i kolumnen "Ogiltig frånvaro (min)" är inte ett tal`, "not a number"},
		{"two decimal marks", "20120315-2382;2026-09-15;300;1,5,0;0", "inte ett tal", "not a number"},
		{"more than a day", "20120315-2382;2026-09-15;1441;0;0", "orimligt stort", "implausibly large"},
		{"absence above scheduled", "20120315-2382;2026-09-15;300;200;101", "Frånvaron (301 min) är större än den schemalagda tiden (300 min)", "more than the scheduled time"},
		{"duplicate student and day", "20120315-2382;2026-09-14;300;0;0", "redan en rad för 2026-09-14", "already has a row"},
		{"same student as 10 digits, same day", "1203152382;2026-09-14;300;0;0", "redan en rad", "already has a row"},
		{"unterminated quote", `20120315-2382;"2026-09-15;300;0;0`, "citattecken", "never closed"},
	}
	l := layout(t, "skola24-dag")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The bad line is line 3, between good lines, so the line number and the reader
			// carrying on are both checked.
			text := header + good + tt.line + "\n" + "20110704-9825;2026-09-14;300;0;0\n"
			rows, problems := readAll(t, newReader(t, l, text))
			if len(problems) != 1 {
				t.Fatalf("problems %v, want one", problems)
			}
			p := problems[0]
			if p.Line != 3 || !strings.Contains(p.Reason.SV, tt.sv) || !strings.Contains(p.Reason.EN, tt.en) {
				t.Errorf("got line %d %q / %q\nwant line 3 containing %q / %q", p.Line, p.Reason.SV, p.Reason.EN, tt.sv, tt.en)
			}
			wantRows := 2
			if tt.name == "unterminated quote" {
				wantRows = 1 // the quote swallows the last line, and the message says so
			}
			if len(rows) != wantRows {
				t.Errorf("%d good rows, want %d", len(rows), wantRows)
			}
		})
	}
}

func TestRowErrorTextCarriesTheLineNumber(t *testing.T) {
	e := &RowError{Line: 7, Reason: narvaro.Text{SV: "Datum saknas.", EN: "The date is missing."}}
	if got := e.Text(); got.SV != "Rad 7: Datum saknas." || got.EN != "Line 7: The date is missing." {
		t.Errorf("Text() = %+v", got)
	}
	if e.Error() != "line 7: The date is missing." {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestDateRangeIsAParameter(t *testing.T) {
	text := "Personnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n" +
		"20120315-2382;2026-08-14;300;0;0\n" +
		"20120315-2382;2026-08-15;300;0;0\n"
	r, err := NewReader(strings.NewReader(text), layout(t, "skola24-dag"),
		WithToday(today), WithDateRange(date(2026, 8, 15), date(2027, 1, 6)))
	if err != nil {
		t.Fatal(err)
	}
	rows, problems := readAll(t, r)
	if len(rows) != 1 || len(problems) != 1 || problems[0].Line != 2 || !strings.Contains(problems[0].Reason.SV, "2026-08-15 – 2027-01-06") {
		t.Errorf("rows %v problems %v", rows, problems)
	}
}

func TestMissingColumnsAreReportedBeforeAnyRow(t *testing.T) {
	text := "Personnummer;Datum;Schemalagd tid (min);Frånvaro\n20120315-2382;2026-09-14;300;0\n"
	_, err := NewReader(strings.NewReader(text), layout(t, "skola24-dag"), WithToday(today))
	var e *narvaro.Error
	if !errors.As(err, &e) || e.Code != narvaro.CodeInvalid {
		t.Fatalf("err = %v, want an invalid-input error", err)
	}
	if !strings.Contains(e.Message.SV, "rad 1") || len(e.Fields) != 2 ||
		e.Fields[0].Field != "columns.valid" || e.Fields[1].Field != "columns.invalid" ||
		!strings.Contains(e.Fields[0].Message.SV, `"Giltig frånvaro (min)"`) ||
		!strings.Contains(e.Fields[1].Message.EN, "invalid absence") {
		t.Errorf("error %+v", e)
	}
}

func TestTwoColumnsForOneFieldAreRejected(t *testing.T) {
	text := "Personnummer;Datum;Schemalagd tid;Schemalagd tid (min);Giltig frånvaro;Ogiltig frånvaro\n"
	_, err := NewReader(strings.NewReader(text), layout(t, "skola24-dag"), WithToday(today))
	if err == nil || !strings.Contains(err.Error(), "two columns for scheduled time") {
		t.Errorf("err = %v", err)
	}
}

func TestEmptyFiles(t *testing.T) {
	l := layout(t, "skola24-dag")
	const header = "Personnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n"
	for name, text := range map[string]string{
		"no bytes":   "",
		"only a BOM": "\uFEFF",
		"blank":      "\n \r\n\n",
	} {
		_, err := NewReader(strings.NewReader(text), l)
		var e *narvaro.Error
		if !errors.Is(err, ErrEmptyFile) || !errors.As(err, &e) || e.Message.SV != "Filen är tom." {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	for name, text := range map[string]string{
		"header only":               header,
		"header and separator rows": header + ";;;;\n;;;;\n\n",
	} {
		r := newReader(t, l, text)
		_, err := r.Next()
		var e *narvaro.Error
		if !errors.Is(err, ErrEmptyFile) || !errors.As(err, &e) || !strings.HasPrefix(e.Message.SV, "Filen är tom") {
			t.Errorf("%s: Next err = %v", name, err)
		}
		if _, again := r.Next(); again != err {
			t.Errorf("%s: the final error is not repeated: %v", name, again)
		}
	}
	// With skip_lines, a file that ends inside the title lines is empty too.
	if _, err := NewReader(strings.NewReader("Frånvarorapport\n"), layout(t, "ist-edlevo")); !errors.Is(err, ErrEmptyFile) {
		t.Errorf("title line only: err = %v", err)
	}
}

func TestEncodings(t *testing.T) {
	const text = "Personnummer;Elev;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n" +
		"20120315-2382;Åsa Öhman-Lärka;2026-09-14;300;0;30\n"
	win := func(s string) []byte {
		var b []byte
		for _, r := range s {
			switch r {
			case 'å':
				b = append(b, 0xE5)
			case 'ä':
				b = append(b, 0xE4)
			case 'ö':
				b = append(b, 0xF6)
			case 'Å':
				b = append(b, 0xC5)
			case 'Ö':
				b = append(b, 0xD6)
			default:
				b = append(b, byte(r))
			}
		}
		return b
	}
	utf16le := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
		}
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		return b
	}
	l := layout(t, "skola24-dag")
	forced := l
	forced.Encoding = "windows-1252"
	forcedUTF16 := l
	forcedUTF16.Encoding = "utf-16"
	tests := []struct {
		name   string
		layout Layout
		data   []byte
		want   string
	}{
		{"UTF-8 without BOM", l, []byte(text), "utf-8"},
		{"UTF-8 with BOM", l, append([]byte("\xEF\xBB\xBF"), text...), "utf-8"},
		{"Windows-1252 detected", l, win(text), "windows-1252"},
		{"Windows-1252 forced", forced, win(text), "windows-1252"},
		{"a UTF-8 BOM wins over a forced Windows-1252", forced, append([]byte("\xEF\xBB\xBF"), text...), "utf-8"},
		{"UTF-16 with BOM (Excel Unicode text)", l, utf16le(text, true), "utf-16"},
		{"UTF-16 forced without BOM", forcedUTF16, utf16le(text, false), "utf-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.data), tt.layout, WithToday(today))
			if err != nil {
				t.Fatalf("NewReader: %v (the header has å in it, so a wrong decoding fails here)", err)
			}
			if r.Encoding() != tt.want {
				t.Errorf("encoding %s, want %s", r.Encoding(), tt.want)
			}
			rows, problems := readAll(t, r)
			if len(problems) > 0 || len(rows) != 1 || rows[0].InvalidMinutes != 30 {
				t.Errorf("rows %+v problems %v", rows, problems)
			}
		})
	}
}

func TestEncodingIsSniffedAcrossTheBufferBoundary(t *testing.T) {
	// A long UTF-8 file whose first 64 KiB ends in the middle of "å" is still UTF-8.
	header := "Personnummer;Elev;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n"
	var b strings.Builder
	b.WriteString(header)
	pad := bufferSize - b.Len() - len("20120315-2382;") - 1
	b.WriteString("20120315-2382;" + strings.Repeat("x", pad) + "å;2026-09-14;300;0;0\n")
	if b.Len() < bufferSize+1 || b.String()[bufferSize-1] != "å"[0] {
		t.Fatal("test data does not straddle the boundary")
	}
	r := newReader(t, layout(t, "skola24-dag"), b.String())
	if r.Encoding() != "utf-8" {
		t.Errorf("encoding %s", r.Encoding())
	}
}

func TestNumbersAndUnits(t *testing.T) {
	tests := []struct {
		in    string
		hours bool
		want  int
		prob  numProblem
	}{
		{"45", false, 45, numOK},
		{" 45 ", false, 45, numOK},
		{"45,4", false, 45, numOK},
		{"45,5", false, 46, numOK},
		{"1,5", true, 90, numOK},
		{"1.5", true, 90, numOK},
		{"0,25", true, 15, numOK},
		{"5", true, 300, numOK},
		{"1:30", false, 90, numOK},
		{"1:30", true, 90, numOK},
		{"0:05", false, 5, numOK},
		{"1 440", false, 1440, numOK},
		{"1\u00a0440", false, 1440, numOK},
		{"+30", false, 30, numOK},
		{"-0", false, 0, numOK},
		{"", false, 0, numEmpty},
		{"  ", false, 0, numEmpty},
		{"-1", false, 0, numNegative},
		{"-0,5", true, 0, numNegative},
		{"24,01", true, 0, numTooLarge},
		{"1441", false, 0, numTooLarge},
		{"9999999999", false, 0, numTooLarge},
		{"1,", false, 0, numNotNumber},
		{",5", false, 0, numNotNumber},
		{"1:3", false, 0, numNotNumber},
		{"1:60", false, 0, numNotNumber},
		{"1,5:30", false, 0, numNotNumber},
		{"45 min", false, 0, numNotNumber},
		{"-", false, 0, numNotNumber},
	}
	for _, tt := range tests {
		got, prob := parseMinutes([]byte(tt.in), tt.hours)
		if got != tt.want || prob != tt.prob {
			t.Errorf("parseMinutes(%q, hours=%v) = %d, %d; want %d, %d", tt.in, tt.hours, got, prob, tt.want, tt.prob)
		}
	}
}

func TestSeparatorDetectionAndQuoting(t *testing.T) {
	l := layout(t, "skola24-dag") // separator: auto
	tests := map[string]string{
		"semicolon": "Personnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n20120315-2382;2026-09-14;300;0;30\n",
		"comma with quoted decimal commas": "Personnummer,Datum,Schemalagd tid,Giltig frånvaro,Ogiltig frånvaro\n" +
			`20120315-2382,2026-09-14,"300,0",0,"30,0"` + "\n",
		"tab":                  "Personnummer\tDatum\tSchemalagd tid\tGiltig frånvaro\tOgiltig frånvaro\n20120315-2382\t2026-09-14\t300\t0\t30\n",
		"quoted header with ;": `"Personnummer";"Datum";"Schemalagd tid";"Giltig frånvaro";"Ogiltig frånvaro";"Kommentar, fri text"` + "\n" + `20120315-2382;2026-09-14;300;0;30;"sa ""hej""; gick hem"` + "\n",
		"quoted field over two lines": "Personnummer;Kommentar;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n" +
			"20120315-2382;\"rad ett\nrad två\";2026-09-14;300;0;30\n",
		"blank lines and trailing separators":  "\n\nPersonnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro;\n20120315-2382;2026-09-14;300;0;30;\n;;;;;\n\n",
		"case and spaces in header":            "PERSONNUMMER ; datum;  Schemalagd   tid ;GILTIG FRÅNVARO;ogiltig frånvaro\n20120315-2382;2026-09-14;300;0;30\n",
		"header repeated further down":         "Personnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n20120315-2382;2026-09-14;300;0;30\nPersonnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n",
		"short row (trailing empty cells cut)": "Personnummer;Datum;Schemalagd tid;Ogiltig frånvaro;Giltig frånvaro\n20120315-2382;2026-09-14;300;30\n",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			rows, problems := readAll(t, newReader(t, l, text))
			want := Row{Personnummer: "20120315-2382", Day: date(2026, 9, 14), OfferedMinutes: 300, InvalidMinutes: 30}
			if len(problems) > 0 || len(rows) != 1 {
				t.Fatalf("rows %+v problems %v", rows, problems)
			}
			rows[0].Line = 0
			if rows[0] != want {
				t.Errorf("got %+v want %+v", rows[0], want)
			}
		})
	}
}

func TestLinesAfterAMultiLineFieldKeepTheirNumbers(t *testing.T) {
	text := "Personnummer;Kommentar;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n" +
		"20120315-2382;\"ett\ntvå\ntre\";2026-09-14;300;0;30\n" +
		"20120315-2382;;2026-09-15;300;0;x\n"
	_, problems := readAll(t, newReader(t, layout(t, "skola24-dag"), text))
	if len(problems) != 1 || problems[0].Line != 5 {
		t.Errorf("problems %v, want one on line 5", problems)
	}
}

func TestOverlongLinesAreSkippedNotBuffered(t *testing.T) {
	text := "Personnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n" +
		"20120315-2382;2026-09-14;300;0;0\n" +
		strings.Repeat("x", 3*bufferSize) + "\n" +
		"20120315-2382;2026-09-15;300;0;0\n"
	rows, problems := readAll(t, newReader(t, layout(t, "skola24-dag"), text))
	if len(rows) != 2 || len(problems) != 1 || problems[0].Line != 3 || !strings.Contains(problems[0].Reason.SV, "för lång") {
		t.Errorf("rows %d problems %v", len(rows), problems)
	}
}

func TestFlaggedAbsenceTypes(t *testing.T) {
	const header = "Personnummer;Datum;Lektionstid (min);Frånvaro (min);Frånvarotyp\n"
	tests := []struct {
		line          string
		valid, invald int
		sv            string
	}{
		{"20120315-2382;2026-09-14;60;60;giltig", 60, 0, ""},
		{"20120315-2382;2026-09-14;60;60; OANMÄLD ", 0, 60, ""},
		{"20120315-2382;2026-09-14;60;0;Närvarande", 0, 0, ""}, // no absence: the type does not matter
		{"20120315-2382;2026-09-14;60;30;", 0, 0, "Det framgår inte om frånvaron är giltig eller ogiltig"},
		{"20120315-2382;2026-09-14;60;30;Sjuk", 0, 0, `Frånvarotypen "Sjuk" är okänd (väntat "Giltig", "Anmäld", "Giltig frånvaro", "Ogiltig", "Oanmäld", "Ogiltig frånvaro")`},
	}
	for _, tt := range tests {
		rows, problems := readAll(t, newReader(t, layout(t, "skola24-lektion"), header+tt.line+"\n"))
		if tt.sv != "" {
			if len(problems) != 1 || !strings.Contains(problems[0].Reason.SV, tt.sv) {
				t.Errorf("%q: problems %v, want %q", tt.line, problems, tt.sv)
			}
			continue
		}
		if len(rows) != 1 || rows[0].ValidMinutes != tt.valid || rows[0].InvalidMinutes != tt.invald {
			t.Errorf("%q: rows %+v problems %v", tt.line, rows, problems)
		}
	}
}

func TestReaderMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	// 600,000 rows (about 25 MB) of 3,000 students over 200 days must not hold the file: the heap
	// after reading stays far below the file size.
	l := layout(t, "skola24-dag")
	src := &generated{students: 3000, days: 200}
	r, err := NewReader(src, l, WithToday(today))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", n, err)
		}
		n++
	}
	if n != 600000 {
		t.Fatalf("%d rows", n)
	}
	var ms runtimeMemStats
	heap := ms.heapInUse()
	if heap > uint64(src.size/5) {
		t.Errorf("heap %d bytes after reading %d bytes", heap, src.size)
	}
	t.Logf("heap %d KiB after reading %d MiB", heap>>10, src.size>>20)
	runtime.KeepAlive(r) // the duplicate sets must still be live when measured
}

// generated is an export produced on the fly, sorted by day then student, so every student's
// duplicate set is live until the end.
type generated struct {
	students, days int
	i              int
	buf            []byte
	size           int
}

func (g *generated) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.i == 0 {
			g.buf = append(g.buf, "Personnummer;Datum;Schemalagd tid;Giltig frånvaro;Ogiltig frånvaro\n"...)
		}
		if g.i >= g.students*g.days {
			return 0, io.EOF
		}
		s, d := g.i%g.students, g.i/g.students
		g.buf = fmt.Appendf(g.buf, "%s;%s;300;10;5\n", fakePnr(s), date(2026, 1, 1).AddDate(0, 0, d).Format(time.DateOnly))
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.size += n
	return n, nil
}

// fakePnr makes the n-th of a series of Luhn-valid personnummer born in 2012.
func fakePnr(n int) string {
	base := fmt.Sprintf("1201%02d%03d", n%28+1, n/28%1000)
	var d [10]byte
	for i := 0; i < 9; i++ {
		d[i] = base[i] - '0'
	}
	for c := byte(0); c < 10; c++ {
		d[9] = c
		if narvaro.LuhnValid(d) {
			return fmt.Sprintf("20%s-%s%d", base[:6], base[6:], c)
		}
	}
	panic("unreachable")
}

func TestFakePersonnummerAreValid(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 3000; i++ {
		p := fakePnr(i)
		if got, prob := narvaro.NormalisePersonnummer([]byte(p), today); prob != narvaro.PnrOK || string(got) != p || seen[p] {
			t.Fatalf("fakePnr(%d) = %s: %v", i, p, prob)
		}
		seen[p] = true
	}
}

func TestSampleFilesAreWhatTheyClaim(t *testing.T) {
	data, err := os.ReadFile("testdata/ist-edlevo.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("\xC5sa \xD6berg")) || !bytes.Contains(data, []byte("M\xE4rta Str\xF6m")) {
		t.Error("the IST sample must be Windows-1252 with å, ä, ö in the name column")
	}
}

func BenchmarkReader(b *testing.B) {
	l := layout(b, "skola24-dag")
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r, err := NewReader(&generated{students: 500, days: 200}, l, WithToday(today))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err != nil {
				break
			}
			rows++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
}
