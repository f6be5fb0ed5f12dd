package pdf

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW         = 210.0
	pageH         = 297.0
	marginL       = 20.0
	marginR       = 20.0
	contentW      = pageW - marginL - marginR
	contentTop    = 28.0
	contentBottom = 272.0
)

// Body text.
const (
	bodySize = 10.0
	bodyLH   = 5.0
)

// aliasNbPages is replaced by the page count when the document is written.
const aliasNbPages = "{nb}"

// Render lays out doc and returns the PDF.
func Render(doc Document) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := RenderTo(&buf, doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RenderTo lays out doc and writes the PDF to w. An invalid Document gives a *narvaro.Error with
// code invalid before anything is written.
func RenderTo(w io.Writer, doc Document) error {
	return renderTo(w, doc, false)
}

// renderTo is RenderTo; gofpdfText makes all text go through gofpdf's Text, for comparison.
func renderTo(w io.Writer, doc Document, gofpdfText bool) error {
	m, err := loadMetrics()
	if err != nil {
		return narvaro.Internal(err)
	}
	if err := validate(doc); err != nil {
		return err
	}
	r := newRenderer(m, doc.Meta, gofpdfText)
	r.titleBlock()
	r.blocks(doc.Blocks)
	if len(doc.Appendix) > 0 {
		r.startAppendix()
		r.blocks(doc.Appendix)
	}
	if err := r.f.Output(w); err != nil {
		return narvaro.Internal(fmt.Errorf("pdf: writing %q: %w", doc.Meta.DocType, err))
	}
	return nil
}

// renderer is the state of one document being laid out; it is never shared between goroutines.
type renderer struct {
	f    *gofpdf.Fpdf
	m    *metrics
	meta Meta
	// y is where the next block starts.
	y float64
	// inAppendix switches header and footer to the appendix's marking. It changes on the
	// appendix's first page only, not while gofpdf closes the page before it.
	inAppendix      bool
	appendixPending bool

	pen pen
	tw  textWriter

	lines []string // scratch for wrap
	// keepNext is the height the block after the current one needs at its start (see keep).
	keepNext float64
}

func (r *renderer) blocks(bs []Block) {
	for i, b := range bs {
		if _, ok := b.(PageBreak); ok && i == len(bs)-1 {
			continue // it would only leave an empty page
		}
		r.keepNext = 0
		if i+1 < len(bs) {
			r.keepNext = bs[i+1].keep(r)
		}
		b.render(r)
	}
}

func newRenderer(m *metrics, meta Meta, gofpdfText bool) *renderer {
	meta = cleanMeta(m, meta)
	f := gofpdf.New("P", "mm", "A4", "")
	created := meta.CreatedAt
	if created.IsZero() {
		created = meta.Date
	}
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetCatalogSort(true)
	f.SetProducer("Närvaro", true)
	f.SetCreator("Närvaro", true)
	f.SetTitle(meta.DocType, true)
	if meta.CaseNumber != "" {
		f.SetSubject("Dnr "+meta.CaseNumber, true)
	}
	if meta.Author != "" {
		f.SetAuthor(meta.Author, true)
	}
	f.SetMargins(marginL, contentTop, marginR)
	// Layout decides every page break itself: tables repeat their header, pictures stay whole.
	f.SetAutoPageBreak(false, 0)
	// Each document gets its own copy of the font files: when gofpdf subsets a font it pads
	// tables with append on slices of the file it was given, writing into that buffer.
	f.AddUTF8FontFromBytes(family, regular.gofpdf(), bytes.Clone(regularTTF))
	f.AddUTF8FontFromBytes(family, bold.gofpdf(), bytes.Clone(boldTTF))
	f.AliasNbPages(aliasNbPages)
	r := &renderer{f: f, m: m, meta: meta}
	r.tw.gofpdfOnly = gofpdfText
	r.tw.k = f.GetConversionRatio()
	_, r.tw.h = f.GetPageSize()
	f.SetHeaderFunc(r.header)
	f.SetFooterFunc(r.footer)
	r.newPage()
	return r
}

// cleanMeta prepares the strings printed on every page once, instead of on every page.
func cleanMeta(m *metrics, meta Meta) Meta {
	for _, s := range []*string{
		&meta.Huvudman, &meta.SchoolUnit, &meta.SchoolUnitCode, &meta.CaseNumber, &meta.DocType,
		&meta.LegalBasis, &meta.Author, &meta.AuthorTitle, &meta.DecisionMaker,
		&meta.DecisionMakerTitle, &meta.Secrecy,
	} {
		*s = m.cleanLine(*s)
	}
	if meta.Version < 1 {
		meta.Version = 1
	}
	return meta
}

func (r *renderer) newPage() {
	r.f.AddPage()
	r.pen = pen{} // gofpdf restores its own state after header and footer
}

// atTop reports whether nothing has been placed on the current page yet.
func (r *renderer) atTop() bool { return r.y <= contentTop+0.01 }

// ensure starts a new page unless h millimetres fit below y. A block that does not fit on an
// empty page either is placed anyway and split by the caller.
func (r *renderer) ensure(h float64) {
	if r.y+h > contentBottom && !r.atTop() {
		r.newPage()
	}
}

// pen is the graphics state last set through gofpdf. Setting an unchanged font or colour would
// still cost gofpdf a formatted write, and a table sets them for every cell. The zero pen knows
// nothing; it is reset whenever gofpdf or a PDF "Q" changes the state behind our back.
type pen struct {
	font             style
	size             float64
	text, fill, draw rgb
	lineW            float64
	hasFont, hasText bool
	hasFill, hasDraw bool
	hasLineW         bool
}

func (r *renderer) setFont(st style, size float64) {
	if r.pen.hasFont && r.pen.font == st && r.pen.size == size {
		return
	}
	r.f.SetFont(family, st.gofpdf(), size)
	r.pen.font, r.pen.size, r.pen.hasFont = st, size, true
}

type rgb struct{ r, g, b uint8 }

var (
	black      = rgb{0x1A, 0x1A, 0x1A}
	grey       = rgb{0x5F, 0x63, 0x68}
	lightGrey  = rgb{0xC8, 0xCC, 0xD0}
	paleGrey   = rgb{0xF2, 0xF3, 0xF5}
	accent     = rgb{0x1F, 0x3A, 0x5F} // headings, table headers
	paleAccent = rgb{0xE3, 0xEA, 0xF2}
	red        = rgb{0xB0, 0x1E, 0x1E} // secrecy and draft markings
	watermark  = rgb{0xF3, 0xC6, 0xC6}
	quoteBar   = rgb{0x0F, 0x76, 0x6E}
	quoteFill  = rgb{0xE6, 0xF4, 0xF1}
	white      = rgb{0xFF, 0xFF, 0xFF}
)

// textColor sets the colour for text. PDF paints text with the fill colour, and gofpdf wraps
// every text in "q <colour> … Q" unless the fill colour already equals the text colour; setting
// both once keeps the page streams (and their compression) small.
func (r *renderer) textColor(c rgb) {
	if !r.pen.hasText || r.pen.text != c {
		r.f.SetTextColor(int(c.r), int(c.g), int(c.b))
		r.pen.text, r.pen.hasText = c, true
	}
	r.fillColor(c)
}

func (r *renderer) fillColor(c rgb) {
	if !r.pen.hasFill || r.pen.fill != c {
		r.f.SetFillColor(int(c.r), int(c.g), int(c.b))
		r.pen.fill, r.pen.hasFill = c, true
	}
}

func (r *renderer) drawColor(c rgb) {
	if !r.pen.hasDraw || r.pen.draw != c {
		r.f.SetDrawColor(int(c.r), int(c.g), int(c.b))
		r.pen.draw, r.pen.hasDraw = c, true
	}
}

func (r *renderer) lineWidth(w float64) {
	if !r.pen.hasLineW || r.pen.lineW != w {
		r.f.SetLineWidth(w)
		r.pen.lineW, r.pen.hasLineW = w, true
	}
}

// transformEnd and clipEnd close a "q … Q" pair, which restores the PDF graphics state.
func (r *renderer) transformEnd() {
	r.f.TransformEnd()
	r.pen = pen{}
}

func (r *renderer) clipEnd() {
	r.f.ClipEnd()
	r.pen = pen{}
}

// baseline is where text of the given size sits in a line box of height lh starting at top,
// matching gofpdf's own cell placement.
func baseline(top, lh, size float64) float64 {
	return top + lh/2 + 0.3*size*mmPerPt
}

// textAt draws one clean line with its left edge, right edge or centre at x.
func (r *renderer) textAt(x, base float64, s string, a Align, st style, size float64, c rgb) {
	if s == "" {
		return
	}
	r.setFont(st, size)
	r.textColor(c)
	switch a {
	case AlignRight:
		x -= r.m.textWidth(s, st, size)
	case AlignCenter:
		x -= r.m.textWidth(s, st, size) / 2
	}
	r.text(x, base, s, st)
}

// wrap breaks user text (not yet clean) into lines; the result is reused scratch space and
// valid until the next call.
func (r *renderer) wrap(s string, st style, size, maxW float64) []string {
	r.lines = r.m.wrap(r.m.clean(s), st, size, maxW, r.lines[:0])
	return r.lines
}

// flow places lines at x, breaking pages as needed. It keeps at least two lines of a paragraph
// together at the bottom and top of a page when the paragraph has enough lines to allow it.
func (r *renderer) flow(lines []string, x float64, a Align, st style, size, lh float64, c rgb) {
	for len(lines) > 0 {
		fit := int((contentBottom - r.y + 0.01) / lh)
		n := len(lines)
		if fit < n {
			if (fit < 2 && n > 1 || fit < 1) && !r.atTop() {
				r.newPage()
				continue
			}
			n = max(fit, 1)
			if len(lines)-n == 1 && n > 2 {
				n-- // no widow
			}
		}
		for _, line := range lines[:n] {
			r.textAt(x, baseline(r.y, lh, size), line, a, st, size, c)
			r.y += lh
		}
		lines = lines[n:]
		if len(lines) > 0 {
			r.newPage()
		}
	}
}

func (r *renderer) rule(y float64, c rgb, width float64) {
	r.drawColor(c)
	r.lineWidth(width)
	r.f.Line(marginL, y, pageW-marginR, y)
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// formatNumber prints v the Swedish way: decimal comma, at most one decimal.
func formatNumber(v float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64), ".", ",", 1)
}
