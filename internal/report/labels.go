package report

import (
	"strconv"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
)

// EscalationKinds are listed in this order, every kind even when none occurred, so that reports
// for different periods line up.
var EscalationKinds = []string{cases.ReportOfConcern, cases.SIPRequested, cases.SIPEstablished,
	cases.HomeMunicipalityCoordination, cases.FineOrderEvidence}

// ClosureReasons are the reasons a case closes, in display order.
var ClosureReasons = []string{"attendance_restored", "moved", "other"}

// ClosureLabel names a closure reason in Swedish.
func ClosureLabel(reason string) string {
	switch reason {
	case "attendance_restored":
		return "Närvaron återställd"
	case "moved":
		return "Eleven har flyttat"
	case "other":
		return "Annat skäl"
	}
	return reason
}

// EscalationLabel names an escalation kind in Swedish.
func EscalationLabel(kind string) string { return cases.KindLabel(kind).SV }

var monthsSV = [...]string{"jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"}

// MonthLabel names a month the Swedish way, "sep 2026".
func MonthLabel(t time.Time) string {
	return monthsSV[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
