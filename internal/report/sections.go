package report

import "strconv"

// Section is one part of the report as people read it: a heading, an introduction, a table, a
// closing line and a chart. The PDF and the web page are both built from the sections, so they
// always show the same figures in the same order.
type Section struct {
	Key   string
	Title string
	Level int // 1 a section, 2 a subsection
	Intro string
	Table *Table
	After string
	Chart *Chart
}

// Table is a section's figures: the first column names the row, the others are numbers.
type Table struct {
	Columns []string
	Widths  []float64 // relative widths for the PDF; nil for equal
	Rows    [][]string
}

// Sections lays out the published report. Everything in them is already privacy-safe.
func (r *Report) Sections() []Section {
	charts := map[string]*Chart{}
	for _, c := range r.Charts() {
		charts[c.Key] = &c
	}
	counts := func(title string, rows ...any) *Table {
		t := &Table{Columns: []string{title, "Antal"}, Widths: []float64{3, 1}}
		for i := 0; i+1 < len(rows); i += 2 {
			t.Rows = append(t.Rows, []string{rows[i].(string), rows[i+1].(Count).String()})
		}
		return t
	}
	kinds := func(title string, ks []KindCount, extra ...[]string) *Table {
		t := &Table{Columns: []string{title, "Antal"}, Widths: []float64{3, 1}}
		for _, k := range ks {
			t.Rows = append(t.Rows, []string{k.Label, k.Count.String()})
		}
		t.Rows = append(t.Rows, extra...)
		return t
	}
	var s []Section
	s = append(s, Section{Key: "summary", Title: "Sammanfattning", Level: 1, Table: counts("Mått",
		"Inskrivna elever", r.Students,
		"Flaggade elever (signal i perioden)", r.Flagged,
		"Signaler", r.Signals,
		"Öppnade ärenden", r.Cases.Opened,
		"Pågående ärenden vid periodens slut", r.Cases.Ongoing,
		"Avslutade ärenden", r.Cases.Closed,
		"Utredning påbörjad (rektors beslut)", r.Assessments.Started,
		"Utredning behövs inte (rektors beslut)", r.Assessments.NotNeeded),
		Chart: charts["months"]})

	s = append(s, Section{Key: "times", Title: "Handläggning och tidsgränser", Level: 1,
		Table: &Table{Columns: []string{"Tid", "Antal", "Median (dagar)", "Medel (dagar)"}, Widths: []float64{3, 1, 1, 1},
			Rows: [][]string{
				daysRow("Från signal till rektors beslut", r.Assessments.SignalToDecision),
				daysRow("Från utredningsstart till anmälan till huvudman", r.Notices.StartToSent),
				daysRow("Utredningens längd (påbörjad till slutförd)", r.Investigations.DurationDays),
			}}})
	s = append(s, Section{Key: "notices", Title: "Anmälan till huvudman om påbörjad utredning", Level: 2,
		Table: counts("Utfall",
			"Utredningar påbörjade i perioden", r.Notices.Total,
			"Anmälan skickad i tid", r.Notices.OnTime,
			"Anmälan skickad sent", r.Notices.Late,
			"Ej skickad, tidsgränsen passerad", r.Notices.UnsentOverdue,
			"Ej skickad, inom tidsgränsen", r.Notices.UnsentPending),
		After: "Andel av skickade anmälningar som kom i tid: " + r.Notices.OnTimeShare.String()})
	target := ""
	if r.Investigations.DueDaysTarget > 0 {
		target = "Måldatum: " + strconv.Itoa(r.Investigations.DueDaysTarget) + " dagar från utredningens start."
	}
	s = append(s, Section{Key: "investigations", Title: "Utredningens tid mot måldatum", Level: 2, Intro: target,
		Table: counts("Utfall",
			"Påbörjade i perioden", r.Investigations.Started,
			"Slutförd i tid", r.Investigations.OnTime,
			"Slutförd sent", r.Investigations.Late,
			"Pågår, måldatum passerat", r.Investigations.OpenOverdue,
			"Pågår, inom måldatum", r.Investigations.OpenPending,
			"Ärendet avslutat utan slutförd utredning", r.Investigations.Ended),
		After: "Andel av slutförda utredningar som blev klara i tid: " + r.Investigations.OnTimeShare.String()})
	s = append(s, Section{Key: "followups", Title: "Uppföljningar", Level: 2,
		Intro: "Uppföljningsdatum i perioden (åtgärdernas datum och nästa datum som sattes vid en uppföljning) mot när uppföljningen hölls.",
		Table: counts("Utfall",
			"Uppföljningsmöten hållna i perioden", r.FollowUps.Held,
			"Uppföljningsdatum i perioden", r.FollowUps.Due,
			"Uppföljning hållen i tid", r.FollowUps.OnTime,
			"Uppföljning hållen sent", r.FollowUps.Late,
			"Uppföljning inte hållen", r.FollowUps.Missed),
		After: "Andel uppföljningar i tid: " + r.FollowUps.OnTimeShare.String()})

	s = append(s, Section{Key: "escalations", Title: "Eskaleringar", Level: 1, Table: kinds("Eskalering", r.Escalations)})
	s = append(s, Section{Key: "closures", Title: "Avslutade ärenden", Level: 1,
		Table: kinds("Skäl för avslut", r.Closures.Reasons, []string{"Avslutade ärenden totalt", r.Closures.Closed.String()}),
		After: "Andel avslutade ärenden där närvaron återställts: " + r.Closures.RestoredShare.String()})

	dom := &Table{Columns: []string{"Område", "Ärenden med oro", "Oro i hjulbedömning", "Åtgärder"}, Widths: []float64{2, 1, 1, 1}}
	for _, d := range r.Domains {
		dom.Rows = append(dom.Rows, []string{d.Label, d.Cases.String(), d.WheelConcerns.String(), d.Measures.String()})
	}
	s = append(s, Section{Key: "domains", Title: "Områden i Barnets bästa-hjulet", Level: 1,
		Intro: "Ärenden öppnade i perioden med området som oro, ärenden där en bedömning i perioden markerade området som oro, " +
			"och åtgärder i planer beslutade i perioden. Ett ärende kan ha flera områden.",
		Table: dom, Chart: charts["domains"]})

	weeks := strconv.Itoa(r.Weeks)
	eff := &Table{Columns: []string{"Planernas områden", "Planer", "Minskad frånvaro", "Före (%)", "Efter (%)", "Förändring"},
		Widths: []float64{2, 1, 1, 1, 1, 1}}
	for _, e := range append([]EffectRow{r.Effect.Overall}, r.Effect.Domains...) {
		eff.Rows = append(eff.Rows, []string{e.Label, e.Plans.String(), e.Improved.String(), formatOpt(e.Before), formatOpt(e.After), formatOpt(e.Change())})
	}
	s = append(s, Section{Key: "effect", Title: "Fungerar åtgärderna?", Level: 1,
		Intro: "Elevens frånvaro (giltig och ogiltig, andel av erbjuden tid) de " + weeks + " veckorna före rektors beslut om planen " +
			"jämförs med de " + weeks + " veckorna från beslutsdagen, för planer beslutade i perioden; medelvärde över planerna. " +
			"Planer vars veckor efter beslutet ännu inte passerat: " + r.Effect.TooRecent.String() +
			"; planer utan närvarouppgifter: " + r.Effect.NoData.String() + ".",
		Table: eff, Chart: charts["effect"]})

	if len(r.Schools) > 1 {
		sch := &Table{Columns: []string{"Skolenhet", "Elever", "Flaggade elever", "Öppnade ärenden", "Pågående ärenden", "Avslutade ärenden"},
			Widths: []float64{2, 1, 1, 1, 1, 1}}
		late := &Table{Columns: []string{"Skolenhet", "Påbörjade utredningar", "Anmälan till huvudman sen eller ej skickad", "Utredning klar sent eller försenad"},
			Widths: []float64{2, 1, 1, 1}}
		for _, x := range r.Schools {
			sch.Rows = append(sch.Rows, []string{x.Name, x.Students.String(), x.Flagged.String(), x.Opened.String(), x.Ongoing.String(), x.Closed.String()})
			late.Rows = append(late.Rows, []string{x.Name, x.Started.String(), x.NoticesLate.String(), x.InvestigationsLate.String()})
		}
		s = append(s, Section{Key: "schools", Title: "Per skolenhet", Level: 1, Table: sch, Chart: charts["schools"]},
			Section{Key: "schools_deadlines", Title: "Tidsgränser per skolenhet", Level: 2, Table: late})
	}

	months := &Table{Columns: []string{"Månad", "Signaler", "Öppnade", "Påbörjade utredningar", "Avslutade"}, Widths: []float64{1.5, 1, 1, 1, 1}}
	for _, m := range r.Months {
		months.Rows = append(months.Rows, []string{m.Label, m.Signals.String(), m.Opened.String(), m.Started.String(), m.Closed.String()})
	}
	s = append(s, Section{Key: "months", Title: "Per månad", Level: 1, Table: months})
	return s
}

func daysRow(label string, d Days) []string {
	return []string{label, d.N.String(), formatOpt(d.Median), formatOpt(d.Mean)}
}
