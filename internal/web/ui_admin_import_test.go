package web_test

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

// postUpload posts a multipart form as the browser does, the fields before the file.
func (b *uiClient) postUpload(path string, fields map[string]string, fileName, content string) uiResp {
	b.t.Helper()
	body, ct := attUpload(b.t, fields, fileName, content)
	req, _ := http.NewRequestWithContext(context.Background(), "POST", b.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return b.do(req)
}

// importStudents adds the students of the shipped skola24-dag sample to school A.
func (e *env) importStudents() {
	e.t.Helper()
	for _, s := range [][3]string{{"20120315-2382", "Alva", "Exempelsson"}, {"20110704-9825", "Bo", "Testberg"}, {"20120872-3310", "Cleo", "Provsdotter"}} {
		if _, err := e.store.DB.Exec(`INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade, class_name)
			VALUES ($1, $2, $3, $4, '1999', 'gr', 6, '6A')`, e.org.SchoolA, s[0], s[1], s[2]); err != nil {
			e.t.Fatal(err)
		}
	}
}

var previewSHA = regexp.MustCompile(`name="preview_sha256" value="([0-9a-f]{64})"`)

func TestImportPagePreviewsWithoutWritingThenCommits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.importStudents()
	sample, err := os.ReadFile("../attendance/testdata/skola24-dag.csv")
	if err != nil {
		t.Fatal(err)
	}
	b := e.uiClient().signIn("admin.a")
	expectPage(t, b.get("/admin/import"), 200, `enctype="multipart/form-data"`, `<option value="skola24-dag"`, `formaction="/admin/import"`,
		"välj samma fil igen", "Inga importer ännu.")
	days := func() int {
		var n int
		if err := e.store.DB.Get(&n, `SELECT count(*) FROM attendance_days`); err != nil {
			t.Fatal(err)
		}
		return n
	}

	r := b.postUpload("/admin/import/preview", map[string]string{"layout": "skola24-dag"}, "skola24-dag.csv", string(sample))
	expectPage(t, r, 200, "Förhandsgranskningen har inte sparat något.", "Alva Exempelsson", "Cleo Provsdotter",
		`<dd id="preview-rows-read">6</dd>`, `<dd id="preview-days">6</dd>`, "Filen kan importeras utan anmärkningar.",
		`<option value="skola24-dag" selected>`, "Välj filen igen")
	if days() != 0 {
		t.Fatal("the preview saved attendance")
	}
	if strings.Contains(r.Body, "20120315-2382") {
		t.Error("the preview shows a full personnummer")
	}
	m := previewSHA.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("the preview does not carry the file's checksum to the import: %s", pageExcerpt(r.Body))
	}

	r = b.postUpload("/admin/import", map[string]string{"layout": "skola24-dag", "preview_sha256": m[1]}, "skola24-dag.csv", string(sample))
	expectPage(t, r, 200, "Filen är importerad.", "Resultat av importen", `<dd id="import-rows-read">6</dd>`, "nya: 6, ändrade: 0, borttagna: 0",
		"Den importerade filen är samma som förhandsgranskades.", `id="detection-summary"`, ">skola24-dag.csv</a>")
	if n := days(); n != 6 {
		t.Fatalf("the import saved %d days, want 6", n)
	}
	var id int64
	if err := e.store.DB.Get(&id, `SELECT id FROM attendance_imports`); err != nil {
		t.Fatal(err)
	}
	expectPage(t, b.get(uiPath("/admin/import/%d", id)), 200, "skola24-dag.csv", "Importerad", "Inga problem.")
	expectPage(t, e.uiClient().signIn("admin.b").get(uiPath("/admin/import/%d", id)), http.StatusNotFound)
}

func TestImportPageShowsProblemsAndSkipsBadRowsWhenAsked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient().signIn("admin.a")
	pnr := e.attPnr(e.org.StudentA)
	file := "Personnummer;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n" +
		pnr + ";2026-09-14;300;0;60\n" +
		pnr + ";2026-09-15;300;0;x\n" +
		"20120315-2382;2026-09-14;300;0;0\n"

	// Without a layout or a file, the messages are at those fields.
	r := b.postUpload("/admin/import/preview", map[string]string{"layout": ""}, "", "")
	if got := nearID(r.Body, "import-file-err", 80); r.Status != http.StatusUnprocessableEntity || !strings.Contains(got, "Välj en fil att importera.") {
		t.Errorf("no file: %d %q", r.Status, got)
	}
	r = b.postUpload("/admin/import/preview", map[string]string{"layout": "nosuch"}, "x.csv", file)
	if got := nearID(r.Body, "import-layout-err", 80); r.Status != http.StatusUnprocessableEntity || !strings.Contains(got, "nosuch") {
		t.Errorf("unknown layout: %d %q", r.Status, got)
	}

	// The preview lists the problems by line and says the file cannot be imported as it is.
	r = b.postUpload("/admin/import/preview", map[string]string{"layout": "skola24-dag"}, "bad.csv", file)
	expectPage(t, r, 200, "Problem i filen", "Filen kan inte importeras som den är", "<td class=\"num\">3</td>", "<td class=\"num\">4</td>")

	// Committed as it is: rejected, nothing saved, the lines listed, the attempt in the history.
	r = b.postUpload("/admin/import", map[string]string{"layout": "skola24-dag"}, "bad.csv", file)
	expectPage(t, r, http.StatusUnprocessableEntity, "Filen importerades inte (inget sparades)", "Raderna som stoppade importen", "<td class=\"num\">3</td>",
		"Avvisad – inget sparades")
	var n int
	if err := e.store.DB.Get(&n, `SELECT count(*) FROM attendance_days`); err != nil || n != 0 {
		t.Fatalf("a rejected file saved %d days", n)
	}
	// Skipping bad rows imports the good one.
	r = b.postUpload("/admin/import", map[string]string{"layout": "skola24-dag", "skip_bad_rows": "true"}, "bad.csv", file)
	expectPage(t, r, 200, "Filen är importerad.", "nya: 1, ändrade: 0, borttagna: 0", "felaktiga rader hoppades över")
	if err := e.store.DB.Get(&n, `SELECT count(*) FROM attendance_days`); err != nil || n != 1 {
		t.Fatalf("skipping bad rows saved %d days, want 1", n)
	}
}

func TestImportPageShowsTheSignalsDetectionRaised(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.uiClient().signIn("admin.a")
	r := b.postUpload("/admin/import", map[string]string{"layout": "skola24-dag"}, "september.csv", attWeekdaysCSV(e.attPnr(e.org.StudentA), 120))
	expectPage(t, r, 200, "Filen är importerad.", "Nya signaler: 1,", "Nya signaler från den här importen", "Åsa Öberg")
	if !strings.Contains(uiSection(r.Body, "h-result"), uiPath(`href="/students/%d"`, e.org.StudentA)) {
		t.Errorf("the new signal does not link to the student: %s", pageExcerpt(r.Body))
	}
	// Refused before the upload is read.
	expectPage(t, e.uiClient().signIn("eht.a").postUpload("/admin/import", map[string]string{"layout": "skola24-dag"}, "x.csv", "x"), http.StatusForbidden)
}
