package documents

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pdf"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Service is the documents feature over the store: download (issuing on first download),
// corrections, the list of a case's documents and the access-log extract.
type Service struct {
	Store   *postgres.Store
	Builder *Builder
}

// NewService returns the service.
func NewService(store *postgres.Store, b *Builder) *Service {
	return &Service{Store: store, Builder: b}
}

// secret reports whether a kind's content is secret. A kind missing from legal.yaml counts as
// secret: forgetting to configure a document must not open it to more people.
func (b *Builder) secret(kind string) bool {
	d, ok := b.Legal.Documents[kind]
	return !ok || d.Secret
}

// access is what an actor needs to read a kind: the whole case for secret kinds; for notices,
// seeing the case is enough (the huvudman's administrators receive them).
func (s *Service) access(kind string) auth.Access {
	if s.Builder.secret(kind) {
		return auth.Full
	}
	return auth.Visible
}

// Get returns a case document: an issued version's stored bytes, the first issue of a final
// record, or a draft. subjectID 0 is the kind's latest record; version 0 the latest version.
func (s *Service) Get(ctx context.Context, a *narvaro.Actor, caseID int64, kind string, subjectID int64, version int) (*postgres.StoredDocument, error) {
	if !IsCaseKind(kind) {
		return nil, unknownKind()
	}
	return s.Store.CaseDocument(ctx, a, postgres.DocumentQuery{CaseID: caseID, Kind: kind, SubjectID: subjectID,
		Version: version, Access: s.access(kind)}, s.Builder)
}

// Reissue issues a corrected version (the school's rektor only).
func (s *Service) Reissue(ctx context.Context, a *narvaro.Actor, caseID int64, kind string, subjectID int64) (*postgres.StoredDocument, error) {
	if !IsCaseKind(kind) {
		return nil, unknownKind()
	}
	return s.Store.ReissueDocument(ctx, a, postgres.DocumentQuery{CaseID: caseID, Kind: kind, SubjectID: subjectID, Access: auth.Full}, s.Builder)
}

// Status of a document in a list.
const (
	StatusIssued = "issued" // stored; downloads return the stored bytes
	StatusFinal  = "final"  // the record is final; the first download issues it
	StatusDraft  = "draft"  // the record is not final; downloads are marked UTKAST
)

// Entry is one document of a case in a list.
type Entry struct {
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	SubjectID int64  `json:"subject_id"`
	Subject   string `json:"subject"`
	Secret    bool   `json:"secret"`
	Status    string `json:"status" binding:"oneof=issued final draft"`
	// Version is the latest issued version, 0 when none is issued.
	Version  int                       `json:"version"`
	SHA256   string                    `json:"sha256,omitempty"`
	IssuedAt *time.Time                `json:"issued_at,omitempty"`
	Versions []postgres.StoredDocument `json:"versions"`
	URL      string                    `json:"url"`
}

// List lists the case's documents the actor may read: every kind's records, with their issued
// versions. Secret kinds are left out for those who may not see the case's secret parts.
func (s *Service) List(ctx context.Context, a *narvaro.Actor, caseID int64) ([]Entry, error) {
	src, stored, err := s.Store.CaseDocumentIndex(ctx, a, caseID)
	if err != nil {
		return nil, err
	}
	type key struct {
		kind string
		id   int64
	}
	versions := map[key][]postgres.StoredDocument{}
	var order []key
	for _, d := range stored {
		k := key{d.Kind, d.SubjectID}
		if versions[k] == nil {
			order = append(order, k)
		}
		versions[k] = append(versions[k], d)
	}
	out := []Entry{}
	add := func(kind string, id int64, title, label string, final bool) {
		e := Entry{Kind: kind, Title: title, SubjectID: id, Subject: label, Secret: s.Builder.secret(kind), Status: StatusDraft,
			Versions: []postgres.StoredDocument{}}
		if final {
			e.Status = StatusFinal
		}
		e.URL = fmt.Sprintf("/api/v1/cases/%d/documents/%s", caseID, url.PathEscape(kind))
		if id != 0 {
			e.URL += "?subject=" + strconv.FormatInt(id, 10)
		}
		if vs := versions[key{kind, id}]; len(vs) > 0 {
			latest := vs[len(vs)-1]
			e.Status, e.Version, e.SHA256, e.Versions = StatusIssued, latest.Version, latest.SHA256, vs
			at := latest.IssuedAt
			e.IssuedAt = &at
			delete(versions, key{kind, id})
		}
		out = append(out, e)
	}
	visible := func(kind string) bool { return src.Secret || !s.Builder.secret(kind) }
	for _, kind := range CaseKinds {
		if !visible(kind) {
			continue
		}
		for _, subj := range s.Builder.Subjects(src, kind) {
			add(kind, subj.ID, subj.Title, subj.Label, subj.Final)
		}
	}
	// Issued documents whose record the list no longer shows are still part of the record.
	for _, k := range order {
		if vs, ok := versions[k]; ok && visible(k.kind) {
			add(k.kind, k.id, vs[0].Title, "", true)
		}
	}
	return out, nil
}

// AccessLogPDF renders the access-log extract for a student (the huvudman's administrator or
// the school's rektor; postgres.Store.AccessLog decides and records the extract).
func (s *Service) AccessLogPDF(ctx context.Context, a *narvaro.Actor, studentID int64, from, to time.Time) ([]byte, *postgres.AccessLogExtract, error) {
	x, err := s.Store.AccessLog(ctx, a, studentID, from, to)
	if err != nil {
		return nil, nil, err
	}
	h, err := s.Store.HuvudmanByID(ctx, x.School.HuvudmanID)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	out, err := pdf.Render(s.Builder.AccessLogDocument(x, h.Name, a))
	if err != nil {
		return nil, nil, fmt.Errorf("render access log: %w", err)
	}
	if s.Builder.Observe != nil {
		s.Builder.Observe(AccessLog, time.Since(start))
	}
	return out, x, nil
}
