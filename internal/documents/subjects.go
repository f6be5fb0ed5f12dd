package documents

import (
	"strconv"
	"time"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Which record each document is about, and when that record became final:
//
//	notice_huvudman, notice_home_municipality  the notice; final when sent
//	assessment_decision                        the rektor's assessment (its timeline event); final when made
//	investigation_report                       the completion (its timeline event); a draft while investigating
//	remedy_plan                                the plan version; final when the rektor decided
//	followup_record                            the follow-up; final when recorded
//	closure_decision                           the closure (its timeline event); final when made
//	case_file                                  the closure; a draft while the case is open
//	evidence_chronology                        the evidence handed over for an order under fine; a draft until then
//
// Decisions are identified by their timeline event because a reopened case is assessed and
// closed again: each decision keeps its own document.

// Subject picks the record a document of kind is about; subjectID 0 means the latest.
func (b *Builder) Subject(src *postgres.DocumentSource, kind string, subjectID int64) (postgres.DocumentSubject, error) {
	if !IsCaseKind(kind) {
		return postgres.DocumentSubject{}, unknownKind()
	}
	all := b.Subjects(src, kind)
	if len(all) == 0 {
		return postgres.DocumentSubject{}, narvaro.Errorf(narvaro.CodeNotFound,
			"Ärendet har ingen sådan handling ännu.", "The case has no such document yet.")
	}
	if subjectID == 0 {
		return all[len(all)-1], nil
	}
	for _, s := range all {
		if s.ID == subjectID {
			return s, nil
		}
	}
	return postgres.DocumentSubject{}, narvaro.NotFound("Handlingen", "The document")
}

// Subjects lists the records of kind that a document exists for, oldest first.
func (b *Builder) Subjects(src *postgres.DocumentSource, kind string) []postgres.DocumentSubject {
	title := b.Legal.Document(kind).Title.SV
	var out []postgres.DocumentSubject
	final := func(id int64, at time.Time, by *int64, lbl string) {
		s := postgres.DocumentSubject{Kind: kind, ID: id, Final: true, At: at, Title: title, Label: lbl}
		if by != nil {
			s.By = *by
		}
		out = append(out, s)
	}
	draft := func(id int64, lbl string) {
		out = append(out, postgres.DocumentSubject{Kind: kind, ID: id, At: src.Now, Title: title, Label: lbl})
	}
	events := func(kinds ...string) []cases.Event {
		var es []cases.Event
		for _, e := range src.Events {
			for _, k := range kinds {
				if e.Kind == k {
					es = append(es, e)
				}
			}
		}
		return es
	}
	switch kind {
	case NoticeHuvudman, NoticeHomeMunicipality:
		want := map[string]string{NoticeHuvudman: cases.NoticeInvestigationStarted, NoticeHomeMunicipality: cases.NoticeHomeMunicipality}[kind]
		for _, n := range src.Notices {
			if n.Kind != want {
				continue
			}
			lbl := "Senast " + n.DueOn.String()
			if n.SentAt != nil {
				final(n.ID, *n.SentAt, n.SentBy, "Skickad "+date(*n.SentAt))
			} else {
				draft(n.ID, lbl)
			}
		}
	case AssessmentDecision:
		for _, e := range events(string(cases.StartInvestigation), string(cases.DeclineInvestigation)) {
			final(e.ID, e.At, e.ActorID, "Beslut "+date(e.At))
		}
	case InvestigationReport:
		for _, e := range events(string(cases.CompleteInvestigation)) {
			final(e.ID, e.At, e.ActorID, "Slutförd "+date(e.At))
		}
		if src.Case.Status == cases.Investigating || (len(out) == 0 && src.Case.InvestigationStartedAt != nil) {
			draft(0, "Pågående utredning")
		}
	case RemedyPlan:
		for _, p := range src.Plans {
			lbl := "Version " + strconv.Itoa(p.Version)
			if p.DecidedAt != nil {
				final(p.ID, *p.DecidedAt, p.DecidedBy, lbl)
			} else {
				draft(p.ID, lbl)
			}
		}
	case FollowUpRecord:
		for _, f := range src.FollowUps {
			by := f.CreatedBy
			final(f.ID, f.CreatedAt, &by, "Uppföljning "+f.HeldOn.String())
		}
	case ClosureDecision:
		for _, e := range events(string(cases.Close)) {
			final(e.ID, e.At, e.ActorID, "Avslutat "+date(e.At))
		}
	case CaseFile:
		for _, e := range events(string(cases.Close)) {
			final(e.ID, e.At, e.ActorID, "Avslutat "+date(e.At))
		}
		if src.Case.Status != cases.Closed {
			draft(0, "Pågående ärende")
		}
	case EvidenceChronology:
		for _, x := range src.Escalations {
			if x.Kind == cases.FineOrderEvidence {
				by := x.CreatedBy
				final(x.ID, x.CreatedAt, &by, "Lämnad "+x.OccurredOn.String())
			}
		}
		if len(out) == 0 {
			draft(0, "Sammanställning")
		}
	}
	return out
}
