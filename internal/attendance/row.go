package attendance

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/narvaro/narvaro/internal/narvaro"
)

func (r *Reader) blank() bool {
	for i := 0; i < r.sp.count(); i++ {
		if len(trimSpace(r.sp.field(i))) > 0 {
			return false
		}
	}
	return true
}

// repeatedHeader reports a copy of the header line, which some exports repeat for every class or
// page; it is skipped rather than reported as a bad personnummer.
func (r *Reader) repeatedHeader() bool {
	f := trimSpace(r.get(colPersonnummer))
	if len(f) == 0 || f[0] >= '0' && f[0] <= '9' {
		return false
	}
	k, ok := r.c.headers[normaliseHeader(f)]
	return ok && k == colPersonnummer
}

func (r *Reader) get(k column) []byte { return r.sp.field(r.idx[k]) }

// parse checks one record; the first problem found is the one reported.
func (r *Reader) parse(line int) (Row, *narvaro.Text) {
	pnr, p := narvaro.NormalisePersonnummer(r.get(colPersonnummer), r.today)
	if p != narvaro.PnrOK {
		msg := p.Text()
		return Row{}, &msg
	}

	raw := trimSpace(r.get(colDate))
	if len(raw) == 0 {
		return Row{}, &narvaro.Text{SV: "Datum saknas.", EN: "The date is missing."}
	}
	day, ok := int32(0), false
	for i := range r.c.dates {
		if day, ok = r.c.dates[i].parse(raw); ok {
			break
		}
	}
	if !ok {
		f := r.c.dates[0].text
		return Row{}, &narvaro.Text{
			SV: fmt.Sprintf("Datumet %q kan inte tolkas (väntat format %s).", clip(raw), humanFormatSV(f)),
			EN: fmt.Sprintf("The date %q cannot be read (expected format %s).", clip(raw), f),
		}
	}
	if day < r.first || day > r.last {
		return Row{}, &narvaro.Text{
			SV: fmt.Sprintf("Datumet %s ligger utanför det tillåtna intervallet %s – %s.", isoDate(day), isoDate(r.first), isoDate(r.last)),
			EN: fmt.Sprintf("The date %s is outside the allowed range %s to %s.", isoDate(day), isoDate(r.first), isoDate(r.last)),
		}
	}

	offered, problem := r.minutes(colOffered, true)
	if problem != nil {
		return Row{}, problem
	}
	var valid, invalid int
	if r.c.flagged {
		absence, problem := r.minutes(colAbsence, false)
		if problem != nil {
			return Row{}, problem
		}
		if absence > 0 {
			kind := normaliseHeader(r.get(colAbsenceType))
			switch {
			case r.c.validT[kind]:
				valid = absence
			case r.c.invalidT[kind]:
				invalid = absence
			case kind == "":
				return Row{}, &narvaro.Text{
					SV: fmt.Sprintf("Det framgår inte om frånvaron är giltig eller ogiltig (kolumnen %q är tom).", r.header[colAbsenceType]),
					EN: fmt.Sprintf("It does not say whether the absence is valid or invalid (the column %q is empty).", r.header[colAbsenceType]),
				}
			default:
				allowed := quoteList(append(append([]string{}, r.c.layout.AbsenceTypes.Valid...), r.c.layout.AbsenceTypes.Invalid...))
				return Row{}, &narvaro.Text{
					SV: fmt.Sprintf("Frånvarotypen %q är okänd (väntat %s).", clip(r.get(colAbsenceType)), allowed),
					EN: fmt.Sprintf("The absence type %q is unknown (expected %s).", clip(r.get(colAbsenceType)), allowed),
				}
			}
		}
	} else {
		if valid, problem = r.minutes(colValid, false); problem != nil {
			return Row{}, problem
		}
		if invalid, problem = r.minutes(colInvalid, false); problem != nil {
			return Row{}, problem
		}
	}
	if valid+invalid > offered {
		return Row{}, &narvaro.Text{
			SV: fmt.Sprintf("Frånvaron (%d min) är större än den schemalagda tiden (%d min).", valid+invalid, offered),
			EN: fmt.Sprintf("The absence (%d min) is more than the scheduled time (%d min).", valid+invalid, offered),
		}
	}

	key := pnrKey(string(pnr))
	if r.seen != nil {
		set := r.seen[key]
		if set == nil {
			set = &daySet{}
			r.seen[key] = set
		}
		if set.add(day) {
			return Row{}, &narvaro.Text{
				SV: fmt.Sprintf("Eleven har redan en rad för %s längre upp i filen.", isoDate(day)),
				EN: fmt.Sprintf("The student already has a row for %s further up in the file.", isoDate(day)),
			}
		}
	}
	return Row{
		Line:           line,
		Personnummer:   string(pnr),
		Day:            dateOf(day),
		OfferedMinutes: offered,
		ValidMinutes:   valid,
		InvalidMinutes: invalid,
	}, nil
}

// minutes reads a time column; an empty absence column means no absence, an empty scheduled
// time is an error.
func (r *Reader) minutes(k column, required bool) (int, *narvaro.Text) {
	raw := r.get(k)
	v, p := parseMinutes(raw, r.c.hours)
	name := r.header[k]
	switch p {
	case numOK:
		return v, nil
	case numEmpty:
		if !required {
			return 0, nil
		}
		return 0, &narvaro.Text{
			SV: fmt.Sprintf("Kolumnen %q (%s) är tom.", name, columnNames[k].SV),
			EN: fmt.Sprintf("The column %q (%s) is empty.", name, columnNames[k].EN),
		}
	case numNegative:
		return 0, &narvaro.Text{
			SV: fmt.Sprintf("Värdet %q i kolumnen %q är negativt.", clip(raw), name),
			EN: fmt.Sprintf("The value %q in the column %q is negative.", clip(raw), name),
		}
	case numTooLarge:
		return 0, &narvaro.Text{
			SV: fmt.Sprintf("Värdet %q i kolumnen %q är orimligt stort (mer än 24 timmar på en rad).", clip(raw), name),
			EN: fmt.Sprintf("The value %q in the column %q is implausibly large (more than 24 hours on one row).", clip(raw), name),
		}
	}
	unit, unitEN := "minuter", "minutes"
	if r.c.hours {
		unit, unitEN = "timmar", "hours"
	}
	return 0, &narvaro.Text{
		SV: fmt.Sprintf("Värdet %q i kolumnen %q är inte ett tal (väntat %s, t.ex. 45 eller 1,5).", clip(raw), name, unit),
		EN: fmt.Sprintf("The value %q in the column %q is not a number (expected %s, e.g. 45 or 1.5).", clip(raw), name, unitEN),
	}
}

// clip makes a value from the file safe and short enough to quote in a message.
func clip(b []byte) string {
	s := strings.ToValidUTF8(string(trimSpace(b)), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:39]) + "…"
	}
	return s
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
