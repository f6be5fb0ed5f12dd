package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// registerSecurity adds the audit log, access-log extracts, legal holds and retention
// (gallring). Owned by the feature; see docs/architecture.md and docs/security.md.
func (s *Server) registerSecurity() {
	for _, r := range []apiRoute{
		{"GET", "/audit", "Sök i åtkomstloggen / Search the audit log", "security", nil, []postgres.AuditEntry{}, postgres.AuditFilter{}, 200, s.apiAudit},
		{"GET", "/audit/review", "Loggranskning: stickprov, åtkomst utanför kontorstid och utanför ärendets team / Access review", "security", nil, postgres.AuditReview{}, postgres.ReviewQuery{}, 200, s.apiAuditReview},
		{"GET", "/students/:id/access-log", "Utdrag ur åtkomstloggen för en elev / Access-log extract for a student", "security", nil, postgres.AccessLogExtract{}, accessLogQuery{}, 200, s.apiAccessLog},
		{"GET", "/students/:id/access-log.csv", "Utdrag ur åtkomstloggen som CSV / Access-log extract as CSV", "security", nil, "", accessLogQuery{}, 200, s.apiAccessLogCSV},
		{"POST", "/cases/:id/legal-hold", "Bevarandebeslut: stoppa eller tillåt gallring / Legal hold", "security", postgres.LegalHoldInput{}, okBody{}, nil, 200, s.apiLegalHold},
		{"GET", "/retention/plan", "Gallring: vad som skulle gallras nu (provkörning) / Retention dry run", "security", nil, postgres.RetentionPlan{}, nil, 200, s.apiRetentionPlan},
		{"POST", "/retention/run", "Gallring: gallra det som är förfallet / Run retention", "security", nil, postgres.RetentionPlan{}, nil, 200, s.apiRetentionRun},
	} {
		s.AddAPIRoute(r)
	}
}

type accessLogQuery struct {
	From string `form:"from" binding:"omitempty,datetime=2006-01-02"`
	To   string `form:"to" binding:"omitempty,datetime=2006-01-02"`
}

func (s *Server) apiAudit(c *gin.Context) {
	var f postgres.AuditFilter
	if !bindQuery(c, &f) {
		return
	}
	v, err := s.store.QueryAudit(c.Request.Context(), actor(c), f)
	respond(c, v, err)
}

func (s *Server) apiAuditReview(c *gin.Context) {
	var q postgres.ReviewQuery
	if !bindQuery(c, &q) {
		return
	}
	v, err := s.store.ReviewAudit(c.Request.Context(), actor(c), q)
	respond(c, v, err)
}

// accessLog reads the extract for the student in the path and the optional period.
func (s *Server) accessLog(c *gin.Context) (*postgres.AccessLogExtract, bool) {
	id, okID := pathID(c)
	var q accessLogQuery
	if !okID || !bindQuery(c, &q) {
		return nil, false
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
	x, err := s.store.AccessLog(c.Request.Context(), actor(c), id, from, to)
	if err != nil {
		apiError(c, err)
		return nil, false
	}
	return x, true
}

func (s *Server) apiAccessLog(c *gin.Context) {
	if x, ok := s.accessLog(c); ok {
		c.JSON(http.StatusOK, x)
	}
}

// apiAccessLogCSV answers the extract as CSV (semicolon-separated, as Swedish spreadsheets
// expect), with cells that a spreadsheet would run as a formula defused.
func (s *Server) apiAccessLogCSV(c *gin.Context) {
	x, ok := s.accessLog(c)
	if !ok {
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="atkomstlogg-`+strconv.FormatInt(x.Student.ID, 10)+`.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	w.Comma = ';'
	_ = w.Write([]string{"tid", "användare", "roll", "händelse", "uppgift", "id", "ip", "begäran"})
	for _, e := range x.Entries {
		id := ""
		if e.EntityID != nil {
			id = strconv.FormatInt(*e.EntityID, 10)
		}
		_ = w.Write([]string{e.At.In(postgres.Stockholm()).Format("2006-01-02 15:04:05"), csvCell(e.ActorName), csvCell(e.ActorRole),
			csvCell(e.Action), csvCell(e.Entity), id, csvCell(e.IP), csvCell(e.RequestID)})
	}
	w.Flush()
}

// csvCell keeps a value that starts like a formula from being run by a spreadsheet.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func (s *Server) apiLegalHold(c *gin.Context) {
	caseStep(c, func(id int64, in postgres.LegalHoldInput) error {
		return s.store.SetLegalHold(c.Request.Context(), actor(c), id, in)
	})
}

func (s *Server) apiRetentionPlan(c *gin.Context) {
	p, err := postgres.LoadRetention(s.cfg.Files)
	if err != nil {
		apiError(c, err)
		return
	}
	v, err := s.store.PlanRetention(c.Request.Context(), actor(c), p)
	respond(c, v, err)
}

func (s *Server) apiRetentionRun(c *gin.Context) {
	p, err := postgres.LoadRetention(s.cfg.Files)
	if err != nil {
		apiError(c, err)
		return
	}
	v, err := s.store.RunRetention(c.Request.Context(), actor(c), p)
	respond(c, v, err)
}
