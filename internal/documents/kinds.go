// Package documents builds Närvaro's formal documents (domain brief §6) from a case's record:
// notices, decisions, the investigation report, the remedy plan, follow-up records, the case
// file, the evidence chronology and the access-log extract. Builders are plain functions from
// a postgres.DocumentSource (the case as read, with the configured wheel and legal texts) to a
// pdf.Document; the Service adds issuing and access through the Store.
//
// Documents are in Swedish: they are the municipality's record. Every text a document prints
// comes from the record, the configured wheel or legal.yaml; nothing depends on who downloads
// it, so an issued document is the same whoever caused it to be issued.
package documents

import "slices"

// Document kinds: the keys of legal.yaml's documents.
const (
	NoticeHuvudman         = "notice_huvudman"
	NoticeHomeMunicipality = "notice_home_municipality"
	AssessmentDecision     = "assessment_decision"
	InvestigationReport    = "investigation_report"
	RemedyPlan             = "remedy_plan"
	FollowUpRecord         = "followup_record"
	ClosureDecision        = "closure_decision"
	CaseFile               = "case_file"
	EvidenceChronology     = "evidence_chronology"
	AccessLog              = "access_log"
)

// CaseKinds are the documents of one case, in the order of the process.
var CaseKinds = []string{NoticeHuvudman, NoticeHomeMunicipality, AssessmentDecision, InvestigationReport,
	RemedyPlan, FollowUpRecord, ClosureDecision, CaseFile, EvidenceChronology}

// IsCaseKind reports whether kind is a document of a case.
func IsCaseKind(kind string) bool { return slices.Contains(CaseKinds, kind) }
