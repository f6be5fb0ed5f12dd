package web

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// MaxImportBytes is the largest attendance file accepted over HTTP. A municipality's school
// year of daily rows is a few hundred MB; the file is streamed, never held in memory.
const MaxImportBytes = 1 << 30

// importUploadTime is how long an upload and its import may take, beyond the server's ordinary
// read and write timeouts (which suit pages, not a gigabyte).
const importUploadTime = 30 * time.Minute

// registerAttendance registers attendance import and detection. Files are sent either as
// multipart/form-data with a part named "file" (the fields layout and skip_bad_rows may come as
// parts before it or in the query string), or as the raw request body with the query string
// saying layout, file_name and skip_bad_rows.
func (s *Server) registerAttendance() {
	for _, r := range []apiRoute{
		{"GET", "/layouts", "Filformat för närvaroimport / Attendance import layouts", "attendance", nil, []postgres.LayoutInfo{}, nil, 200, s.apiLayouts},
		{"POST", "/imports/preview", "Förhandsgranska en närvarofil (sparar inget) / Preview an attendance file (saves nothing)", "attendance",
			nil, postgres.ImportPreview{}, importQuery{}, 200, s.apiPreviewImport},
		{"POST", "/imports", "Importera en närvarofil, sedan signalsökning / Import an attendance file, then run detection", "attendance",
			nil, postgres.AttendanceImport{}, importQuery{}, 201, s.apiImport},
		{"GET", "/imports", "Tidigare importer / Import history", "attendance", nil, []postgres.AttendanceImport{}, importsQuery{}, 200, s.apiImports},
		{"GET", "/imports/:id", "En import med dess problem / One import with its problems", "attendance", nil, postgres.AttendanceImport{}, nil, 200, s.apiGetImport},
		{"POST", "/detection/run", "Kör signalreglerna nu / Run the detection rules now", "attendance", nil, []postgres.DetectionResult{}, detectionQuery{}, 200, s.apiRunDetection},
	} {
		s.AddAPIRoute(r)
	}
}

type (
	importQuery struct {
		Layout      string `form:"layout" json:"layout" binding:"omitempty,max=100"`
		SkipBadRows bool   `form:"skip_bad_rows" json:"skip_bad_rows"`
		FileName    string `form:"file_name" json:"file_name" binding:"omitempty,max=255"`
		Rows        int    `form:"rows" json:"rows" binding:"omitempty,min=1,max=200"` // preview only
	}
	importsQuery struct {
		Limit int `form:"limit" json:"limit" binding:"omitempty,min=1,max=500"`
	}
	detectionQuery struct {
		AsOf string `form:"as_of" json:"as_of" binding:"omitempty,datetime=2006-01-02"`
	}
)

// attendanceConfig reads the layouts and the detection rules. They are small files, read per
// request so that an edited configuration applies without a restart.
func (s *Server) attendanceConfig() (map[string]attendance.Layout, attendance.Detection, error) {
	sub, err := fs.Sub(s.cfg.Files, "attendance-layouts")
	if err != nil {
		return nil, attendance.Detection{}, configError(err)
	}
	layouts, err := attendance.LoadLayouts(sub)
	if err != nil {
		return nil, attendance.Detection{}, configError(err)
	}
	det, err := attendance.LoadDetection(s.cfg.Files, "detection.yaml")
	if err != nil {
		return nil, attendance.Detection{}, configError(err)
	}
	return layouts, det, nil
}

func configError(err error) error {
	return narvaro.Errorf(narvaro.CodeInternal, "Konfigurationen för närvaroimport är felaktig. Kontakta systemförvaltaren.",
		"The attendance import configuration is invalid. Contact the system administrator.").Wrap(err)
}

func (s *Server) apiLayouts(c *gin.Context) {
	layouts, _, err := s.attendanceConfig()
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, postgres.Layouts(layouts))
}

func (s *Server) apiPreviewImport(c *gin.Context) {
	s.withUpload(c, func(in postgres.ImportInput, q importQuery, file io.Reader) error {
		p, err := s.store.PreviewAttendance(c.Request.Context(), actor(c), in, file, q.Rows)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, p)
		return nil
	})
}

func (s *Server) apiImport(c *gin.Context) {
	s.withUpload(c, func(in postgres.ImportInput, _ importQuery, file io.Reader) error {
		_, det, err := s.attendanceConfig()
		if err != nil {
			return err
		}
		in.Detection = &det
		rec, err := s.store.ImportAttendance(c.Request.Context(), actor(c), in, file)
		if err != nil && rec == nil {
			return err
		}
		if err != nil {
			// The import committed; only the detection afterwards failed. Say so, with the record.
			logger(c).Error("detection after import failed", "import_id", rec.ID, "error", err, "request_id", requestID(c))
		}
		c.JSON(http.StatusCreated, rec)
		return nil
	})
}

// withUpload finds the file and the options in the request, checks the actor may import at all
// before reading the body, and streams the file to fn.
func (s *Server) withUpload(c *gin.Context, fn func(postgres.ImportInput, importQuery, io.Reader) error) {
	// The store checks again; checking first spares reading a refused upload.
	if err := auth.Allow(actor(c), auth.ImportAttendance); err != nil {
		apiError(c, err)
		return
	}
	var q importQuery
	if !bindQuery(c, &q) {
		return
	}
	if c.Request.ContentLength > MaxImportBytes {
		tooLarge(c)
		return
	}
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(time.Now().Add(importUploadTime))
	_ = rc.SetWriteDeadline(time.Now().Add(importUploadTime))
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxImportBytes)

	layouts, _, err := s.attendanceConfig()
	if err != nil {
		apiError(c, err)
		return
	}
	run := func(file io.Reader, name string) {
		layout, err := postgres.LookupLayout(layouts, q.Layout)
		if err != nil {
			apiError(c, err)
			return
		}
		if q.FileName != "" {
			name = q.FileName
		}
		err = fn(postgres.ImportInput{Layout: layout, FileName: name, SkipBadRows: q.SkipBadRows}, q, file)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			tooLarge(c)
		case err != nil:
			apiError(c, err)
		}
	}

	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mediaType != "multipart/form-data" {
		if c.Request.ContentLength == 0 {
			apiError(c, narvaro.Invalid("file", "Välj en fil att importera.", "Choose a file to import."))
			return
		}
		run(c.Request.Body, "")
		return
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		badRequest(c, err)
		return
	}
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		switch {
		case err == io.EOF:
			apiError(c, narvaro.Invalid("file", "Välj en fil att importera.", "Choose a file to import."))
			return
		case errors.As(err, &tooBig):
			tooLarge(c)
			return
		case err != nil:
			badRequest(c, err)
			return
		}
		switch part.FormName() {
		case "file":
			run(part, part.FileName())
			return
		case "layout", "skip_bad_rows", "file_name":
			v, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				badRequest(c, err)
				return
			}
			value := strings.TrimSpace(string(v))
			switch part.FormName() {
			case "layout":
				q.Layout = value
			case "file_name":
				q.FileName = value
			default:
				b, err := strconv.ParseBool(value)
				if value != "" && err != nil {
					apiError(c, narvaro.Invalid("skip_bad_rows", "Ange true eller false.", "Give true or false."))
					return
				}
				q.SkipBadRows = b || value == "on"
			}
		}
		part.Close()
	}
}

// tooLarge answers 413 with the error body every API error has.
func tooLarge(c *gin.Context) {
	c.Header("Connection", "close")
	limit := fmt.Sprintf("%d MB", MaxImportBytes>>20)
	e := narvaro.Errorf(narvaro.CodeInvalid,
		"Filen är för stor: högst "+limit+" tas emot. Dela upp exporten, t.ex. per termin eller skolenhet.",
		"The file is too large: at most "+limit+" is accepted. Split the export, e.g. by term or school unit.")
	logError(c, e)
	var body errorBody
	body.Error.Code = e.Code
	body.Error.Message = e.Message.In(language(c))
	body.Error.RequestID = requestID(c)
	c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, body)
}

func (s *Server) apiImports(c *gin.Context) {
	var q importsQuery
	if !bindQuery(c, &q) {
		return
	}
	v, err := s.store.ListImports(c.Request.Context(), actor(c), q.Limit)
	respond(c, v, err)
}

func (s *Server) apiGetImport(c *gin.Context) {
	id, okID := pathID(c)
	if !okID {
		return
	}
	v, err := s.store.GetImport(c.Request.Context(), actor(c), id)
	respond(c, v, err)
}

func (s *Server) apiRunDetection(c *gin.Context) {
	var q detectionQuery
	if !bindQuery(c, &q) {
		return
	}
	_, det, err := s.attendanceConfig()
	if err != nil {
		apiError(c, err)
		return
	}
	in := postgres.DetectionInput{}
	if q.AsOf != "" {
		if in.AsOf, err = narvaro.ParseDate(q.AsOf); err != nil {
			apiError(c, narvaro.Invalid("as_of", "Ange ett datum ÅÅÅÅ-MM-DD.", "Give a date YYYY-MM-DD."))
			return
		}
	}
	v, err := s.store.RunDetection(c.Request.Context(), actor(c), det, in)
	respond(c, v, err)
}
