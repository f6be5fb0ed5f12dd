package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	docs "github.com/narvaro/narvaro/internal/documents"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// pdfFile marks an operation whose answer is a PDF file rather than JSON. It is a string type
// so that OpenAPI generation describes it as a plain string; OpenAPIContentType says what it
// really is, for a generator that asks.
type pdfFile string

// OpenAPIContentType is the media type of the answer.
func (pdfFile) OpenAPIContentType() string { return "application/pdf" }

type documentQuery struct {
	Subject int64 `form:"subject" binding:"omitempty,gt=0"`
	Version int   `form:"version" binding:"omitempty,gt=0"`
}

type reissueQuery struct {
	Subject int64 `form:"subject" binding:"omitempty,gt=0"`
}

type docRoutes struct {
	s   *Server
	svc *docs.Service
}

// registerDocuments serves the formal documents (PDF) through the API and for the web pages.
// Issued documents come back byte for byte as stored; every download is in the audit log.
func (s *Server) registerDocuments() {
	b := docs.NewBuilder(s.cfg)
	if s.metrics != nil {
		b.Observe = func(kind string, d time.Duration) { s.metrics.PDFDuration.WithLabelValues(kind).Observe(d.Seconds()) }
	}
	h := &docRoutes{s: s, svc: docs.NewService(s.store, b)}
	for _, r := range []apiRoute{
		{"GET", "/cases/:id/documents", "Ärendets handlingar: utfärdade versioner och utkast / The case's documents", "documents",
			nil, []docs.Entry{}, nil, 200, h.list},
		{"GET", "/cases/:id/documents/:kind", "Handling som PDF; utfärdad handling returneras oförändrad / A document as PDF", "documents",
			nil, pdfFile(""), documentQuery{}, 200, h.get},
		{"POST", "/cases/:id/documents/:kind/reissue", "Utfärda en rättad version (rektor) / Issue a corrected version", "documents",
			nil, postgres.StoredDocument{}, reissueQuery{}, 201, h.reissue},
		{"GET", "/students/:id/access-log.pdf", "Utdrag ur åtkomstloggen som PDF / Access-log extract as PDF", "documents",
			nil, pdfFile(""), accessLogQuery{}, 200, h.accessLog},
	} {
		s.AddAPIRoute(r)
	}
	s.pages.GET("/cases/:id/documents/:kind", h.page)
	s.pages.GET("/students/:id/access-log.pdf", h.accessLogPage)
}

func (h *docRoutes) list(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		return
	}
	v, err := h.svc.List(c.Request.Context(), actor(c), id)
	respond(c, v, err)
}

func (h *docRoutes) get(c *gin.Context) {
	d, err := h.document(c)
	if err != nil {
		apiError(c, err)
		return
	}
	sendDocument(c, d)
}

func (h *docRoutes) reissue(c *gin.Context) {
	id, ok := pathID(c)
	var q reissueQuery
	if !ok || !bindQuery(c, &q) {
		return
	}
	d, err := h.svc.Reissue(c.Request.Context(), actor(c), id, c.Param("kind"), q.Subject)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusCreated, d)
}

// document reads the path and query and fetches the document.
func (h *docRoutes) document(c *gin.Context) (*postgres.StoredDocument, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, notFoundError()
	}
	var q documentQuery
	if err := c.ShouldBindQuery(&q); err != nil {
		return nil, validationError(err)
	}
	return h.svc.Get(c.Request.Context(), actor(c), id, c.Param("kind"), q.Subject, q.Version)
}

// sendDocument answers with the PDF and headers that let a client check it against the list:
// the version, whether it is a draft, and the SHA-256 of the bytes.
func sendDocument(c *gin.Context, d *postgres.StoredDocument) {
	status := docs.StatusIssued
	name := d.Kind + "-" + strconv.FormatInt(d.CaseID, 10) + "-v" + strconv.Itoa(d.Version)
	if d.Draft {
		status = docs.StatusDraft
		name += "-utkast"
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	c.Header("X-Document-Version", strconv.Itoa(d.Version))
	c.Header("X-Document-Status", status)
	c.Header("X-Document-SHA256", d.SHA256)
	c.Header("ETag", `"`+d.SHA256+`"`)
	c.Data(http.StatusOK, "application/pdf", d.PDF)
}

func (h *docRoutes) accessLog(c *gin.Context) {
	out, x, err := h.accessLogPDF(c)
	if err != nil {
		apiError(c, err)
		return
	}
	sendAccessLog(c, out, x)
}

func (h *docRoutes) accessLogPDF(c *gin.Context) ([]byte, *postgres.AccessLogExtract, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, notFoundError()
	}
	var q accessLogQuery
	if err := c.ShouldBindQuery(&q); err != nil {
		return nil, nil, validationError(err)
	}
	var from, to time.Time
	if q.From != "" {
		d, _ := narvaro.ParseDate(q.From)
		from = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, postgres.Stockholm())
	}
	if q.To != "" {
		d, _ := narvaro.ParseDate(q.To)
		to = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, postgres.Stockholm()).AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return h.svc.AccessLogPDF(c.Request.Context(), actor(c), id, from, to)
}

func sendAccessLog(c *gin.Context, out []byte, x *postgres.AccessLogExtract) {
	c.Header("Content-Disposition", `inline; filename="atkomstlogg-`+strconv.FormatInt(x.Student.ID, 10)+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", out)
}

// page serves a document to the web pages' signed-in user; signed-out people sign in first.
func (h *docRoutes) page(c *gin.Context) {
	if !h.signedIn(c) {
		return
	}
	d, err := h.document(c)
	if err != nil {
		h.pageError(c, err)
		return
	}
	sendDocument(c, d)
}

func (h *docRoutes) accessLogPage(c *gin.Context) {
	if !h.signedIn(c) {
		return
	}
	out, x, err := h.accessLogPDF(c)
	if err != nil {
		h.pageError(c, err)
		return
	}
	sendAccessLog(c, out, x)
}

// signedIn sends a signed-out person to the sign-in page, and back here afterwards.
func (h *docRoutes) signedIn(c *gin.Context) bool {
	if actor(c) != nil {
		return true
	}
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
	c.Abort()
	return false
}

// pageError answers a failed page download: the site's not-found page for what is missing or
// hidden, a short page in the person's language otherwise.
func (h *docRoutes) pageError(c *gin.Context, err error) {
	e := narvaro.AsError(err)
	switch {
	case e.Code == narvaro.CodeUnauthorized:
		c.Redirect(http.StatusSeeOther, "/login")
		return
	case e.Code == narvaro.CodeNotFound && h.s.notFoundPage != nil:
		h.s.notFoundPage(c)
		return
	}
	logError(c, e)
	msg := html.EscapeString(e.Message.In(language(c)))
	c.Data(statusOf(e.Code), "text/html; charset=utf-8", []byte(`<!doctype html><html lang="`+language(c)+`"><meta charset="utf-8"><title>`+
		msg+`</title><main><h1>`+strconv.Itoa(statusOf(e.Code))+`</h1><p>`+msg+`</p><p><a href="/">Närvaro</a></p></main></html>`))
}
