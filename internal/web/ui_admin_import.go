package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// The import page previews and imports an export from the school's registration system.
//
// The file is not kept between the preview and the import: the person chooses the same file
// again and presses Import. Keeping it would mean a temporary file on one instance's disk (the
// service runs as several instances behind a load balancer), a clean-up job, and a window in
// which a file of student data lies around; reading it again is simple and always imports
// exactly the file that was sent. The preview's SHA-256 travels with the second post, so the
// result says whether the imported file was the one previewed.

// importData is the import page in each of its states: the form and history, plus a preview,
// a result, or the problems of a rejected file.
type importData struct {
	Layouts []postgres.LayoutInfo
	History []postgres.AttendanceImport
	Preview *postgres.ImportPreview
	Result  *postgres.AttendanceImport
	// SameFile says whether the imported file is the one previewed ("" when not previewed).
	SameFile string
	// DetectionFailed: the import committed, but the detection run after it did not.
	DetectionFailed bool
	NewSignals      []postgres.Signal
	// Problems are the lines of a rejected file.
	Problems []importLine
	MaxMB    int64
}

type importLine struct {
	Line    int
	Message narvaro.Text
}

// importRecordData is one past import with its problems.
type importRecordData struct {
	R *postgres.AttendanceImport
}

func (u *ui) adminImport(c *gin.Context) {
	if !u.allowed(c, auth.ImportAttendance) {
		return
	}
	u.renderImport(c, http.StatusOK, &importData{}, newFormState("import", nil))
}

// renderImport fills in the layouts and the history and renders the page.
func (u *ui) renderImport(c *gin.Context, status int, d *importData, f *formState) {
	ctx, a := c.Request.Context(), actor(c)
	layouts, _, err := u.s.attendanceConfig()
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d.Layouts = postgres.Layouts(layouts)
	if d.History, err = u.s.store.ListImports(ctx, a, 20); err != nil {
		u.errorPage(c, err)
		return
	}
	d.MaxMB = MaxImportBytes >> 20
	p := u.newPage(c, "admin", d)
	p.setForm(f)
	u.render(c, status, "admin_import", p)
}

// adminImportPreview reads the whole file as an import would and shows what it would do;
// nothing is written (the store records only that a preview was made).
func (u *ui) adminImportPreview(c *gin.Context) {
	if !u.allowed(c, auth.ImportAttendance) {
		return
	}
	f := newFormState("import", nil)
	d := &importData{}
	status, err := u.readUpload(c, f, func(in postgres.ImportInput, file io.Reader) error {
		p, err := u.s.store.PreviewAttendance(c.Request.Context(), actor(c), in, file, postgres.DefaultPreviewRows)
		d.Preview = p
		return err
	})
	if err != nil {
		if !u.formFailed(c, f, err) {
			return
		}
		u.renderImport(c, status, d, f)
		return
	}
	f.Values.Set("preview_sha256", d.Preview.FileSHA256)
	u.renderImport(c, http.StatusOK, d, f)
}

// adminImportCommit imports the file, then shows the counts and what detection raised. The
// answer is the page itself rather than a redirect, because detection's result is not stored
// with the import.
func (u *ui) adminImportCommit(c *gin.Context) {
	if !u.allowed(c, auth.ImportAttendance) {
		return
	}
	ctx, a := c.Request.Context(), actor(c)
	f := newFormState("import", nil)
	d := &importData{}
	_, det, err := u.s.attendanceConfig()
	if err != nil {
		u.errorPage(c, err)
		return
	}
	status, err := u.readUpload(c, f, func(in postgres.ImportInput, file io.Reader) error {
		in.Detection = &det
		rec, err := u.s.store.ImportAttendance(ctx, a, in, file)
		if rec != nil && err != nil {
			// The import committed; only the detection afterwards failed.
			logger(c).Error("detection after import failed", "import_id", rec.ID, "error", err, "request_id", requestID(c))
			d.DetectionFailed, err = true, nil
		}
		d.Result = rec
		return err
	})
	if err != nil {
		e := narvaro.AsError(err)
		// A rejected file's lines are listed in a table, not as fields of the form.
		rest := narvaro.Errorf(e.Code, e.Message.SV, e.Message.EN)
		for _, fe := range e.Fields {
			if n, ok := strings.CutPrefix(fe.Field, "line."); ok {
				line, _ := strconv.Atoi(n)
				d.Problems = append(d.Problems, importLine{Line: line, Message: fe.Message})
				continue
			}
			rest.Fields = append(rest.Fields, fe)
		}
		if !u.formFailed(c, f, rest.Wrap(err)) {
			return
		}
		u.renderImport(c, status, d, f)
		return
	}
	if prev := f.V("preview_sha256"); prev != "" {
		d.SameFile = strconv.FormatBool(prev == d.Result.FileSHA256)
	}
	if d.Result.Detection != nil && d.Result.Detection.Created > 0 {
		signals, err := u.s.store.ListSignals(ctx, a, postgres.SignalFilter{Status: "open", Limit: 1000})
		if err != nil {
			u.errorPage(c, err)
			return
		}
		// Detection stamps the signals it raises with the store's clock, after the import's own stamp.
		for _, s := range signals {
			if s.Source == "detection" && !s.CreatedAt.Before(d.Result.CreatedAt) {
				d.NewSignals = append(d.NewSignals, s)
			}
		}
	}
	u.flashKey(c, "ok", "flash_adm_imported")
	u.renderImport(c, http.StatusOK, d, newFormState("import", nil))
}

func (u *ui) adminImportRecord(c *gin.Context) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	if !u.allowed(c, auth.ImportAttendance) {
		return
	}
	rec, err := u.s.store.GetImport(c.Request.Context(), actor(c), id)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	u.render(c, http.StatusOK, "admin_import_record", u.newPage(c, "admin", &importRecordData{R: rec}))
}

// readUpload streams a multipart upload: the small fields (layout, skip_bad_rows,
// preview_sha256) come before the file in the form, so they are read into f first and the
// file is handed to run as it arrives, never held in memory. It answers the status to show a
// failure with.
func (u *ui) readUpload(c *gin.Context, f *formState, run func(postgres.ImportInput, io.Reader) error) (int, error) {
	tooLarge := func() (int, error) {
		c.Header("Connection", "close")
		limit := fmt.Sprintf("%d MB", MaxImportBytes>>20)
		return http.StatusRequestEntityTooLarge, narvaro.Invalid("file",
			"Filen är för stor: högst "+limit+" tas emot. Dela upp exporten, t.ex. per termin eller skolenhet.",
			"The file is too large: at most "+limit+" is accepted. Split the export, e.g. by term or school unit.")
	}
	noFile := func() (int, error) {
		return http.StatusUnprocessableEntity, narvaro.Invalid("file", "Välj en fil att importera.", "Choose a file to import.")
	}
	if c.Request.ContentLength > MaxImportBytes {
		return tooLarge()
	}
	// An upload may take longer than the server's timeouts for ordinary pages.
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(time.Now().Add(importUploadTime))
	_ = rc.SetWriteDeadline(time.Now().Add(importUploadTime))
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxImportBytes)
	layouts, _, err := u.s.attendanceConfig()
	if err != nil {
		return http.StatusInternalServerError, err
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return noFile()
	}
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		switch {
		case err == io.EOF:
			return noFile()
		case errors.As(err, &tooBig):
			return tooLarge()
		case err != nil:
			return http.StatusBadRequest, narvaro.Errorf(narvaro.CodeInvalid, "Filen kunde inte tas emot. Försök igen.",
				"The file could not be received. Try again.").Wrap(err)
		}
		switch name := part.FormName(); name {
		case "file":
			if part.FileName() == "" {
				return noFile()
			}
			layout, err := postgres.LookupLayout(layouts, f.V("layout"))
			if err != nil {
				return statusOf(narvaro.CodeInvalid), err
			}
			err = run(postgres.ImportInput{Layout: layout, FileName: part.FileName(), SkipBadRows: f.V("skip_bad_rows") == "true"}, part)
			switch {
			case err == nil:
				return http.StatusOK, nil
			case errors.As(err, &tooBig):
				return tooLarge()
			}
			return statusOf(narvaro.AsError(err).Code), err
		case "layout", "skip_bad_rows", "preview_sha256":
			v, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return http.StatusBadRequest, narvaro.Errorf(narvaro.CodeInvalid, "Formuläret kunde inte läsas.", "The form could not be read.").Wrap(err)
			}
			f.Values.Set(name, strings.TrimSpace(string(v)))
		}
		part.Close()
	}
}
