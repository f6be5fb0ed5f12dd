package documents

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// Formatting and the Swedish names of the record's codes.

const none = "Inget antecknat."

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}

func nonEmpty(rows []pdf.Field) []pdf.Field {
	out := rows[:0:0]
	for _, r := range rows {
		if strings.TrimSpace(r.Value) != "" {
			out = append(out, r)
		}
	}
	return out
}

// local is t in Swedish time: documents print the time the school saw.
func local(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(postgres.Stockholm())
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return local(t).Format(time.DateOnly)
}

func datePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return date(*t)
}

func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return local(t).Format("2006-01-02 15:04")
}

// dayOf is the Swedish calendar day of t.
func dayOf(t time.Time) narvaro.Date { return narvaro.DateOf(local(t)) }

// percent prints a share the Swedish way, "12,5 %".
func percent(v float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64), ".", ",", 1) + " %"
}

func percentPtr(v *float64) string {
	if v == nil {
		return "Uppgift saknas"
	}
	return percent(*v)
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func yesNo(b *bool, unknown string) string {
	switch {
	case b == nil:
		return unknown
	case *b:
		return "Ja"
	}
	return "Nej"
}

func (b *Builder) domains(keys []string) string {
	labels := make([]string, len(keys))
	for i, k := range keys {
		labels[i] = b.Wheel.Label(k, "sv")
	}
	return strings.Join(labels, ", ")
}

var (
	methodLabels = map[string]string{"phone": "Telefon", "meeting": "Möte", "email": "E-post", "letter": "Brev", "other": "Annat"}
	levelLabels  = map[string]string{"school": "Skola", "home": "Hem", "external": "Extern"}
	resultLabels = map[string]string{"improved": "Förbättrat", "unchanged": "Oförändrat", "worse": "Försämrat"}
	reasonLabels = map[string]string{"attendance_restored": "Närvaron är återställd", "moved": "Eleven har flyttat", "other": "Annat skäl"}
	planLabels   = map[cases.PlanStatus]string{
		cases.PlanDraft: "Utkast", cases.PlanInReview: "Inväntar rektors beslut", cases.PlanApproved: "Godkänd",
		cases.PlanReturned: "Återlämnad för komplettering", cases.PlanRejected: "Avslagen",
		cases.PlanSuperseded: "Godkänd (ersatt av en senare version)",
	}
	occasionLabels = map[string]string{"report": "vid anmälan", "investigation": "i utredningen", "followup": "vid uppföljning", "closure": "vid avslut"}
	consultLabels  = map[string]string{cases.ConsultHeld: "Genomfört", cases.ConsultNotPossible: "Inte möjligt"}
)

func label(m map[string]string, key string) string {
	if v, ok := m[key]; ok {
		return v
	}
	return key
}

func consultation(state *string) string {
	if state == nil || *state == "" {
		return "Inte registrerat"
	}
	return label(consultLabels, *state)
}

func participation(a *wheel.Assessment) string {
	return a.ChildParticipation.Label().SV
}

func kindLabel(k *wheel.Kind) string {
	switch {
	case k == nil:
		return ""
	case *k == wheel.Concern:
		return "Oro"
	case *k == wheel.Strength:
		return "Styrka"
	}
	return string(*k)
}

func markLabel(concern, strength bool) string {
	switch {
	case concern && strength:
		return "Oro och styrka"
	case concern:
		return "Oro"
	case strength:
		return "Styrka"
	}
	return "Ingen markering"
}

func itoa(n int) string { return strconv.Itoa(n) }
