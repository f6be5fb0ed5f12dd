package attendance

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Row is one line of an export: a student's day (or, for a lesson layout, one lesson), with
// times in whole minutes. A Row returned without error always satisfies
// 0 <= ValidMinutes+InvalidMinutes <= OfferedMinutes and has a valid personnummer.
type Row struct {
	Line           int
	Personnummer   string    // YYYYMMDD-NNNN
	Day            time.Time // the date at UTC midnight
	OfferedMinutes int
	ValidMinutes   int
	InvalidMinutes int
}

// RowError is a problem with one line. The reader goes on after it, so a caller can collect
// every bad line of a file.
type RowError struct {
	Line   int
	Reason narvaro.Text
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason.EN) }

// Text is the message with its line number, for showing to the person who imported the file.
func (e *RowError) Text() narvaro.Text {
	return narvaro.Text{
		SV: fmt.Sprintf("Rad %d: %s", e.Line, e.Reason.SV),
		EN: fmt.Sprintf("Line %d: %s", e.Line, e.Reason.EN),
	}
}

// ErrEmptyFile is wrapped by the error for a file without data: errors.Is(err, ErrEmptyFile).
var ErrEmptyFile = errors.New("attendance file is empty")

// An Option adjusts a Reader.
type Option func(*options)

type options struct {
	today       time.Time
	first, last time.Time
	rangeSet    bool
}

// WithToday sets the date used for the default date range and for the century of 10-digit
// personnummer (default: now).
func WithToday(t time.Time) Option { return func(o *options) { o.today = t } }

// WithDateRange sets the first and last date a row may have (default: 2000-01-01 to one year
// after today). Dates outside are row errors: they are almost always typos.
func WithDateRange(first, last time.Time) Option {
	return func(o *options) { o.first, o.last, o.rangeSet = first, last, true }
}

// Reader streams the rows of one export. It keeps one 64 KiB buffer (two when decoding) and, for
// day layouts, one bit per student and day to find duplicates, so memory does not grow with the
// number of rows.
type Reader struct {
	c          *compiled
	sp         splitter
	encoding   string
	idx        [numColumns]int
	header     [numColumns]string // the header text as written in the file
	today      time.Time
	first      int32
	last       int32
	seen       map[uint64]*daySet // day layouts: which days each student already had
	dataRows   int
	err        error // sticky: once set every call returns it
	headerLine int
}

// NewReader reads the header of an export and checks that every column the layout needs is
// there. A missing column, an empty file or a header that cannot be read is an error here,
// before any row.
func NewReader(r io.Reader, layout Layout, opts ...Option) (*Reader, error) {
	c, err := layout.compile()
	if err != nil {
		return nil, fmt.Errorf("attendance layout: %w", err)
	}
	o := options{today: time.Now()}
	for _, opt := range opts {
		opt(&o)
	}
	rd := &Reader{c: c, today: o.today}
	rd.first = civilToDays(2000, 1, 1)
	rd.last = dayNumber(o.today) + 365
	if o.rangeSet {
		rd.first, rd.last = dayNumber(o.first), dayNumber(o.last)
	}
	if !c.lesson {
		rd.seen = make(map[uint64]*daySet)
	}
	if err := rd.open(r); err != nil {
		return nil, err
	}
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

// Encoding returns the encoding the file was read in: utf-8, windows-1252 or utf-16.
func (r *Reader) Encoding() string { return r.encoding }

// Separator returns the field separator in use.
func (r *Reader) Separator() rune { return rune(r.sp.sep) }

// Layout returns the layout the reader was made with.
func (r *Reader) Layout() Layout { return r.c.layout }

func (r *Reader) open(in io.Reader) error {
	raw := bufio.NewReaderSize(in, bufferSize)
	head, err := raw.Peek(bufferSize)
	if err != nil && err != io.EOF {
		return fmt.Errorf("reading attendance file: %w", err)
	}
	full := err == nil
	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		r.encoding = "utf-8"
		_, _ = raw.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		r.encoding = "utf-16"
		dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case r.c.encoding == "utf-16":
		r.encoding = "utf-16"
		dec = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case r.c.encoding == "windows-1252", r.c.encoding == "auto" && !validUTF8Prefix(head, full):
		r.encoding = "windows-1252"
		dec = charmap.Windows1252.NewDecoder()
	default:
		r.encoding = "utf-8"
	}
	r.sp.br = raw
	if dec != nil {
		r.sp.br = bufio.NewReaderSize(transform.NewReader(raw, dec), bufferSize)
	}
	return nil
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut off at the end of a
// full sniff buffer.
func validUTF8Prefix(b []byte, full bool) bool {
	if full {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

func (r *Reader) readHeader() error {
	for i := 0; i < r.c.layout.SkipLines; i++ {
		if _, err := r.sp.readLine(); err == io.EOF {
			return emptyFile()
		} else if err != nil && err != errLineTooLong {
			return err
		}
	}
	// Blank lines before the header are skipped; the separator is detected on the header line.
	for {
		peek, err := r.sp.br.Peek(bufferSize)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return fmt.Errorf("reading attendance file: %w", err)
		}
		if len(peek) == 0 {
			return emptyFile()
		}
		line := peek
		if i := bytes.IndexByte(peek, '\n'); i >= 0 {
			line = peek[:i]
		}
		if len(trimSpace(line)) > 0 {
			r.sp.sep = r.c.sep
			if r.sp.sep == 0 {
				r.sp.sep = detectSeparator(line)
			}
			break
		}
		if _, err := r.sp.readLine(); err != nil && err != errLineTooLong {
			return err
		}
	}
	line, err := r.sp.next()
	r.headerLine = line
	var rowErr *RowError
	if errors.As(err, &rowErr) {
		return narvaro.Errorf(narvaro.CodeInvalid,
			"Rubrikraden kunde inte läsas: "+rowErr.Reason.SV,
			"The header line could not be read: "+rowErr.Reason.EN)
	}
	if err != nil {
		return err
	}
	for i := range r.idx {
		r.idx[i] = -1
	}
	for i := 0; i < r.sp.count(); i++ {
		h := r.sp.field(i)
		k, ok := r.c.headers[normaliseHeader(h)]
		if !ok {
			continue
		}
		if r.idx[k] >= 0 {
			return narvaro.Errorf(narvaro.CodeInvalid,
				fmt.Sprintf("Rubrikraden (rad %d) har två kolumner för %s: %q och %q.", line, columnNames[k].SV, r.header[k], clip(h)),
				fmt.Sprintf("The header line (line %d) has two columns for %s: %q and %q.", line, columnNames[k].EN, r.header[k], clip(h)))
		}
		r.idx[k] = i
		r.header[k] = clip(h)
	}
	var missing *narvaro.Error
	for _, k := range r.c.required {
		if r.idx[k] >= 0 {
			continue
		}
		if missing == nil {
			l := r.c.layout
			missing = narvaro.Errorf(narvaro.CodeInvalid,
				fmt.Sprintf("Rubrikraden (rad %d) saknar kolumner som layouten %q kräver. Kontrollera att filen är en export av rätt typ.", line, l.Label.SV),
				fmt.Sprintf("The header line (line %d) lacks columns that the layout %q needs. Check that the file is the right kind of export.", line, l.Label.EN))
		}
		names := quoteList(r.c.layout.Columns.names(k))
		missing.WithField("columns."+columnKeys[k],
			fmt.Sprintf("Kolumnen för %s saknas (sökte efter %s).", columnNames[k].SV, names),
			fmt.Sprintf("The column for %s is missing (looked for %s).", columnNames[k].EN, names))
	}
	if missing != nil {
		return missing
	}
	return nil
}

func emptyFile() error {
	return narvaro.Errorf(narvaro.CodeInvalid, "Filen är tom.", "The file is empty.").Wrap(ErrEmptyFile)
}

// detectSeparator picks the most frequent of ; , tab and | outside quotes; ";" when none occurs
// (a one-column file then fails on its missing columns, which is the clearer message).
func detectSeparator(line []byte) byte {
	var counts [4]int
	seps := [4]byte{';', ',', '\t', '|'}
	inQuote := false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		for i, s := range seps {
			if c == s {
				counts[i]++
			}
		}
	}
	best := 0
	for i := range counts {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return seps[best]
}

// Next returns the next row. At the end it returns io.EOF. A *RowError is a bad line: call Next
// again to go on. Any other error is final (the file could not be read, or it had no data rows).
func (r *Reader) Next() (Row, error) {
	for r.err == nil {
		line, err := r.sp.next()
		if err == io.EOF {
			if r.dataRows == 0 {
				r.err = narvaro.Errorf(narvaro.CodeInvalid,
					"Filen är tom: den har en rubrikrad men inga rader med närvaro.",
					"The file is empty: it has a header line but no attendance rows.").Wrap(ErrEmptyFile)
				return Row{}, r.err
			}
			r.err = io.EOF
			break
		}
		if err != nil {
			var rowErr *RowError
			if errors.As(err, &rowErr) {
				r.dataRows++
				return Row{}, rowErr
			}
			r.err = err
			break
		}
		if r.blank() || r.repeatedHeader() {
			continue
		}
		r.dataRows++
		row, reason := r.parse(line)
		if reason != nil {
			return Row{}, &RowError{Line: line, Reason: *reason}
		}
		return row, nil
	}
	return Row{}, r.err
}
