package pdf

import (
	"strconv"
	"strings"
)

// The parts of every page (header, footer, draft mark) and of the first pages (title block,
// appendix opening).

// header runs for every page, before any content.
func (r *renderer) header() {
	r.pen = pen{}
	if r.appendixPending {
		r.inAppendix, r.appendixPending = true, false
	}
	if r.meta.Draft {
		r.draftMark()
	}
	meta := &r.meta
	const size = 8.5
	right := pageW - marginR
	// The right column (case number, document type) is short; the left gets what is left.
	docType := meta.DocType
	if r.inAppendix {
		docType = r.appendixTitle() + " – " + docType
	}
	var dnr string
	if meta.CaseNumber != "" {
		dnr = r.m.truncate("Dnr "+meta.CaseNumber, bold, size, contentW/2)
	}
	docType = r.m.truncate(docType, regular, size, contentW*0.55)
	gap := 6.0
	leftW1 := contentW - r.m.textWidth(dnr, bold, size) - gap
	leftW2 := contentW - r.m.textWidth(docType, regular, size) - gap
	r.textAt(marginL, 13, r.m.truncate(meta.Huvudman, bold, size, leftW1), AlignLeft, bold, size, black)
	r.textAt(right, 13, dnr, AlignRight, bold, size, black)
	unit := meta.SchoolUnit
	if meta.SchoolUnitCode != "" {
		unit += " (skolenhetskod " + meta.SchoolUnitCode + ")"
	}
	r.textAt(marginL, 17.5, r.m.truncate(unit, regular, size, leftW2), AlignLeft, regular, size, grey)
	r.textAt(right, 17.5, docType, AlignRight, regular, size, grey)
	r.rule(20.5, lightGrey, 0.3)
	r.y = contentTop
}

// footer runs for every page when it is finished, the last one included.
func (r *renderer) footer() {
	r.pen = pen{}
	r.rule(pageH-20, lightGrey, 0.3)
	if marking := r.secrecyMarking(); marking != "" {
		lines := r.m.wrap(marking, bold, 8.5, contentW, nil)
		if len(lines) > 2 { // room for two lines above the page number
			lines[1] = r.m.truncate(strings.Join(lines[1:], " "), bold, 8.5, contentW)
			lines = lines[:2]
		}
		y := pageH - 19
		for _, l := range lines {
			r.textAt(pageW/2, baseline(y, 4, 8.5), l, AlignCenter, bold, 8.5, red)
			y += 4
		}
	}
	const size = 8.5
	base := pageH - 10
	// Left aligned because gofpdf measures the alias, not the page count that replaces it.
	r.textAt(marginL, base, "Sida "+strconv.Itoa(r.f.PageNo())+" av "+aliasNbPages, AlignLeft, regular, size, black)
	version := "Version " + strconv.Itoa(r.meta.Version)
	if r.meta.Draft {
		version += " · UTKAST"
	}
	r.textAt(pageW-marginR, base, version, AlignRight, regular, size, black)
}

func (r *renderer) secrecyMarking() string {
	if !r.inAppendix {
		return r.meta.Secrecy
	}
	if r.meta.Secrecy != "" {
		return r.appendixTitle() + " – " + r.meta.Secrecy
	}
	return r.appendixTitle() + " – innehåller uppgifter som kan omfattas av sekretess"
}

// draftMark prints UTKAST diagonally across the page, under the content, in a colour light
// enough to read the text through it.
func (r *renderer) draftMark() {
	const size = 110.0
	r.f.TransformBegin()
	r.f.TransformRotate(55, pageW/2, pageH/2)
	w := r.m.textWidth("UTKAST", bold, size)
	r.textAt(pageW/2-w/2, pageH/2+0.35*size*mmPerPt, "UTKAST", AlignLeft, bold, size, watermark)
	r.transformEnd()
}

// titleBlock opens the first page: what the document is, under which law, when and by whom.
func (r *renderer) titleBlock() {
	meta := &r.meta
	lines := r.m.wrap(meta.DocType, bold, 16, contentW, nil)
	for _, l := range lines {
		r.textAt(marginL, baseline(r.y, 7.5, 16), l, AlignLeft, bold, 16, accent)
		r.y += 7.5
	}
	if meta.LegalBasis != "" {
		r.y += 0.5
		r.flow(r.m.wrap(meta.LegalBasis, regular, 10, contentW, nil), marginL, AlignLeft, regular, 10, 5, grey)
	}
	if meta.Draft {
		r.y += 1
		r.textAt(marginL, baseline(r.y, 5, 10), "UTKAST – dokumentet är inte fastställt", AlignLeft, bold, 10, red)
		r.y += 5
	}
	r.y += 3
	var rows []Field
	add := func(label, value string) {
		if value != "" {
			rows = append(rows, Field{label, value})
		}
	}
	add("Datum", formatDate(meta.Date))
	add("Diarienummer", meta.CaseNumber)
	add("Huvudman", meta.Huvudman)
	unit := meta.SchoolUnit
	if meta.SchoolUnitCode != "" {
		unit += " (skolenhetskod " + meta.SchoolUnitCode + ")"
	}
	add("Skolenhet", unit)
	add("Upprättad av", joinNonEmpty(", ", meta.Author, meta.AuthorTitle))
	add("Beslutsfattare", joinNonEmpty(", ", meta.DecisionMaker, meta.DecisionMakerTitle))
	if meta.Secrecy != "" {
		add("Sekretess", meta.Secrecy)
	}
	Fields{Rows: rows}.render(r)
	r.rule(r.y+1, accent, 0.5)
	r.y += 6
}

func (r *renderer) startAppendix() {
	r.appendixPending = true
	r.newPage()
	r.textAt(marginL, baseline(r.y, 8, 16), r.appendixTitle(), AlignLeft, bold, 16, red)
	r.y += 8
	intro := "Bilaga till dokumentet ”" + r.meta.DocType + "”"
	if r.meta.CaseNumber != "" {
		intro += ", dnr " + r.meta.CaseNumber
	}
	intro += ". Bilagan innehåller känsliga uppgifter och hanteras skild från huvuddokumentet."
	r.flow(r.m.wrap(intro, regular, 10, contentW, nil), marginL, AlignLeft, regular, 10, 5, grey)
	marking := r.secrecyMarking()
	lines := r.m.wrap(marking, bold, 10, contentW-6, nil)
	h := float64(len(lines))*5 + 4
	r.y += 2
	r.drawColor(red)
	r.lineWidth(0.5)
	r.f.Rect(marginL, r.y, contentW, h, "D")
	y := r.y + 2
	for _, l := range lines {
		r.textAt(marginL+3, baseline(y, 5, 10), l, AlignLeft, bold, 10, red)
		y += 5
	}
	r.y += h + 6
}

func (r *renderer) appendixTitle() string {
	if r.meta.AppendixTitle != "" {
		return r.meta.AppendixTitle
	}
	return "Sekretessbilaga"
}
