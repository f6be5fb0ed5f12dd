package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Issued documents (domain brief §7). A document becomes final when its record does: a notice
// is sent, a decision made, a follow-up recorded, the case closed. It is then rendered once and
// stored with its SHA-256, and every later download returns exactly those bytes. Issuing is
// lazy — on the first download after the record became final — so the workflow's transactions
// never render PDFs, and a document nobody asks for costs nothing. The rendered content depends
// only on the record and the time it became final (never on who downloads first), so lazy and
// eager issuing give the same document. A correction is a new version that points at the one
// it supersedes; the old version stays downloadable.
//
// Every document row is stored with a subject (the notice, decision event, plan or follow-up it
// is about). subject_id is never NULL here, because NULL would defeat the table's UNIQUE
// (case_id, kind, subject_id, version), which is what lets two simultaneous first downloads
// agree on one version 1.

// Person is somebody a document names: who wrote, decided or sent something.
type Person struct {
	ID    int64        `db:"id"`
	Name  string       `db:"display_name"`
	Title string       `db:"title"`
	Role  narvaro.Role `db:"role"`
}

// DocumentSource is the record a case document is made from, read in the same transaction as
// the access check and the audit row.
type DocumentSource struct {
	*CaseView
	// Weeks is the student's absence per ISO week over all attendance data held.
	Weeks []WeekAbsence
	// People are the users the case's records refer to, by id.
	People map[int64]Person
	// Now is the store's clock: the date of drafts.
	Now time.Time
}

// DocumentSubject is the record one document is about and whether it is final.
type DocumentSubject struct {
	Kind string
	// ID is the record (notice, plan, follow-up, decision event, escalation); 0 for a draft
	// that has no record yet.
	ID    int64
	Final bool
	// At is when the record became final (the document's fixed creation time); By is who made it so.
	At    time.Time
	By    int64
	Title string
	// Label tells several subjects of one kind apart, e.g. "Uppföljning 2026-11-02".
	Label string
}

// RenderOptions are what the store decides about a rendering: its version, whether it is a
// draft, its creation time and the version it supersedes.
type RenderOptions struct {
	Version   int
	Draft     bool
	CreatedAt time.Time
	Replaces  *StoredDocument
}

// DocumentRenderer turns a case's record into documents; internal/documents implements it. It
// must be a pure function of its arguments and safe for concurrent use.
type DocumentRenderer interface {
	// Subject picks the record a document of kind is about; subjectID 0 means the latest.
	Subject(src *DocumentSource, kind string, subjectID int64) (DocumentSubject, error)
	Render(src *DocumentSource, subj DocumentSubject, opt RenderOptions) ([]byte, error)
}

// StoredDocument is one version of a document: issued (stored, frozen) or a draft (rendered
// for this download only).
type StoredDocument struct {
	ID         int64     `json:"id" db:"id"`
	CaseID     int64     `json:"case_id" db:"case_id"`
	Kind       string    `json:"kind" db:"kind"`
	SubjectID  int64     `json:"subject_id" db:"subject_id"`
	Version    int       `json:"version" db:"version"`
	Title      string    `json:"title" db:"title"`
	SHA256     string    `json:"sha256" db:"sha256"`
	IssuedAt   time.Time `json:"issued_at" db:"issued_at"`
	IssuedBy   *int64    `json:"issued_by,omitempty" db:"issued_by"`
	Supersedes *int64    `json:"supersedes,omitempty" db:"supersedes"`
	Draft      bool      `json:"draft" db:"-"`
	PDF        []byte    `json:"-" db:"pdf"`
}

// DocumentQuery names the document a caller asks for.
type DocumentQuery struct {
	CaseID int64
	Kind   string
	// SubjectID 0 means the kind's latest record.
	SubjectID int64
	// Version 0 means the latest issued version (or a draft when none is issued).
	Version int
	// Access is what the actor needs: auth.Full for secret kinds, auth.Visible for notices.
	Access auth.Access
}

const storedColumns = `id, COALESCE(case_id, 0) AS case_id, kind, COALESCE(subject_id, 0) AS subject_id, version, title, sha256,
	issued_at, issued_by, supersedes`

// CaseDocument returns a case document for download: the stored bytes of an issued version;
// for a final record not yet issued, a rendering that is issued (stored) now; otherwise a draft
// that is not stored. The download is recorded in the audit log in the same transaction.
func (s *Store) CaseDocument(ctx context.Context, a *narvaro.Actor, q DocumentQuery, r DocumentRenderer) (*StoredDocument, error) {
	var out *StoredDocument
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		src, c, err := s.documentSource(ctx, tx, a, q.CaseID, q.Access, false)
		if err != nil {
			return err
		}
		subj, err := r.Subject(src, q.Kind, q.SubjectID)
		if err != nil {
			return err
		}
		if q.Version != 0 {
			d, err := storedVersion(ctx, tx, c.ID, subj, q.Version, true)
			if err != nil {
				return err
			}
			if d != nil {
				out = d
				return auditDownload(ctx, tx, a, c, d)
			}
		}
		d, err := latestStored(ctx, tx, c.ID, subj, true)
		if err != nil {
			return err
		}
		switch {
		case d != nil:
		case subj.Final:
			if d, err = s.issue(ctx, tx, a, c, src, subj, r); err != nil {
				return err
			}
		default:
			if d, err = renderDraft(src, subj, r, 1); err != nil {
				return err
			}
		}
		if q.Version != 0 && (d.Draft || d.Version != q.Version) {
			return narvaro.NotFound("Versionen av handlingen", "The version of the document")
		}
		out = d
		return auditDownload(ctx, tx, a, c, d)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReissueDocument issues a corrected version of a case document: rendered from the record as
// it stands now, with the next version number, superseding the latest issued version (which
// stays downloadable). Only the school's rektor issues corrections. When nothing is issued yet
// it issues the first version, exactly as a first download would.
func (s *Store) ReissueDocument(ctx context.Context, a *narvaro.Actor, q DocumentQuery, r DocumentRenderer) (*StoredDocument, error) {
	var out *StoredDocument
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		// Locking the case row serialises corrections of one case, so two at once give
		// versions n+1 and n+2 instead of a conflict.
		src, c, err := s.documentSource(ctx, tx, a, q.CaseID, auth.Full, true)
		if err != nil {
			return err
		}
		if a.Role != narvaro.RoleRektor {
			return narvaro.Forbidden()
		}
		subj, err := r.Subject(src, q.Kind, q.SubjectID)
		if err != nil {
			return err
		}
		if !subj.Final {
			return narvaro.Errorf(narvaro.CodeConflict,
				"Handlingen är ett utkast: den kan utfärdas först när beslutet är fattat eller anmälan skickad.",
				"The document is a draft: it can be issued only once the decision is made or the notice sent.")
		}
		latest, err := latestStored(ctx, tx, c.ID, subj, false)
		if err != nil {
			return err
		}
		if latest == nil {
			out, err = s.issue(ctx, tx, a, c, src, subj, r)
			return err
		}
		now := s.Now()
		pdf, err := r.Render(src, subj, RenderOptions{Version: latest.Version + 1, CreatedAt: now, Replaces: latest})
		if err != nil {
			return err
		}
		out, err = insertDocument(ctx, tx, a, c, subj, latest.Version+1, &latest.ID, pdf, now, a.UserID)
		if err != nil {
			return err
		}
		if out == nil {
			return narvaro.Errorf(narvaro.CodeConflict, "En ny version utfärdades samtidigt. Försök igen.",
				"A new version was issued at the same time. Try again.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// IssueInput is an already rendered first version of a case document.
type IssueInput struct {
	CaseID    int64
	Kind      string
	SubjectID int64
	Title     string
	PDF       []byte
	// IssuedAt is when the record became final; zero means now.
	IssuedAt time.Time
}

// IssueDocument stores the first version of a document. When another issue of the same
// document won a race, its version is returned instead and in's bytes are dropped: there is
// only ever one version 1.
func (s *Store) IssueDocument(ctx context.Context, a *narvaro.Actor, in IssueInput) (*StoredDocument, error) {
	var out *StoredDocument
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadCase(ctx, tx, a, in.CaseID, auth.Full, false)
		if err != nil {
			return err
		}
		at := in.IssuedAt
		if at.IsZero() {
			at = s.Now()
		}
		subj := DocumentSubject{Kind: in.Kind, ID: in.SubjectID, Final: true, At: at, By: a.UserID, Title: in.Title}
		out, err = issueFirst(ctx, tx, a, c, subj, in.PDF)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CaseDocumentIndex reads what a list of a case's documents is made from: the record (for the
// subjects) and every stored version, without their bytes. The listing is audited as a read.
func (s *Store) CaseDocumentIndex(ctx context.Context, a *narvaro.Actor, caseID int64) (*DocumentSource, []StoredDocument, error) {
	var src *DocumentSource
	stored := []StoredDocument{}
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var c *caseRecord
		var err error
		if src, c, err = s.documentSource(ctx, tx, a, caseID, auth.Visible, false); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &stored, `SELECT `+storedColumns+`, ''::bytea AS pdf FROM documents
			WHERE case_id = $1 ORDER BY kind, subject_id, version`, c.ID); err != nil {
			return fmt.Errorf("list documents: %w", err)
		}
		return writeAudit(ctx, tx, a, auditEntry(audit.Read, "document_list", c.ID, c))
	})
	if err != nil {
		return nil, nil, err
	}
	return src, stored, nil
}

// HuvudmanByID reads a governing body's name and details; they are public facts, not case data.
func (s *Store) HuvudmanByID(ctx context.Context, id int64) (narvaro.Huvudman, error) {
	var h narvaro.Huvudman
	if err := s.DB.GetContext(ctx, &h, `SELECT * FROM huvudman WHERE id = $1`, id); err != nil {
		if isNoRows(err) {
			return h, narvaro.NotFound("Huvudmannen", "The governing body")
		}
		return h, translate(fmt.Errorf("huvudman %d: %w", id, err))
	}
	return h, nil
}

// documentSource checks access to the case and reads its record, attendance and the people it
// names.
func (s *Store) documentSource(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, caseID int64, want auth.Access, forUpdate bool) (*DocumentSource, *caseRecord, error) {
	if a == nil {
		return nil, nil, narvaro.Unauthorized()
	}
	c, err := loadCase(ctx, tx, a, caseID, want, forUpdate)
	if err != nil {
		return nil, nil, err
	}
	v, err := loadCaseView(ctx, tx, a, c, nil)
	if err != nil {
		return nil, nil, err
	}
	src := &DocumentSource{CaseView: v, Now: s.Now(), People: map[int64]Person{}}
	if src.Weeks, err = weeklyAbsence(ctx, tx, c.StudentID); err != nil {
		return nil, nil, err
	}
	var people []Person
	if err := tx.SelectContext(ctx, &people, `SELECT id, display_name, title, role FROM users WHERE id = ANY($1)`,
		pq.Int64Array(referencedUsers(v))); err != nil {
		return nil, nil, fmt.Errorf("document people: %w", err)
	}
	for _, p := range people {
		src.People[p.ID] = p
	}
	return src, c, nil
}

// referencedUsers lists every user id the case's records name.
func referencedUsers(v *CaseView) []int64 {
	var ids []int64
	add := func(p *int64) {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	c := v.Case
	ids = append(ids, c.OpenedBy)
	add(c.AssessedBy)
	add(c.ClosedBy)
	for _, e := range v.Events {
		add(e.ActorID)
	}
	for _, n := range v.Notices {
		add(n.SentBy)
		add(n.ReceivedBy)
	}
	for _, x := range v.Contacts {
		ids = append(ids, x.CreatedBy)
	}
	for _, p := range v.Plans {
		ids = append(ids, p.CreatedBy)
		add(p.SubmittedBy)
		add(p.DecidedBy)
	}
	for _, f := range v.FollowUps {
		ids = append(ids, f.CreatedBy)
	}
	for _, x := range v.Escalations {
		ids = append(ids, x.CreatedBy)
	}
	for _, w := range v.Assessments {
		ids = append(ids, w.CreatedBy)
	}
	if v.Investigation != nil {
		add(v.Investigation.UpdatedBy)
	}
	for _, m := range v.Members {
		ids = append(ids, m.UserID)
	}
	return ids
}

// issue renders the first version of a final record and stores it; when a simultaneous
// download stored it first, that one is returned.
func (s *Store) issue(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord, src *DocumentSource, subj DocumentSubject, r DocumentRenderer) (*StoredDocument, error) {
	pdf, err := r.Render(src, subj, RenderOptions{Version: 1, CreatedAt: subj.At})
	if err != nil {
		return nil, err
	}
	return issueFirst(ctx, tx, a, c, subj, pdf)
}

func issueFirst(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord, subj DocumentSubject, pdf []byte) (*StoredDocument, error) {
	by := subj.By
	if by == 0 {
		by = a.UserID
	}
	d, err := insertDocument(ctx, tx, a, c, subj, 1, nil, pdf, subj.At, by)
	if err != nil || d != nil {
		return d, err
	}
	// The insert waited for the other transaction's version 1 and then did nothing; this
	// statement's fresh snapshot sees the winner.
	d, err = storedVersion(ctx, tx, c.ID, subj, 1, true)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, narvaro.Internal(fmt.Errorf("document %s/%d: version 1 neither inserted nor found", subj.Kind, subj.ID))
	}
	return d, nil
}

// insertDocument stores a version; it returns nil (and no error) when that version exists.
func insertDocument(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord, subj DocumentSubject, version int,
	supersedes *int64, pdf []byte, issuedAt time.Time, issuedBy int64) (*StoredDocument, error) {
	sum := sha256.Sum256(pdf)
	d := &StoredDocument{CaseID: c.ID, Kind: subj.Kind, SubjectID: subj.ID, Version: version, Title: subj.Title,
		SHA256: hex.EncodeToString(sum[:]), IssuedAt: issuedAt, IssuedBy: &issuedBy, Supersedes: supersedes, PDF: pdf}
	rows, err := tx.QueryContext(ctx, `
		INSERT INTO documents (case_id, student_id, kind, subject_id, version, title, sha256, pdf, issued_by, issued_at, supersedes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (case_id, kind, subject_id, version) DO NOTHING
		RETURNING id, issued_at`,
		c.ID, c.StudentID, subj.Kind, subj.ID, version, d.Title, d.SHA256, pdf, issuedBy, issuedAt, supersedes)
	if err != nil {
		return nil, fmt.Errorf("insert document: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	if err := rows.Scan(&d.ID, &d.IssuedAt); err != nil {
		return nil, fmt.Errorf("insert document: %w", err)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	detail := map[string]any{"case_id": c.ID, "kind": d.Kind, "subject_id": d.SubjectID, "version": d.Version, "sha256": d.SHA256}
	if supersedes != nil {
		detail["supersedes"] = *supersedes
	}
	return d, writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "document", EntityID: d.ID,
		StudentID: c.StudentID, SchoolID: c.SchoolID, Detail: detail})
}

func storedVersion(ctx context.Context, q queryer, caseID int64, subj DocumentSubject, version int, withPDF bool) (*StoredDocument, error) {
	return getStored(ctx, q, withPDF, `case_id = $1 AND kind = $2 AND COALESCE(subject_id, 0) = $3 AND version = $4`,
		caseID, subj.Kind, subj.ID, version)
}

func latestStored(ctx context.Context, q queryer, caseID int64, subj DocumentSubject, withPDF bool) (*StoredDocument, error) {
	return getStored(ctx, q, withPDF, `case_id = $1 AND kind = $2 AND COALESCE(subject_id, 0) = $3 ORDER BY version DESC LIMIT 1`,
		caseID, subj.Kind, subj.ID)
}

func getStored(ctx context.Context, q queryer, withPDF bool, where string, args ...any) (*StoredDocument, error) {
	pdf := `''::bytea AS pdf`
	if withPDF {
		pdf = `pdf`
	}
	var d StoredDocument
	err := q.GetContext(ctx, &d, `SELECT `+storedColumns+`, `+pdf+` FROM documents WHERE `+where, args...)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	return &d, nil
}

func renderDraft(src *DocumentSource, subj DocumentSubject, r DocumentRenderer, version int) (*StoredDocument, error) {
	pdf, err := r.Render(src, subj, RenderOptions{Version: version, Draft: true, CreatedAt: src.Now})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pdf)
	return &StoredDocument{CaseID: src.Case.ID, Kind: subj.Kind, SubjectID: subj.ID, Version: version, Title: subj.Title,
		SHA256: hex.EncodeToString(sum[:]), IssuedAt: src.Now, Draft: true, PDF: pdf}, nil
}

func auditDownload(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord, d *StoredDocument) error {
	return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Download, Entity: "document", EntityID: d.ID,
		StudentID: c.StudentID, SchoolID: c.SchoolID, Detail: map[string]any{
			"case_id": c.ID, "kind": d.Kind, "subject_id": d.SubjectID, "version": d.Version, "draft": d.Draft, "sha256": d.SHA256}})
}
