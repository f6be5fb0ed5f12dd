package attendance

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// The splitter is a small CSV record reader. encoding/csv would do, except that it holds a whole
// record in memory however long it grows: one stray quote near the top of a large export would
// make it read the rest of the file as one field. Here a line is at most the buffer size and a
// quoted field may span at most maxRecordLines lines, so memory stays flat whatever the input.
//
// It is lenient in the ways exports need: quotes only matter at the start of a field, "" is a
// quote inside a quoted field, text after a closing quote is kept, and CRLF and LF both end a
// line.

const (
	bufferSize     = 64 << 10
	maxRecordLines = 10
)

type splitter struct {
	br   *bufio.Reader
	sep  byte
	line int    // number of the last physical line read
	buf  []byte // the current record's field contents, unescaped
	ends []int  // end offset in buf of each field
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next physical line without its line ending. The slice is only valid
// until the next read. A line longer than the buffer is skipped whole and reported as
// errLineTooLong.
func (s *splitter) readLine() ([]byte, error) {
	b, err := s.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
		for err == bufio.ErrBufferFull {
			_, err = s.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading line %d: %w", s.line+1, err)
		}
		s.line++
		return nil, errLineTooLong
	case err == io.EOF:
		if len(b) == 0 {
			return nil, io.EOF
		}
	case err != nil:
		return nil, fmt.Errorf("reading line %d: %w", s.line+1, err)
	}
	s.line++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, nil
}

// next reads one record and returns the line it starts on. A broken record (too long, or a
// quoted field that never ends) is returned as a *RowError after the splitter has moved past it.
func (s *splitter) next() (int, error) {
	s.buf = s.buf[:0]
	s.ends = s.ends[:0]
	line, err := s.readLine()
	start := s.line
	if err == errLineTooLong {
		return start, &RowError{Line: start, Reason: msgLineTooLong}
	}
	if err != nil {
		return start, err
	}
	inQuote, fieldStart, blank := false, 0, true
	for {
		for i := 0; i < len(line); i++ {
			c := line[i]
			if inQuote {
				if c != '"' {
					s.buf = append(s.buf, c)
				} else if i+1 < len(line) && line[i+1] == '"' {
					s.buf = append(s.buf, '"')
					i++
				} else {
					inQuote = false
				}
				continue
			}
			switch {
			case c == s.sep:
				s.ends = append(s.ends, len(s.buf))
				fieldStart, blank = len(s.buf), true
			case c == '"' && blank:
				s.buf = s.buf[:fieldStart] // drop the spaces before the opening quote
				inQuote, blank = true, false
			default:
				s.buf = append(s.buf, c)
				if c != ' ' && c != '\t' {
					blank = false
				}
			}
		}
		if !inQuote {
			s.ends = append(s.ends, len(s.buf))
			return start, nil
		}
		// A quoted field goes on to the next line.
		if s.line-start+1 >= maxRecordLines || len(s.buf) > bufferSize {
			return start, unterminated(start, s.line)
		}
		s.buf = append(s.buf, '\n')
		line, err = s.readLine()
		switch {
		case err == io.EOF:
			return start, unterminated(start, s.line)
		case err == errLineTooLong:
			return start, &RowError{Line: start, Reason: msgLineTooLong}
		case err != nil:
			return start, err
		}
	}
}

func (s *splitter) count() int { return len(s.ends) }

// field returns field i, or nil when the record has fewer fields.
func (s *splitter) field(i int) []byte {
	if i < 0 || i >= len(s.ends) {
		return nil
	}
	from := 0
	if i > 0 {
		from = s.ends[i-1]
	}
	return s.buf[from:s.ends[i]]
}

var msgLineTooLong = narvaro.Text{
	SV: "Raden är för lång (mer än 64 KiB) och hoppades över.",
	EN: "The line is too long (more than 64 KiB) and was skipped.",
}

func unterminated(from, to int) *RowError {
	return &RowError{Line: from, Reason: narvaro.Text{
		SV: fmt.Sprintf("Ett citattecken (\") avslutas aldrig; rad %d–%d kunde inte läsas.", from, to),
		EN: fmt.Sprintf("A quotation mark (\") is never closed; lines %d–%d could not be read.", from, to),
	}}
}
