package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/postgres"
)

// upload builds a multipart body: the fields first, then the file.
func attUpload(t *testing.T, fields map[string]string, fileName, content string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

func (e *env) attPnr(student int64) string {
	e.t.Helper()
	var p string
	if err := e.store.DB.Get(&p, `SELECT personnummer FROM students WHERE id = $1`, student); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// weekdaysCSV is a skola24-dag export of every weekday of September 2026 for one student.
func attWeekdaysCSV(pnr string, valid int) string {
	var b strings.Builder
	b.WriteString("Personnummer;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n")
	for d := 1; d <= 30; d++ {
		day := fmt.Sprintf("2026-09-%02d", d)
		if wd := (d + 1) % 7; wd == 5 || wd == 6 { // 2026-09-01 is a Tuesday
			continue
		}
		fmt.Fprintf(&b, "%s;%s;300;%d;0\n", pnr, day, valid)
	}
	return b.String()
}

// An administrator previews a file (nothing saved), imports it, sees it in the history and
// gets detection's result with the record; the EHT then sees the signal.
func TestImportAPIPreviewCommitAndHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var layouts []postgres.LayoutInfo
	e.must(200, e.call(e.org.A.Admin, "GET", "/api/v1/layouts", nil)).json(t, &layouts)
	if len(layouts) < 6 || layouts[0].Label.SV == "" {
		t.Fatalf("layouts = %+v", layouts)
	}
	file := attWeekdaysCSV(e.attPnr(e.org.StudentA), 120)
	body, ct := attUpload(t, map[string]string{"layout": "skola24-dag"}, "september.csv", file)
	var p postgres.ImportPreview
	e.must(200, e.call(e.org.A.Admin, "POST", "/api/v1/imports/preview?rows=3", body, "Content-Type", ct)).json(t, &p)
	if len(p.Rows) != 3 || p.Days != 22 || !p.Importable || p.Rows[0].StudentName != "Åsa Öberg" {
		t.Fatalf("preview = %+v", p)
	}
	if n := attCount(t, e, `SELECT count(*) FROM attendance_days`); n != 0 {
		t.Fatalf("the preview saved %d days", n)
	}

	var rec postgres.AttendanceImport
	e.must(201, e.call(e.org.A.Admin, "POST", "/api/v1/imports", body, "Content-Type", ct)).json(t, &rec)
	if rec.Status != "imported" || rec.Days != 22 || rec.DaysInserted != 22 || rec.FileName != "september.csv" || len(rec.FileSHA256) != 64 ||
		rec.Detection == nil || rec.Detection.Created != 1 {
		t.Fatalf("import = %+v", rec)
	}
	var list []postgres.AttendanceImport
	e.must(200, e.call(e.org.A.Admin, "GET", "/api/v1/imports", nil)).json(t, &list)
	if len(list) != 1 || list[0].ID != rec.ID {
		t.Fatalf("history = %+v", list)
	}
	var one postgres.AttendanceImport
	e.must(200, e.call(e.org.A.Admin, "GET", fmt.Sprintf("/api/v1/imports/%d", rec.ID), nil)).json(t, &one)
	if one.ID != rec.ID || one.ImportedByName != "Test admin.a" {
		t.Fatalf("import = %+v", one)
	}
	var signals []postgres.Signal
	e.must(200, e.call(e.org.A.EHT, "GET", "/api/v1/signals", nil)).json(t, &signals)
	if len(signals) != 1 || signals[0].StudentID != e.org.StudentA || signals[0].Source != "detection" || !strings.Contains(signals[0].Explanation, "frånvaro") {
		t.Fatalf("signals = %+v", signals)
	}
}

// A raw body works too, for scripts: curl --data-binary @file "…/imports?layout=…".
func TestImportAPIRawBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var rec postgres.AttendanceImport
	e.must(201, e.call(e.org.A.Admin, "POST", "/api/v1/imports?layout=skola24-dag&file_name=export.csv", attWeekdaysCSV(e.attPnr(e.org.StudentA), 0),
		"Content-Type", "text/csv")).json(t, &rec)
	if rec.FileName != "export.csv" || rec.Days != 22 || rec.Detection == nil || rec.Detection.Created != 0 {
		t.Fatalf("import = %+v", rec)
	}
}

// A file with bad lines is answered 422 with one field per line, in the caller's language, and
// nothing is saved; skip_bad_rows imports the rest.
func TestImportAPIRejectsBadLines(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := attWeekdaysCSV(e.attPnr(e.org.StudentA), 0) + e.attPnr(e.org.StudentA) + ";2026-10-01;300;400;0\n"
	body, ct := attUpload(t, map[string]string{"layout": "skola24-dag"}, "fel.csv", file)
	r := e.must(422, e.call(e.org.A.Admin, "POST", "/api/v1/imports", body, "Content-Type", ct, "Accept-Language", "en"))
	f := r.errorFields(t)
	if !strings.Contains(f["_message"], "nothing was saved") || !strings.HasPrefix(f["line.24"], "Line 24:") {
		t.Fatalf("error = %v", f)
	}
	if n := attCount(t, e, `SELECT count(*) FROM attendance_days`); n != 0 {
		t.Fatalf("%d days saved from a rejected file", n)
	}
	body, ct = attUpload(t, map[string]string{"layout": "skola24-dag", "skip_bad_rows": "true"}, "fel.csv", file)
	var rec postgres.AttendanceImport
	e.must(201, e.call(e.org.A.Admin, "POST", "/api/v1/imports", body, "Content-Type", ct)).json(t, &rec)
	if rec.Days != 22 || rec.RowsRejected != 1 || len(rec.Problems) != 1 || rec.Problems[0].Line != 24 {
		t.Fatalf("import = %+v", rec)
	}
	// Without a layout or a file, the answer says what is missing.
	body, ct = attUpload(t, nil, "x.csv", file)
	if f := e.must(422, e.call(e.org.A.Admin, "POST", "/api/v1/imports/preview", body, "Content-Type", ct)).errorFields(t); f["layout"] == "" {
		t.Fatalf("no layout: %v", f)
	}
	if f := e.must(422, e.call(e.org.A.Admin, "POST", "/api/v1/imports?layout=skola24-dag", "", "Content-Type", "text/csv")).errorFields(t); f["file"] == "" {
		t.Fatalf("no file: %v", f)
	}
}

// Only administrators import, and an administrator of huvudman B cannot write A's students'
// attendance: they are unknown students to B.
func TestImportAPIPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := attWeekdaysCSV(e.attPnr(e.org.StudentA), 60)
	body, ct := attUpload(t, map[string]string{"layout": "skola24-dag"}, "a.csv", file)
	for _, u := range []int64{e.org.A.EHT, e.org.A.Rektor, e.org.A.Mentor} {
		e.must(403, e.call(u, "POST", "/api/v1/imports", body, "Content-Type", ct))
		e.must(403, e.call(u, "POST", "/api/v1/imports/preview", body, "Content-Type", ct))
		e.must(403, e.call(u, "GET", "/api/v1/imports", nil))
	}
	e.must(401, e.call(0, "POST", "/api/v1/imports", body, "Content-Type", ct))

	f := e.must(422, e.call(e.org.B.Admin, "POST", "/api/v1/imports", body, "Content-Type", ct)).errorFields(t)
	if !strings.Contains(f["line.2"], "finns inte bland huvudmannens elever") {
		t.Fatalf("B importing A's student: %v", f)
	}
	body, ct = attUpload(t, map[string]string{"layout": "skola24-dag", "skip_bad_rows": "true"}, "a.csv", file)
	e.must(422, e.call(e.org.B.Admin, "POST", "/api/v1/imports", body, "Content-Type", ct))
	if n := attCount(t, e, `SELECT count(*) FROM attendance_days`); n != 0 {
		t.Fatalf("B's import wrote %d days", n)
	}
	var list []postgres.AttendanceImport
	e.must(200, e.call(e.org.A.Admin, "GET", "/api/v1/imports", nil)).json(t, &list)
	if len(list) != 0 {
		t.Fatalf("A sees B's attempts: %+v", list)
	}
	var one []postgres.AttendanceImport
	e.must(200, e.call(e.org.B.Admin, "GET", "/api/v1/imports", nil)).json(t, &one)
	if len(one) != 2 || one[0].Status != "rejected" {
		t.Fatalf("B's history = %+v", one)
	}
	e.must(404, e.call(e.org.A.Admin, "GET", fmt.Sprintf("/api/v1/imports/%d", one[0].ID), nil))
}

// A file over the limit is refused before a byte of it is read.
func TestImportAPITooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/imports?layout=skola24-dag HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n",
		e.token(e.org.A.Admin), int64(2)<<30)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b.String(), "för stor") {
		t.Fatalf("status %d: %s", res.StatusCode, b.String())
	}
}

func TestDetectionAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.store.DB.Exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes)
		SELECT $1, d::date, 300, 150 FROM generate_series('2026-09-01'::date, '2026-09-30'::date, interval '1 day') d WHERE extract(isodow FROM d) < 6`, e.org.StudentA); err != nil {
		t.Fatal(err)
	}
	var res []postgres.DetectionResult
	e.must(200, e.call(e.org.A.EHT, "POST", "/api/v1/detection/run?as_of=2026-10-01", nil)).json(t, &res)
	if len(res) != 1 || res[0].Created != 1 || res[0].AsOf.String() != "2026-10-01" {
		t.Fatalf("detection = %+v", res)
	}
	e.must(403, e.call(e.org.A.Mentor, "POST", "/api/v1/detection/run", nil))
	e.must(422, e.call(e.org.A.Admin, "POST", "/api/v1/detection/run?as_of=1-okt", nil))
	e.must(200, e.call(e.org.A.Admin, "POST", "/api/v1/detection/run?as_of=2026-10-01", nil)).json(t, &res)
	if res[0].Unchanged != 1 || res[0].Created != 0 {
		t.Fatalf("second run = %+v", res)
	}
}

func attCount(t *testing.T, e *env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.store.DB.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}
