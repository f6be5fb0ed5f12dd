// Package pdf renders Närvaro's formal documents (notices, decisions, investigation reports, case
// files) as PDF/A4 in Swedish. Callers describe a document as plain data — a Document with Meta
// and a list of Blocks — and Render lays it out: a header and footer on every page, a title block,
// a separate secret appendix, and vector pictures for the wheel and bar charts.
//
// Rendering is deterministic (the same Document gives the same bytes) and safe for concurrent use.
// Times are printed in their own location; callers convert them to Swedish time first.
package pdf

import "time"

// Document is one formal document.
type Document struct {
	Meta   Meta
	Blocks []Block
	// Appendix holds the secret details. It starts on a new page titled "Sekretessbilaga" and
	// carries its own secrecy marking, so it can be separated from the main document.
	Appendix []Block
}

// Meta is what the formal record requires on every document (domain brief §6).
type Meta struct {
	Huvudman       string
	SchoolUnit     string
	SchoolUnitCode string // skolenhetskod
	CaseNumber     string // diarienummer
	// DocType is the document's title, e.g. "Anmälan till huvudman om påbörjad utredning".
	DocType string
	// LegalBasis is configuration, never hard-coded, e.g. "Skollagen (2010:800) 7 kap. 19 a §".
	LegalBasis         string
	Date               time.Time
	Author             string
	AuthorTitle        string
	DecisionMaker      string
	DecisionMakerTitle string
	Signed             bool
	SignedAt           time.Time
	// Secrecy is printed on every page when set, e.g. "Sekretess enligt OSL 23 kap. 2 §".
	Secrecy string
	// AppendixTitle names the secret appendix; empty means "Sekretessbilaga".
	AppendixTitle string
	// Version is printed in the footer; 0 counts as 1 because every document has a first version.
	Version int
	// Draft prints "UTKAST" across every page.
	Draft bool
	// CreatedAt goes into the PDF metadata instead of the clock, so that the same Document always
	// gives the same bytes. When zero, Date is used.
	CreatedAt time.Time
}

// Block is one piece of document content. The set of blocks is closed: Heading, Paragraph,
// Fields, Table, Quote, Wheel, BarChart, Signature and PageBreak.
type Block interface {
	render(r *renderer)
	validate(p *problems)
	// keep is the height at the start of the block that a heading before it stays with.
	keep(r *renderer) float64
}

// Heading is a section title. Level 1 (or 0) is a section, 2 a subsection. A heading is never
// left alone at the bottom of a page: it moves with the start of the block that follows it.
type Heading struct {
	Text  string
	Level int
}

// Paragraph is running text. Line breaks in Text are kept; long text wraps and continues on the
// next page.
type Paragraph struct {
	Text string
}

// Fields lists label/value pairs, e.g. a student's details.
type Fields struct {
	Rows []Field
}

// Field is one label/value row.
type Field struct {
	Label string
	Value string
}

// Table is a grid whose header row is repeated on every page it spans.
type Table struct {
	Columns []Column
	Rows    [][]string
}

// Column describes one table column.
type Column struct {
	Title string
	// Width is relative to the other columns' widths; 0 counts as 1. The table always spans the
	// text width.
	Width float64
	Align Align
}

// Align is the horizontal alignment of a table column.
type Align uint8

const (
	AlignLeft Align = iota
	AlignRight
	AlignCenter
)

// Quote is the child's own words, set apart so that the reader sees whose voice it is.
type Quote struct {
	Text string
	// Label defaults to "Barnets egna ord".
	Label string
	// Source says where the words were said or written, e.g. "Samtal med eleven 2026-03-02".
	Source string
}

// Wheel is Barnets bästa-hjulet as a picture: one segment per domain, in the given order,
// starting at the top and going clockwise. There is deliberately no score.
type Wheel struct {
	Title   string
	Domains []WheelDomain
}

// WheelDomain is one segment. Concern and Strength may both be set, because the child, the
// guardians and the professionals may see the same domain differently.
type WheelDomain struct {
	Key      string // the configured domain key, e.g. "safe"; for the caller, not printed
	Label    string
	Concern  bool
	Strength bool
	Note     string
}

// BarChart is a simple vertical bar chart, e.g. absence per week. With two or more series the
// bars are grouped side by side (before/after) or, when Stacked, stacked (valid/invalid).
type BarChart struct {
	Title string
	// Unit follows every value, e.g. "%" or "h".
	Unit    string
	Series  []string // legend names; empty for a single unnamed series
	Stacked bool
	Bars    []Bar
}

// Bar is one category on the horizontal axis; Values has one value per series.
type Bar struct {
	Label  string
	Values []float64
}

// Signature is the decision maker's signature block. Empty fields fall back to Meta.
type Signature struct {
	// Label defaults to "Beslutsfattare".
	Label string
	Name  string
	Title string
	Date  time.Time
}

// PageBreak starts a new page, unless the current page is still empty or nothing follows.
type PageBreak struct{}
