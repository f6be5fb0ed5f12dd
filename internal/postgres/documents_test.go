package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/documents"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

// startedCase opens a case for school A's student and starts the investigation.
func startedCase(t *testing.T, s *postgres.Store, org *pgtest.Org) int64 {
	t.Helper()
	ctx := context.Background()
	id, _, err := s.OpenCase(ctx, pgtest.Actor(t, s.DB, org.A.EHT), cases.OpenInput{StudentID: org.StudentA,
		Description: "Upprepad frånvaro sedan september.", ConcernDomains: []string{"safe"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Assess(ctx, pgtest.Actor(t, s.DB, org.A.Rektor), id, cases.AssessInput{Decision: "started", Reasons: "Mönster", Version: 1}); err != nil {
		t.Fatal(err)
	}
	return id
}

func builder(t *testing.T) *documents.Builder {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return documents.NewBuilder(cfg)
}

// Simultaneous issues of one document's first version leave one row; every caller gets it.
func TestIssueDocumentKeepsOneFirstVersion(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	id := startedCase(t, s, org)
	a := pgtest.Actor(t, s.DB, org.A.Rektor)
	const n = 10
	got := make([]*postgres.StoredDocument, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got[i], errs[i] = s.IssueDocument(context.Background(), a, postgres.IssueInput{CaseID: id, Kind: "notice_huvudman", SubjectID: 7,
				Title: "Anmälan", PDF: fmt.Appendf(nil, "%%PDF-1.4 attempt %d", i)})
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if got[i].ID != got[0].ID || got[i].SHA256 != got[0].SHA256 || got[i].Version != 1 {
			t.Fatalf("issue %d got %+v, issue 0 got %+v", i, got[i], got[0])
		}
	}
	var row struct {
		Count   int    `db:"n"`
		SHA     string `db:"sha"`
		Content string `db:"content"`
	}
	if err := s.DB.Get(&row, `SELECT count(*) AS n, max(sha256) AS sha, max(encode(sha256(pdf), 'hex')) AS content FROM documents WHERE case_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if row.Count != 1 || row.SHA != got[0].SHA256 || row.Content != row.SHA {
		t.Fatalf("stored %+v, want one row whose hash is its bytes' and the callers'", row)
	}
}

// A case document is stored only once its record is final, with its subject, the time the
// record became final and who made it so; a draft leaves nothing behind.
func TestCaseDocumentIssuesFinalRecordsOnly(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	id := startedCase(t, s, org)
	ctx := context.Background()
	b := builder(t)
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	q := postgres.DocumentQuery{CaseID: id, Kind: documents.NoticeHuvudman, Access: auth.Visible}

	d, err := s.CaseDocument(ctx, rektor, q, b)
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := s.DB.Get(&stored, `SELECT count(*) FROM documents`); err != nil || !d.Draft || stored != 0 {
		t.Fatalf("unsent notice: draft=%v, %d stored (%v); want a draft and nothing stored", d.Draft, stored, err)
	}

	v, err := s.GetCase(ctx, rektor, id)
	if err != nil {
		t.Fatal(err)
	}
	sentAt := time.Date(2026, 10, 6, 7, 30, 0, 0, time.UTC)
	s.Now = func() time.Time { return sentAt }
	if err := s.SendNotice(ctx, rektor, v.Notices[0].ID); err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return sentAt.Add(48 * time.Hour) }
	d, err = s.CaseDocument(ctx, rektor, q, b)
	if err != nil {
		t.Fatal(err)
	}
	var row struct {
		Subject  *int64    `db:"subject_id"`
		IssuedAt time.Time `db:"issued_at"`
		IssuedBy int64     `db:"issued_by"`
		Student  int64     `db:"student_id"`
	}
	if err := s.DB.Get(&row, `SELECT subject_id, issued_at, issued_by, student_id FROM documents WHERE id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	if d.Draft || row.Subject == nil || *row.Subject != v.Notices[0].ID || !row.IssuedAt.Equal(sentAt) || row.IssuedBy != org.A.Rektor || row.Student != org.StudentA {
		t.Fatalf("issued notice %+v (draft=%v), want subject %d issued at the sending %v by the rektor", row, d.Draft, v.Notices[0].ID, sentAt)
	}
	sum := sha256.Sum256(d.PDF)
	if hex.EncodeToString(sum[:]) != d.SHA256 {
		t.Fatal("the returned hash is not the hash of the returned bytes")
	}
}

// Issuing and correcting check access like any other read or change of the case.
func TestDocumentAccess(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	id := startedCase(t, s, org)
	ctx := context.Background()
	b := builder(t)
	in := postgres.IssueInput{CaseID: id, Kind: "notice_huvudman", SubjectID: 1, Title: "Anmälan", PDF: []byte("%PDF-1.4")}
	for _, tc := range []struct {
		user int64
		want narvaro.Code
	}{{org.B.Rektor, narvaro.CodeNotFound}, {org.A.Mentor, narvaro.CodeForbidden}, {org.A.Admin, narvaro.CodeForbidden}} {
		if _, err := s.IssueDocument(ctx, pgtest.Actor(t, s.DB, tc.user), in); narvaro.ErrorCode(err) != tc.want {
			t.Errorf("user %d issuing: %v, want %s", tc.user, err, tc.want)
		}
	}
	q := postgres.DocumentQuery{CaseID: id, Kind: documents.AssessmentDecision, Access: auth.Full}
	if _, err := s.ReissueDocument(ctx, pgtest.Actor(t, s.DB, org.A.EHT), q, b); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Errorf("EHT correcting: %v, want forbidden", err)
	}
	if _, err := s.ReissueDocument(ctx, pgtest.Actor(t, s.DB, org.B.Rektor), q, b); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Errorf("another school's rektor correcting: %v, want not found", err)
	}
	if _, err := s.CaseDocument(ctx, pgtest.Actor(t, s.DB, org.A.Mentor), q, b); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Errorf("mentor reading the decision: %v, want forbidden", err)
	}
	// A correction without an issued version issues the first; the next is version 2.
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	for want := 1; want <= 2; want++ {
		d, err := s.ReissueDocument(ctx, rektor, q, b)
		if err != nil {
			t.Fatal(err)
		}
		if d.Version != want || (want == 2) != (d.Supersedes != nil) {
			t.Fatalf("correction %d: version %d supersedes %v", want, d.Version, d.Supersedes)
		}
	}
}

// The governing body's name is read for the access-log extract's header.
func TestHuvudmanByID(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	h, err := s.HuvudmanByID(context.Background(), org.HuvudmanB)
	if err != nil || h.Name != "Friskolan Test AB" {
		t.Fatalf("huvudman = %+v, %v", h, err)
	}
	if _, err := s.HuvudmanByID(context.Background(), 999999); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Fatalf("missing huvudman: %v, want not found", err)
	}
}
