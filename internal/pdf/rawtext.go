package pdf

import "strconv"

// Text output is the hottest path: a case file places about a thousand lines of text. gofpdf's
// Text formats each with fmt and records every rune in a map so that the font subset includes
// it. Once all runes of a line are recorded, the line can be written directly in exactly the
// form gofpdf would write it (TestDirectTextMatchesGofpdf holds the two byte for byte).

// textWriter remembers which runes gofpdf has recorded per style in this document.
type textWriter struct {
	seen       [numStyles][]uint64
	buf        []byte
	k, h       float64 // gofpdf's scale factor and page height, for its coordinate formula
	gofpdfOnly bool    // tests switch the direct path off to compare
}

func (r *renderer) text(x, y float64, s string, st style) {
	w := &r.tw
	// gofpdf adds the text colour around the text unless it equals the fill colour.
	direct := !w.gofpdfOnly && r.pen.hasText && r.pen.hasFill && r.pen.text == r.pen.fill && w.recorded(s, st)
	if !direct {
		r.f.Text(x, y, s)
		w.record(s, st)
		return
	}
	b := append(w.buf[:0], "BT "...)
	b = strconv.AppendFloat(b, x*w.k, 'f', 2, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (w.h-y)*w.k, 'f', 2, 64)
	b = append(b, " Td ("...)
	for _, c := range s { // UTF-16BE, escaped as gofpdf escapes it
		b = escapeByte(b, byte(c>>8))
		b = escapeByte(b, byte(c))
	}
	b = append(b, ") Tj ET"...)
	w.buf = b
	r.f.RawWriteStr(string(b))
}

func escapeByte(b []byte, c byte) []byte {
	switch c {
	case '\\', '(', ')':
		return append(b, '\\', c)
	case '\r':
		return append(b, '\\', 'r')
	}
	return append(b, c)
}

func (w *textWriter) recorded(s string, st style) bool {
	seen := w.seen[st]
	if seen == nil {
		return false
	}
	for _, c := range s {
		if c >= 0x10000 || seen[c>>6]&(1<<(uint(c)&63)) == 0 {
			return false
		}
	}
	return true
}

func (w *textWriter) record(s string, st style) {
	if w.seen[st] == nil {
		w.seen[st] = make([]uint64, 0x10000/64)
	}
	for _, c := range s {
		if c < 0x10000 {
			w.seen[st][c>>6] |= 1 << (uint(c) & 63)
		}
	}
}
