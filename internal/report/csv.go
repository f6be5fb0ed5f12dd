package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSVColumns are the CSV file's columns: one figure per row (a long table), so that Excel's
// filters and pivot tables work on it directly.
var CSVColumns = []string{"Avsnitt", "Indelning", "Mått", "Värde", "Enhet"}

// WriteCSV writes the published report for Excel: UTF-8 with a byte-order mark (so Å, Ä and Ö
// come out right), semicolons between fields and decimal commas (Swedish Excel), CRLF line ends.
func WriteCSV(w io.Writer, r *Report) error {
	if !r.Published {
		return ErrNotPublished
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, row := range r.Rows() {
		if err := cw.Write([]string{textCell(row[0]), textCell(row[1]), textCell(row[2]), valueCell(row[3]), row[4]}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Rows are the report as a long table (without the header), in the order of CSVColumns.
func (r *Report) Rows() [][5]string {
	var rows [][5]string
	add := func(section, part, measure, value, unit string) {
		rows = append(rows, [5]string{section, part, measure, value, unit})
	}
	count := func(section, part, measure string, c Count) { add(section, part, measure, c.String(), "antal") }
	days := func(section, part, measure string, d Days) {
		count(section, part, measure+", antal", d.N)
		add(section, part, measure+", median", formatOpt(d.Median), "dagar")
		add(section, part, measure+", medelvärde", formatOpt(d.Mean), "dagar")
	}
	share := func(section, part, measure string, s Share) { add(section, part, measure, formatOpt(s.Percent), "%") }
	const all = "Totalt"

	scope := "Samtliga skolenheter"
	if r.School != "" {
		scope = r.School + " (" + r.SchoolUnitCode + ")"
	}
	add("Rapport", "", "Huvudman", r.Huvudman, "")
	add("Rapport", "", "Organisationsnummer", r.HuvudmanOrgNumber, "")
	add("Rapport", "", "Skolenhet", scope, "")
	add("Rapport", "", "Period från", r.From.String(), "datum")
	add("Rapport", "", "Period till", r.To.String(), "datum")
	add("Rapport", "", "Bedömt per", r.AsOf.String(), "datum")
	add("Rapport", "", "Antal under denna gräns visas som < "+strconv.Itoa(r.SuppressBelow), strconv.Itoa(r.SuppressBelow), "antal")

	count("Elever", all, "Inskrivna elever", r.Students)
	count("Signaler", all, "Flaggade elever", r.Flagged)
	count("Signaler", all, "Signaler", r.Signals)
	count("Ärenden", all, "Öppnade", r.Cases.Opened)
	count("Ärenden", all, "Pågående vid periodens slut", r.Cases.Ongoing)
	count("Ärenden", all, "Avslutade", r.Cases.Closed)
	count("Rektors bedömning", all, "Utredning påbörjad", r.Assessments.Started)
	count("Rektors bedömning", all, "Utredning behövs inte", r.Assessments.NotNeeded)
	days("Rektors bedömning", all, "Dagar från signal till beslut", r.Assessments.SignalToDecision)

	n := r.Notices
	count("Anmälan till huvudman", all, "Utredningar påbörjade", n.Total)
	count("Anmälan till huvudman", all, "Skickad i tid", n.OnTime)
	count("Anmälan till huvudman", all, "Skickad sent", n.Late)
	count("Anmälan till huvudman", all, "Ej skickad, försenad", n.UnsentOverdue)
	count("Anmälan till huvudman", all, "Ej skickad, inom tidsgränsen", n.UnsentPending)
	share("Anmälan till huvudman", all, "Andel skickade i tid", n.OnTimeShare)
	days("Anmälan till huvudman", all, "Dagar från utredningsstart till anmälan", n.StartToSent)

	inv := r.Investigations
	count("Utredning", all, "Påbörjade", inv.Started)
	count("Utredning", all, "Klar i tid", inv.OnTime)
	count("Utredning", all, "Klar sent", inv.Late)
	count("Utredning", all, "Pågår, försenad", inv.OpenOverdue)
	count("Utredning", all, "Pågår, inom tidsgränsen", inv.OpenPending)
	count("Utredning", all, "Avslutad utan slutförd utredning", inv.Ended)
	share("Utredning", all, "Andel klara i tid", inv.OnTimeShare)
	days("Utredning", all, "Utredningstid", inv.DurationDays)

	f := r.FollowUps
	count("Uppföljning", all, "Hållna uppföljningar", f.Held)
	count("Uppföljning", all, "Uppföljningar som skulle hållas", f.Due)
	count("Uppföljning", all, "I tid", f.OnTime)
	count("Uppföljning", all, "Sent", f.Late)
	count("Uppföljning", all, "Inte hållen", f.Missed)
	share("Uppföljning", all, "Andel i tid", f.OnTimeShare)

	for _, e := range r.Escalations {
		count("Eskalering", e.Label, "Antal", e.Count)
	}
	count("Avslut", all, "Avslutade ärenden", r.Closures.Closed)
	for _, c := range r.Closures.Reasons {
		count("Avslut", c.Label, "Antal", c.Count)
	}
	share("Avslut", all, "Andel med närvaron återställd", r.Closures.RestoredShare)

	for _, d := range r.Domains {
		count("Område i hjulet", d.Label, "Ärenden med oro", d.Cases)
		count("Område i hjulet", d.Label, "Oro i hjulbedömning", d.WheelConcerns)
		count("Område i hjulet", d.Label, "Åtgärder", d.Measures)
	}

	weeks := strconv.Itoa(r.Weeks)
	for _, e := range append([]EffectRow{r.Effect.Overall}, r.Effect.Domains...) {
		count("Effekt av åtgärder", e.Label, "Planer", e.Plans)
		count("Effekt av åtgärder", e.Label, "Minskad frånvaro", e.Improved)
		add("Effekt av åtgärder", e.Label, "Frånvaro "+weeks+" veckor före", formatOpt(e.Before), "%")
		add("Effekt av åtgärder", e.Label, "Frånvaro "+weeks+" veckor efter", formatOpt(e.After), "%")
		add("Effekt av åtgärder", e.Label, "Förändring", formatOpt(e.Change()), "procentenheter")
	}
	count("Effekt av åtgärder", all, "Planer för nya för jämförelse", r.Effect.TooRecent)
	count("Effekt av åtgärder", all, "Planer utan närvarouppgifter", r.Effect.NoData)

	for _, m := range r.Months {
		count("Månad", m.Month, "Signaler", m.Signals)
		count("Månad", m.Month, "Öppnade ärenden", m.Opened)
		count("Månad", m.Month, "Påbörjade utredningar", m.Started)
		count("Månad", m.Month, "Avslutade ärenden", m.Closed)
	}
	for _, s := range r.Schools {
		name := s.Name + " (" + s.SchoolUnitCode + ")"
		count("Skolenhet", name, "Inskrivna elever", s.Students)
		count("Skolenhet", name, "Flaggade elever", s.Flagged)
		count("Skolenhet", name, "Öppnade ärenden", s.Opened)
		count("Skolenhet", name, "Pågående vid periodens slut", s.Ongoing)
		count("Skolenhet", name, "Avslutade ärenden", s.Closed)
		count("Skolenhet", name, "Påbörjade utredningar", s.Started)
		count("Skolenhet", name, "Anmälningar till huvudman sena", s.NoticesLate)
		count("Skolenhet", name, "Utredningar sena", s.InvestigationsLate)
	}
	return rows
}

// textCell keeps Excel from reading a name as a formula ("=…", "+…", "-…", "@…").
func textCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// valueCell lets numbers through (a change may be negative, "-2,5") but not formulas.
func valueCell(s string) string {
	if _, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil {
		return s
	}
	return textCell(s)
}
