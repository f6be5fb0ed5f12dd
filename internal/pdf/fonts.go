package pdf

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
)

// The fonts are DejaVu Sans subsets (see fonts/subset.sh and fonts/LICENSE). They are embedded so
// that rendering never touches the file system, and subset because gofpdf re-parses the whole
// TrueType file for every document: parsing is the largest fixed cost of a PDF.
var (
	//go:embed fonts/DejaVuSans.ttf
	regularTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldTTF []byte
)

const family = "dejavu"

// style selects one of the embedded faces.
type style uint8

const (
	regular style = iota
	bold
	numStyles
)

func (s style) gofpdf() string {
	if s == bold {
		return "B"
	}
	return ""
}

// replacementRune is printed for runes the embedded fonts cannot show, so that a missing glyph
// is visible rather than silently dropped.
const replacementRune = '\uFFFD'

// metrics holds what layout needs from the fonts, computed once per process and read-only after:
// advance widths in 1/1000 em (as gofpdf counts them) and which runes have a glyph in every face.
type metrics struct {
	width   [numStyles][]uint16 // indexed by rune, 0..0xFFFF
	covered []uint64            // bit set over the BMP
}

var loadMetrics = sync.OnceValues(func() (*metrics, error) {
	m := &metrics{covered: make([]uint64, 0x10000/64)}
	faces := [numStyles][]byte{regular: regularTTF, bold: boldTTF}
	for s, ttf := range faces {
		cov, err := coverage(ttf)
		if err != nil {
			return nil, fmt.Errorf("pdf: reading embedded font %d: %w", s, err)
		}
		if s == 0 {
			copy(m.covered, cov)
		} else {
			for i := range m.covered {
				m.covered[i] &= cov[i]
			}
		}
	}
	// Widths come from gofpdf itself so that our line breaking measures exactly what gofpdf
	// will place; one throwaway document is cheaper than re-implementing its rounding.
	f := gofpdf.New("P", "mm", "A4", "")
	for s, ttf := range faces {
		f.AddUTF8FontFromBytes(family, style(s).gofpdf(), ttf)
	}
	for s := range faces {
		f.SetFont(family, style(s).gofpdf(), 10)
		w := make([]uint16, 0x10000)
		for r := rune(0x20); r < 0x10000; r++ {
			if m.has(r) {
				w[r] = uint16(f.GetStringSymbolWidth(string(r)))
			}
		}
		m.width[s] = w
	}
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("pdf: measuring embedded fonts: %w", err)
	}
	return m, nil
})

func (m *metrics) has(r rune) bool {
	return r >= 0 && r < 0x10000 && m.covered[r>>6]&(1<<(uint(r)&63)) != 0
}

// coverage returns the BMP runes that have a glyph in the font.
func coverage(ttf []byte) ([]uint64, error) {
	fnt, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	cov := make([]uint64, 0x10000/64)
	for r := rune(0x20); r < 0x10000; r++ {
		gi, err := fnt.GlyphIndex(&buf, r)
		if err != nil {
			return nil, err
		}
		if gi != 0 {
			cov[r>>6] |= 1 << (uint(r) & 63)
		}
	}
	return cov, nil
}
