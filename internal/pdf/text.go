package pdf

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// mmPerPt converts font sizes (points) to the document unit (millimetres).
const mmPerPt = 25.4 / 72

// clean prepares user text for the embedded fonts. NFC composes decomposed input ("Nguễn" typed
// as e + combining marks) into the precomposed letters the font has and pdftotext searches for.
// Tabs become spaces, other control characters and soft hyphens are dropped, and runes the font
// lacks become U+FFFD so that a missing letter is visible instead of silently lost. Newlines are
// kept for the caller to interpret.
func (m *metrics) clean(s string) string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	if m.isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20, r == 0x7F, r >= 0x80 && r < 0xA0, r == 0xAD, r == '\r':
			// dropped
		case m.has(r):
			b.WriteRune(r)
		default:
			b.WriteRune(replacementRune)
		}
	}
	return b.String()
}

func (m *metrics) isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7F || c == '\n' {
			continue
		}
		if c < 0x80 {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0xA0 || r == 0xAD || !m.has(r) {
			return false
		}
		i += size - 1
	}
	return true
}

// cleanLine is clean for places that hold a single line, such as header fields and labels.
func (m *metrics) cleanLine(s string) string {
	s = m.clean(s)
	if strings.IndexByte(s, '\n') >= 0 {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

// units is the advance of s in 1/1000 em. s must be clean.
func (m *metrics) units(s string, st style) int {
	w := m.width[st]
	n := 0
	for _, r := range s {
		if r < 0x10000 {
			n += int(w[r])
		}
	}
	return n
}

// textWidth is the width of clean text s in millimetres.
func (m *metrics) textWidth(s string, st style, size float64) float64 {
	return float64(m.units(s, st)) * size * mmPerPt / 1000
}

// wrap breaks clean text into lines no wider than maxW millimetres, appending them to lines.
// Lines break at spaces; a word longer than a line is broken between letters. Each "\n" starts a
// new line, and an empty paragraph gives an empty line so that blank lines survive.
func (m *metrics) wrap(s string, st style, size, maxW float64, lines []string) []string {
	w := m.width[st]
	limit := int(maxW * 1000 / (size * mmPerPt))
	space := int(w[' '])
	for para := range strings.SplitSeq(s, "\n") {
		if strings.TrimRight(para, " ") == "" {
			lines = append(lines, "")
			continue
		}
		i := 0
		for i < len(para) {
			for i < len(para) && para[i] == ' ' {
				i++
			}
			if i == len(para) {
				break
			}
			start, end, width := i, i, 0
			j := i
			for j < len(para) {
				ws := j
				for ws < len(para) && para[ws] == ' ' {
					ws++
				}
				we, wordW := ws, 0
				for we < len(para) && para[we] != ' ' {
					r, n := utf8.DecodeRuneInString(para[we:])
					if r < 0x10000 {
						wordW += int(w[r])
					}
					we += n
				}
				candidate := wordW
				if end > start {
					candidate = width + (ws-j)*space + wordW
				}
				if candidate <= limit {
					end, width, j = we, candidate, we
					continue
				}
				if end == start {
					// A word wider than the line: cut it where it stops fitting, keeping at
					// least one letter so that the loop always advances.
					cut, cw := ws, 0
					for cut < we {
						r, n := utf8.DecodeRuneInString(para[cut:])
						rw := 0
						if r < 0x10000 {
							rw = int(w[r])
						}
						if cw+rw > limit && cut > ws {
							break
						}
						cw += rw
						cut += n
					}
					end, j = cut, cut
				}
				break
			}
			lines = append(lines, strings.TrimRight(para[start:end], " "))
			i = j
		}
	}
	return lines
}

// truncate shortens clean single-line text with an ellipsis to fit maxW millimetres.
func (m *metrics) truncate(s string, st style, size, maxW float64) string {
	if m.textWidth(s, st, size) <= maxW {
		return s
	}
	limit := int(maxW*1000/(size*mmPerPt)) - int(m.width[st]['…'])
	w, n := m.width[st], 0
	for i, r := range s {
		if r < 0x10000 {
			n += int(w[r])
		}
		if n > limit {
			return strings.TrimRight(s[:i], " ") + "…"
		}
	}
	return s
}
