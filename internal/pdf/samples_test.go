package pdf

import (
	"fmt"
	"strings"
	"time"
)

// Sample documents shared by tests and benchmarks. They use the names that broke naive PDF
// code before: Swedish letters, Polish Ł and Vietnamese ễ (U+1EC5).

var (
	sampleDate    = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	sampleCreated = time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
)

func sampleMeta() Meta {
	return Meta{
		Huvudman:           "Vingåkers kommun, Barn- och utbildningsnämnden",
		SchoolUnit:         "Slottsskolan F–6",
		SchoolUnitCode:     "12345678",
		CaseNumber:         "BUN 2026/0042",
		DocType:            "Anmälan till huvudman om påbörjad utredning",
		LegalBasis:         "Skollagen (2010:800) 7 kap. 19 a §",
		Date:               sampleDate,
		Author:             "Åsa Öberg",
		AuthorTitle:        "Kurator",
		DecisionMaker:      "Łukasz Nguễn",
		DecisionMakerTitle: "Rektor",
		Secrecy:            "Sekretess enligt OSL 23 kap. 2 §",
		Version:            2,
		CreatedAt:          sampleCreated,
	}
}

func sampleWheel() Wheel {
	domains := []struct {
		key, label        string
		concern, strength bool
		note              string
	}{
		{"safe", "Trygg", true, false, "Eleven beskriver oro på rasterna."},
		{"healthy", "Må bra", true, true, "Sover dåligt enligt vårdnadshavare; eleven själv säger att hon mår bättre."},
		{"achieving", "Utvecklas", true, false, ""},
		{"nurtured", "Omvårdad", false, true, "Mormor hämtar varje dag."},
		{"active", "Aktiv", false, true, "Spelar fotboll två gånger i veckan."},
		{"respected", "Respekterad", false, false, ""},
		{"responsible", "Ansvarstagande", false, false, ""},
		{"included", "Delaktig", true, false, "Känner sig utanför i klassen."},
	}
	w := Wheel{Title: "Barnets bästa-hjulet – bedömning 2026-03-02"}
	for _, d := range domains {
		w.Domains = append(w.Domains, WheelDomain{Key: d.key, Label: d.label, Concern: d.concern, Strength: d.strength, Note: d.note})
	}
	return w
}

func weeklyAbsence(weeks int) BarChart {
	c := BarChart{Title: "Frånvaro per vecka", Unit: "%", Series: []string{"Giltig", "Ogiltig"}, Stacked: true}
	for i := range weeks {
		valid := float64((i*7)%15) + 2.5
		invalid := float64((i*11)%23) + 1
		c.Bars = append(c.Bars, Bar{Label: fmt.Sprintf("v. %d", (33+i)%52+1), Values: []float64{valid, invalid}})
	}
	return c
}

const loremSV = "Eleven har under höstterminen haft en ökande frånvaro, främst måndagar och fredagar. " +
	"Mentor har haft kontakt med vårdnadshavare vid flera tillfällen och elevhälsoteamet har " +
	"diskuterat ärendet. Eleven uttrycker att skoldagarna känns långa och att det är svårt att " +
	"komma i gång på morgonen. Vårdnadshavarna beskriver att eleven ofta har ont i magen före " +
	"skoldagens början och att situationen har förvärrats sedan klassbytet i augusti. "

// sampleReport is an investigation-like document of about three pages.
func sampleReport() Document {
	meta := sampleMeta()
	meta.DocType = "Utredning av elevens frånvaro"
	return Document{
		Meta: meta,
		Blocks: []Block{
			Heading{Text: "Elev", Level: 1},
			Fields{Rows: []Field{
				{"Namn", "Łukasz Nguễn Andersson"},
				{"Klass", "5B"},
				{"Mentor", "Jörgen Ängström"},
			}},
			Heading{Text: "Frånvarons omfattning och mönster", Level: 1},
			Paragraph{Text: strings.Repeat(loremSV, 2)},
			weeklyAbsence(12),
			Heading{Text: "Elevens egen uppfattning", Level: 1},
			Quote{Text: "Jag vill gå till skolan men på morgonen gör det ont i magen. Det är bättre när jag får börja med slöjd.", Source: "Samtal med eleven 2026-02-26"},
			sampleWheel(),
			Heading{Text: "Tidigare åtgärder", Level: 1},
			Table{
				Columns: []Column{{Title: "Datum", Width: 1}, {Title: "Åtgärd", Width: 3}, {Title: "Ansvarig", Width: 1.5}, {Title: "Resultat", Width: 1.2}},
				Rows: [][]string{
					{"2025-09-15", "Samtal med vårdnadshavare om frånvaron", "Mentor", "Oförändrat"},
					{"2025-10-02", "Anpassad start på dagen med mjukstart i biblioteket", "Specialpedagog", "Förbättrat"},
					{"2025-11-20", "Kontakt med skolsköterska", "Skolsköterska", "Oförändrat"},
				},
			},
			Heading{Text: "Analys", Level: 1},
			Paragraph{Text: loremSV},
			Heading{Text: "Bedömning och beslut", Level: 1},
			Paragraph{Text: "Utredningen visar att eleven behöver stöd i form av extra anpassningar. Behov av särskilt stöd ska utredas."},
			Signature{},
		},
		Appendix: []Block{
			Heading{Text: "Hälsa och hemsituation", Level: 1},
			Paragraph{Text: "Elevhälsans medicinska insats har lämnat uppgifter som har beaktats i utredningen."},
		},
	}
}

// sampleCaseFile is a whole case file of about ten pages: chronology, measures, follow-ups.
func sampleCaseFile() Document {
	meta := sampleMeta()
	meta.DocType = "Akt i ärende om frånvaro"
	blocks := []Block{
		Heading{Text: "Ärendets gång", Level: 1},
		Paragraph{Text: strings.Repeat(loremSV, 3)},
	}
	chrono := Table{Columns: []Column{
		{Title: "Datum", Width: 1}, {Title: "Händelse", Width: 3.5}, {Title: "Av", Width: 1.4},
	}}
	for i := range 100 {
		chrono.Rows = append(chrono.Rows, []string{
			sampleDate.AddDate(0, 0, i).Format("2006-01-02"),
			fmt.Sprintf("Händelse %d: kontakt med vårdnadshavare om frånvaron och överenskommelse om nästa steg i planen.", i+1),
			"Åsa Öberg",
		})
	}
	blocks = append(blocks, Heading{Text: "Kronologi", Level: 1}, chrono, weeklyAbsence(30), sampleWheel())
	for i := range 4 {
		blocks = append(blocks,
			Heading{Text: fmt.Sprintf("Uppföljning %d", i+1), Level: 1},
			Paragraph{Text: strings.Repeat(loremSV, 2)},
			Quote{Text: "Det går lite bättre nu när jag får börja dagen i biblioteket.", Source: "Eleven"},
		)
	}
	blocks = append(blocks, Signature{})
	return Document{Meta: meta, Blocks: blocks, Appendix: []Block{Paragraph{Text: loremSV}}}
}
