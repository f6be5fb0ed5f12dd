package pdf

import (
	"fmt"
	"math"
	"reflect"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// problems collects what is wrong with a Document, naming each place by its path, e.g.
// "blocks[3].rows[2]".
type problems struct {
	narvaro.Problems
	path string
}

func (p *problems) add(field, sv, en string) {
	p.Add(p.path+field, sv, en)
}

// validate finds what would make a document wrong rather than merely ugly; layout itself copes
// with any text.
func validate(doc Document) error {
	var p problems
	if doc.Meta.DocType == "" {
		p.add("meta.docType", "Dokumenttyp saknas.", "The document type is missing.")
	}
	if doc.Meta.CreatedAt.IsZero() && doc.Meta.Date.IsZero() {
		p.add("meta.createdAt", "Dokumentet saknar datum.", "The document has no date.")
	}
	if doc.Meta.Version < 0 {
		p.add("meta.version", "Versionen kan inte vara negativ.", "The version cannot be negative.")
	}
	validateBlocks(&p, "blocks", doc.Blocks)
	validateBlocks(&p, "appendix", doc.Appendix)
	return p.Err()
}

func validateBlocks(p *problems, name string, blocks []Block) {
	for i, b := range blocks {
		p.path = fmt.Sprintf("%s[%d]", name, i)
		if b == nil || isNilPointer(b) {
			p.add("", "Tomt innehållsblock.", "Empty content block.")
			continue
		}
		b.validate(p)
	}
	p.path = ""
}

func (Heading) validate(*problems)   {}
func (Paragraph) validate(*problems) {}
func (Fields) validate(*problems)    {}
func (Quote) validate(*problems)     {}
func (Signature) validate(*problems) {}
func (PageBreak) validate(*problems) {}

func (t Table) validate(p *problems) {
	if len(t.Columns) == 0 {
		p.add(".columns", "Tabellen saknar kolumner.", "The table has no columns.")
	}
	for i, c := range t.Columns {
		if c.Width < 0 || math.IsNaN(c.Width) || math.IsInf(c.Width, 0) {
			p.add(fmt.Sprintf(".columns[%d].width", i), "Kolumnbredden är ogiltig.", "The column width is invalid.")
		}
	}
	for i, row := range t.Rows {
		if len(row) > len(t.Columns) {
			p.add(fmt.Sprintf(".rows[%d]", i), "Raden har fler celler än tabellen har kolumner.",
				"The row has more cells than the table has columns.")
		}
	}
}

func (w Wheel) validate(p *problems) {
	if len(w.Domains) == 0 {
		p.add(".domains", "Hjulet saknar områden.", "The wheel has no domains.")
	}
	for i, d := range w.Domains {
		if d.Label == "" {
			p.add(fmt.Sprintf(".domains[%d].label", i), "Området saknar namn.", "The domain has no label.")
		}
	}
}

func (c BarChart) validate(p *problems) {
	if len(c.Bars) == 0 {
		p.add(".bars", "Diagrammet saknar staplar.", "The chart has no bars.")
	}
	if len(c.Series) > maxSeries {
		p.add(".series", fmt.Sprintf("Diagrammet kan visa högst %d serier.", maxSeries),
			fmt.Sprintf("The chart can show at most %d series.", maxSeries))
	}
	n := max(1, len(c.Series))
	for i, b := range c.Bars {
		if len(b.Values) > n {
			p.add(fmt.Sprintf(".bars[%d].values", i), "Stapeln har fler värden än diagrammet har serier.",
				"The bar has more values than the chart has series.")
		}
		for _, v := range b.Values {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				p.add(fmt.Sprintf(".bars[%d].values", i), "Värdena måste vara noll eller positiva tal.",
					"The values must be zero or positive numbers.")
				break
			}
		}
	}
}

// isNilPointer catches a nil *Paragraph and the like, which satisfy Block but cannot render.
func isNilPointer(b Block) bool {
	v := reflect.ValueOf(b)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
