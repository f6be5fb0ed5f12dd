package documents_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/narvaro/narvaro/internal/pdf/pdftest"

	"github.com/narvaro/narvaro/internal/documents"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

const secrecy = "Sekretess enligt OSL 23 kap. 2 §"

// Every document of a whole case carries what the formal record requires (huvudman, school
// unit and code, case number, type, legal basis, page x of y, version) and its own content;
// secret kinds carry the secrecy marking, notices do not; nothing issued says UTKAST.
func TestEveryDocumentCarriesTheRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	rektor := w.actor(w.org.B.Rektor)
	common := []string{"Friskolan Test AB", "Betaskolan (skolenhetskod 10000002)", "Dnr FRI 2026/0001", "Sida 1 av", "Version 1"}
	for _, tc := range []struct {
		kind    string
		subject int64
		secret  bool
		want    []string
		notWant []string
	}{
		{documents.NoticeHuvudman, 0, false, []string{"Anmälan till huvudman om påbörjad utredning", "Skollagen (2010:800) 7 kap. 19 a §",
			"Łukasz Nguyễn", "Mottagare Friskolan Test AB", "Skickad 2026-09-16 09:05", "Elektroniskt signerat 2026-09-16 09:05"},
			[]string{socialSecret, "20110510", "otrygghet", "Sekretessbilaga"}},
		{documents.NoticeHomeMunicipality, 0, false, []string{"Information till hemkommun om påbörjad utredning", "7 kap. 19 a § och 21–22 §§",
			"Mottagare Hemkommun (kommunkod 1999)", "Hemkommun kommunkod 1999"}, []string{socialSecret, "20110510"}},
		{documents.AssessmentDecision, 0, true, []string{"Beslut om utredning av frånvaro", "Rektor beslutar att inleda en utredning av elevens frånvaro.",
			"Frånvaron är upprepad och ökande", "Personnummer 20110510-9837", "Områden med oro Trygg, Delaktig, Må bra", "Klar senast 2026-10-06",
			"Beslutsfattare Test rektor.b, Rektor"}, nil},
		{documents.InvestigationReport, 0, true, []string{"Utredning av elevs frånvaro", "Samråd", "Psykologen sjukskriven",
			"Frånvarons omfattning och mönster", "Frånvaro per vecka", "Barnets egna ord", "”" + childWords + "”",
			"Barnets bästa-hjulet", "Iakttagelser per område", "Trygg – Jag känner mig trygg", "Rädd på rasterna",
			"Uppgifter från elevhälsans medicinska insats har beaktats", "Särskilt stöd Ja", "Slutsats",
			"Sekretessbilaga", socialSecret, appendixSecret}, nil},
		{documents.RemedyPlan, 0, true, []string{"Åtgärdsplan med rektors beslut", "Åtgärder per område i hjulet",
			"Trygg Åtgärd Nivå Ansvarig Start Förväntad effekt Följs upp Rastvärd möter eleven",
			"Morgonrutin med väckning och gemensam frukost (även Ansvarstagande)", "Rektor godkänner åtgärdsplanen.",
			"Tidpunkt 2026-10-05 11:00", "Följ upp rastsituationen särskilt.", "Hur man överklagar", "Skolväsendets överklagandenämnd"}, nil},
		{documents.FollowUpRecord, s.followUps[0], true, []string{"Uppföljning av åtgärder", "Uppföljning nr 1", "Möte 2026-10-26",
			"Åtgärdernas resultat", "Förbättrat", "Försämrat", "”" + childWordsLater + "”", "Förändring sedan föregående bedömning (2026-09-25)"}, nil},
		{documents.ClosureDecision, 0, true, []string{"Beslut om avslutat ärende och meddelande till huvudman", "Ärendet om elevens frånvaro avslutas.",
			"Skäl Närvaron är återställd", "”Jag tycker om att gå till skolan igen.”", "Meddelande till huvudman"}, nil},
		{documents.CaseFile, 0, true, []string{"Akt – samtliga handlingar", "Innehåll", "Ärendets gång", "Kontakt med vårdnadshavare: telefon",
			"Ärendet avslutat: Närvaron är återställd", "1. Beslut om utredning av frånvaro", "Utredning av elevs frånvaro", "”" + childWords + "”",
			"Orosanmälningar till socialtjänsten", concernNote, socialSecret}, []string{"Kontakt med vårdnadshavare (phone)"}},
		{documents.EvidenceChronology, 0, true, []string{"Kronologi över skolans insatser", "Skolans insatser i datumordning",
			"2026-09-10 Kontakt med vårdnadshavare", "Rastvärd möter eleven", "Uppföljningsmöte", "Till och med 2026-11-20",
			"Orosanmälningar till socialtjänsten", concernNote}, []string{"2026-11-27"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			d, err := w.svc.Get(w.ctx, rektor, s.caseID, tc.kind, tc.subject, 0)
			if err != nil {
				t.Fatal(err)
			}
			if d.Draft || d.Version != 1 || d.ID == 0 {
				t.Fatalf("got draft=%v version %d id %d, want issued version 1", d.Draft, d.Version, d.ID)
			}
			pdftest.QpdfCheck(t, d.PDF)
			txt := pdftest.Text(t, d.PDF)
			for _, want := range append(append([]string{}, common...), tc.want...) {
				if !strings.Contains(txt, want) {
					t.Errorf("missing %q in:\n%s", want, txt)
				}
			}
			for _, no := range append(append([]string{}, tc.notWant...), "UTKAST") {
				if strings.Contains(txt, no) {
					t.Errorf("%q should not be in the document", no)
				}
			}
			if got := strings.Contains(txt, secrecy); got != tc.secret {
				t.Errorf("secrecy marking present = %v, want %v", got, tc.secret)
			}
		})
	}
}

// The social situation, the investigation's secret notes and reports of concern stand in the
// appendix only, after the main document, so that the main document can be shared.
func TestSecretDetailsStandInTheAppendixOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	rektor := w.actor(w.org.B.Rektor)
	for kind, secrets := range map[string][]string{
		documents.InvestigationReport: {socialSecret, appendixSecret},
		documents.CaseFile:            {socialSecret, appendixSecret, concernNote},
		documents.EvidenceChronology:  {concernNote},
	} {
		d, err := w.svc.Get(w.ctx, rektor, s.caseID, kind, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		pages := pdftest.PageTexts(t, d.PDF)
		appendixStart := -1
		for i, p := range pages {
			if strings.Contains(p, "Sekretessbilaga – "+secrecy) {
				appendixStart = i
				break
			}
		}
		if appendixStart < 0 {
			t.Fatalf("%s: no appendix", kind)
		}
		for _, secret := range secrets {
			probe := strings.Fields(secret)[0] + " " + strings.Fields(secret)[1]
			for i, p := range pages {
				if i < appendixStart && strings.Contains(strings.Join(strings.Fields(p), " "), probe) {
					t.Errorf("%s: %q appears on page %d, before the appendix (page %d)", kind, probe, i+1, appendixStart+1)
				}
			}
		}
	}
}

// An issued document is frozen: every download returns the same bytes, whose SHA-256 is the
// one stored, even after the record changes; a correction is a new version that supersedes the
// old one, which stays downloadable byte for byte.
func TestIssuedDocumentsAreFrozenAndCorrectedByNewVersions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	rektor, eht := w.actor(w.org.B.Rektor), w.actor(w.org.B.EHT)
	first, err := w.svc.Get(w.ctx, eht, s.caseID, documents.RemedyPlan, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(first.PDF)
	var stored struct {
		SHA256  string `db:"sha256"`
		Content string `db:"content"`
		Subject int64  `db:"subject_id"`
	}
	if err := w.store.DB.Get(&stored, `SELECT sha256, encode(sha256(pdf), 'hex') AS content, subject_id FROM documents WHERE id = $1`, first.ID); err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(sum[:]) != stored.SHA256 || stored.Content != stored.SHA256 || first.SHA256 != stored.SHA256 || stored.Subject != s.plan {
		t.Fatalf("download %s, stored %+v: the stored hash must be the hash of the stored and downloaded bytes", hex.EncodeToString(sum[:]), stored)
	}

	// The student's name is corrected in the register: the issued plan does not change.
	if _, err := w.store.DB.Exec(`UPDATE students SET first_name = 'Lukas' WHERE id = $1`, w.org.StudentB); err != nil {
		t.Fatal(err)
	}
	w.at("2026-12-01 08:00")
	again, err := w.svc.Get(w.ctx, rektor, s.caseID, documents.RemedyPlan, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.PDF) != string(first.PDF) || again.ID != first.ID {
		t.Fatal("a second download of an issued document returned other bytes")
	}

	if _, err := w.svc.Reissue(w.ctx, eht, s.caseID, documents.RemedyPlan, 0); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("EHT issuing a correction: %v, want forbidden", err)
	}
	v2, err := w.svc.Reissue(w.ctx, rektor, s.caseID, documents.RemedyPlan, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Supersedes == nil || *v2.Supersedes != first.ID || v2.SubjectID != s.plan {
		t.Fatalf("correction = version %d superseding %v, want version 2 superseding %d", v2.Version, v2.Supersedes, first.ID)
	}
	latest, err := w.svc.Get(w.ctx, rektor, s.caseID, documents.RemedyPlan, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	txt := pdftest.Text(t, latest.PDF)
	if latest.ID != v2.ID || !strings.Contains(txt, "Lukas Nguyễn") || !strings.Contains(txt, "Version 2") ||
		!strings.Contains(txt, "Denna version (2) ersätter version 1, utfärdad 2026-10-05 11:00") {
		t.Fatalf("latest download is not the corrected version 2:\n%s", txt)
	}
	old, err := w.svc.Get(w.ctx, rektor, s.caseID, documents.RemedyPlan, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if string(old.PDF) != string(first.PDF) {
		t.Fatal("version 1 is no longer downloadable as issued")
	}
	if _, err := w.svc.Get(w.ctx, rektor, s.caseID, documents.RemedyPlan, 0, 3); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Fatalf("version 3: %v, want not found", err)
	}
	// The database itself refuses to change an issued document.
	if _, err := w.store.DB.Exec(`UPDATE documents SET pdf = 'x' WHERE id = $1`, first.ID); err == nil {
		t.Fatal("an issued document could be changed")
	}

	// Every download is in the audit log with the kind and version.
	var downloads []struct {
		Version int  `db:"version"`
		Draft   bool `db:"draft"`
	}
	if err := w.store.DB.Select(&downloads, `SELECT (detail->>'version')::int AS version, (detail->>'draft')::bool AS draft FROM audit_log
		WHERE action = 'download' AND entity = 'document' AND detail->>'kind' = 'remedy_plan' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(downloads) != 4 || downloads[0].Version != 1 || downloads[2].Version != 2 || downloads[3].Version != 1 {
		t.Fatalf("download audit rows = %+v, want versions 1, 1, 2, 1", downloads)
	}
}

// A record that is not final gives a draft marked UTKAST, which is not stored; once final, the
// first download issues it.
func TestDraftsAreMarkedAndNotStored(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.protectedCase()
	rektor := w.actor(w.org.A.Rektor)
	for _, kind := range []string{documents.NoticeHuvudman, documents.InvestigationReport, documents.CaseFile, documents.EvidenceChronology} {
		d, err := w.svc.Get(w.ctx, rektor, id, kind, 0, 0)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		pdftest.QpdfCheck(t, d.PDF)
		if txt := pdftest.Text(t, d.PDF); !d.Draft || d.ID != 0 || !strings.Contains(txt, "UTKAST – dokumentet är inte fastställt") {
			t.Errorf("%s: draft=%v id=%d, want an unstored draft marked UTKAST", kind, d.Draft, d.ID)
		}
	}
	for _, kind := range []string{documents.RemedyPlan, documents.FollowUpRecord, documents.ClosureDecision} {
		if _, err := w.svc.Get(w.ctx, rektor, id, kind, 0, 0); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
			t.Errorf("%s before any such record: %v, want not found", kind, err)
		}
	}
	stored := func() int {
		var n int
		if err := w.store.DB.Get(&n, `SELECT count(*) FROM documents`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := stored(); n != 0 {
		t.Fatalf("%d documents stored after downloading drafts, want none", n)
	}
	v, err := w.store.GetCase(w.ctx, rektor, id)
	if err != nil {
		t.Fatal(err)
	}
	w.at("2026-09-16 09:00")
	if err := w.store.SendNotice(w.ctx, rektor, v.Notices[0].ID); err != nil {
		t.Fatal(err)
	}
	d, err := w.svc.Get(w.ctx, rektor, id, documents.NoticeHuvudman, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if txt := pdftest.Text(t, d.PDF); d.Draft || d.Version != 1 || strings.Contains(txt, "UTKAST") || !strings.Contains(txt, "Skickad 2026-09-16 09:00") {
		t.Fatalf("sent notice: draft=%v version %d:\n%s", d.Draft, d.Version, txt)
	}
	if n := stored(); n != 1 {
		t.Fatalf("%d documents stored after the sent notice's first download, want 1", n)
	}
}

// Protected identity: no name, no personnummer, no class in any notice; the case number and
// "Skyddad identitet" instead.
func TestNoticesCarryNoProtectedIdentity(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.protectedCase()
	rektor := w.actor(w.org.A.Rektor)
	v, err := w.store.GetCase(w.ctx, rektor, id)
	if err != nil {
		t.Fatal(err)
	}
	w.at("2026-09-16 09:00")
	if err := w.store.SendNotice(w.ctx, rektor, v.Notices[0].ID); err != nil {
		t.Fatal(err)
	}
	var pnr string
	if err := w.store.DB.Get(&pnr, `SELECT personnummer FROM students WHERE id = $1`, w.org.ProtectedA); err != nil {
		t.Fatal(err)
	}
	d, err := w.svc.Get(w.ctx, rektor, id, documents.NoticeHuvudman, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	txt := pdftest.Text(t, d.PDF)
	for _, no := range []string{"Hemlig", "Person", pnr, pnr[:8], "8A"} {
		if strings.Contains(txt, no) {
			t.Errorf("the notice names the protected student: %q", no)
		}
	}
	for _, want := range []string{"Elev Skyddad identitet", "BUN 2026/0001", "Eleven har skyddade personuppgifter"} {
		if !strings.Contains(txt, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// A notice reads the same whoever causes it to be issued: the administrator, who sees the case
// without its secret parts, and the rektor, who sees everything, get the same bytes.
func TestNoticeIsTheSameWhoeverIssuesIt(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	var out [][]byte
	for _, user := range []int64{w.org.B.Admin, w.org.B.Rektor, w.org.B.Mentor} {
		src, _, err := w.store.CaseDocumentIndex(w.ctx, w.actor(user), s.caseID)
		if err != nil {
			t.Fatal(err)
		}
		subj, err := w.b.Subject(src, documents.NoticeHuvudman, 0)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := w.b.Render(src, subj, postgres.RenderOptions{Version: 1, CreatedAt: subj.At})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pdf)
	}
	if string(out[0]) != string(out[1]) || string(out[1]) != string(out[2]) {
		t.Fatal("the notice depends on who renders it")
	}
}

// Two first downloads at the same moment issue one version 1: both get its bytes.
func TestSimultaneousFirstDownloadsIssueOneVersion(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	users := []*narvaro.Actor{w.actor(w.org.B.Rektor), w.actor(w.org.B.EHT), w.actor(w.org.B.EHT2)}
	const n = 12
	got := make([]*postgres.StoredDocument, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			got[i], errs[i] = w.svc.Get(w.ctx, users[i%len(users)], s.caseID, documents.ClosureDecision, 0, 0)
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("download %d: %v", i, errs[i])
		}
		if got[i].ID != got[0].ID || got[i].SHA256 != got[0].SHA256 || string(got[i].PDF) != string(got[0].PDF) {
			t.Fatalf("download %d got document %d (%s), download 0 got %d (%s)", i, got[i].ID, got[i].SHA256, got[0].ID, got[0].SHA256)
		}
	}
	var stored int
	if err := w.store.DB.Get(&stored, `SELECT count(*) FROM documents WHERE kind = 'closure_decision'`); err != nil || stored != 1 {
		t.Fatalf("%d closure decisions stored (%v), want 1", stored, err)
	}
}

// Many documents rendered and issued at once, through the store (run with -race).
func TestRenderingManyDocumentsAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	rektor := w.actor(w.org.B.Rektor)
	var mu sync.Mutex
	sums := map[string]string{}
	var wg sync.WaitGroup
	for round := range 3 {
		for _, kind := range documents.CaseKinds {
			wg.Go(func() {
				d, err := w.svc.Get(w.ctx, rektor, s.caseID, kind, 0, 0)
				if err != nil {
					t.Errorf("%s round %d: %v", kind, round, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if prev, ok := sums[kind]; ok && prev != d.SHA256 {
					t.Errorf("%s: two downloads gave different documents", kind)
				}
				sums[kind] = d.SHA256
			})
		}
	}
	wg.Wait()
	if len(sums) != len(documents.CaseKinds) {
		t.Fatalf("%d kinds rendered, want %d", len(sums), len(documents.CaseKinds))
	}
}

// Only the case's people read secret documents; the administrator and the mentor read the
// notices; another school's staff learn nothing.
func TestWhoMayReadWhich(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	for _, tc := range []struct {
		user int64
		kind string
		want narvaro.Code
	}{
		{w.org.B.Admin, documents.NoticeHuvudman, ""},
		{w.org.B.Admin, documents.NoticeHomeMunicipality, ""},
		{w.org.B.Admin, documents.InvestigationReport, narvaro.CodeForbidden},
		{w.org.B.Admin, documents.CaseFile, narvaro.CodeForbidden},
		{w.org.B.Mentor, documents.InvestigationReport, narvaro.CodeForbidden},
		{w.org.B.Mentor, documents.NoticeHuvudman, ""},
		{w.org.B.EHT2, documents.InvestigationReport, ""},
		{w.org.A.Rektor, documents.NoticeHuvudman, narvaro.CodeNotFound},
		{w.org.A.Admin, documents.NoticeHuvudman, narvaro.CodeNotFound},
		{w.org.A.EHT, documents.CaseFile, narvaro.CodeNotFound},
		{w.org.B.Rektor, "secret_plans", narvaro.CodeNotFound},
	} {
		_, err := w.svc.Get(w.ctx, w.actor(tc.user), s.caseID, tc.kind, 0, 0)
		if got := narvaro.ErrorCode(err); err != nil && got != tc.want || err == nil && tc.want != "" {
			t.Errorf("user %d reading %s: %v, want %q", tc.user, tc.kind, err, tc.want)
		}
	}
	entries, err := w.svc.List(w.ctx, w.actor(w.org.B.Admin), s.caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Secret {
			t.Errorf("the administrator's list shows the secret %s", e.Kind)
		}
	}
	if len(entries) != 2 {
		t.Errorf("the administrator's list has %d entries, want the two notices", len(entries))
	}
}

// The list shows every document of the case with its status, issued versions and hashes.
func TestListShowsIssuedFinalAndDraft(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	rektor := w.actor(w.org.B.Rektor)
	issued, err := w.svc.Get(w.ctx, rektor, s.caseID, documents.FollowUpRecord, s.followUps[1], 0)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := w.svc.List(w.ctx, rektor, s.caseID)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]documents.Entry{}
	for _, e := range entries {
		byKey[e.Kind+"/"+e.Subject] = e
	}
	fu := byKey["followup_record/Uppföljning 2026-11-16"]
	if fu.Status != documents.StatusIssued || fu.Version != 1 || fu.SHA256 != issued.SHA256 || fu.SubjectID != s.followUps[1] || len(fu.Versions) != 1 {
		t.Fatalf("issued follow-up entry = %+v", fu)
	}
	if e := byKey["followup_record/Uppföljning 2026-10-26"]; e.Status != documents.StatusFinal || e.Version != 0 {
		t.Fatalf("not yet downloaded follow-up entry = %+v, want final and unissued", e)
	}
	if len(entries) != 10 {
		t.Fatalf("%d entries, want 10 (two notices, assessment, report, plan, two follow-ups, closure, case file, chronology)", len(entries))
	}
}

// The access-log extract lists the student's accesses; only the administrator and the rektor
// may make one.
func TestAccessLogExtract(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	rektor := w.actor(w.org.B.Rektor)
	if _, err := w.svc.Get(w.ctx, rektor, s.caseID, documents.InvestigationReport, 0, 0); err != nil {
		t.Fatal(err)
	}
	pdf, x, err := w.svc.AccessLogPDF(w.ctx, w.actor(w.org.B.Admin), w.org.StudentB, day("2026-01-01").Time, day("2030-01-01").Time)
	if err != nil {
		t.Fatal(err)
	}
	pdftest.QpdfCheck(t, pdf)
	txt := pdftest.Text(t, pdf)
	for _, want := range []string{"Utdrag ur åtkomstloggen", "Dataskyddsförordningen art. 15", "Łukasz Nguyễn", "Friskolan Test AB",
		"Nedladdning", "Handling", "Test rektor.b", "Utdraget framställt av", secrecy} {
		if !strings.Contains(txt, want) {
			t.Errorf("missing %q", want)
		}
	}
	if len(x.Entries) == 0 {
		t.Fatal("no entries")
	}
	if _, _, err := w.svc.AccessLogPDF(w.ctx, w.actor(w.org.B.Mentor), w.org.StudentB, day("2026-01-01").Time, day("2030-01-01").Time); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("mentor's extract: %v, want forbidden", err)
	}
}
