package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/report"
)

// registerReports adds the period report (JSON, CSV, PDF), the huvudman's follow-up rounds and
// the administrators' report pages.
//
// Privacy: every output of the report — JSON, CSV, PDF and the web page — is published with the
// configured threshold (statistics.suppress_below): small counts show as "< 5" everywhere, so
// nothing copied from any of them can reveal a small group. The exact figures never leave the
// service.
func (s *Server) registerReports() {
	for _, r := range []apiRoute{
		{"GET", "/reports/period", "Periodrapport / Period report", "reports", nil, report.Report{}, periodQuery{}, 200, s.apiPeriodReport},
		{"GET", "/reports/period.csv", "Periodrapport som CSV (Excel) / Period report as CSV", "reports", nil, nil, periodQuery{}, 200, s.apiPeriodReportCSV},
		{"GET", "/reports/period.pdf", "Periodrapport som PDF / Period report as PDF", "reports", nil, nil, periodQuery{}, 200, s.apiPeriodReportPDF},
		{"GET", "/rounds", "Uppföljningsomgångar / Follow-up rounds", "rounds", nil, []postgres.Round{}, nil, 200, s.apiRounds},
		{"POST", "/rounds", "Starta uppföljningsomgång / Start a follow-up round", "rounds", postgres.RoundInput{}, idBody{}, nil, 201, s.apiStartRound},
		{"GET", "/rounds/:id", "Uppföljningsomgång med frågor / Follow-up round with its questions", "rounds", nil, postgres.RoundView{}, nil, 200, s.apiRound},
		{"POST", "/rounds/:id/answers", "Skolans svar / The school's answers", "rounds", postgres.RoundAnswers{}, okBody{}, nil, 200, s.apiAnswerRound},
		{"POST", "/rounds/:id/confirm", "Bekräfta avslut hos huvudmannen / Confirm closures at the governing body", "rounds", postgres.RoundConfirm{}, okBody{}, nil, 200, s.apiConfirmRound},
	} {
		s.AddAPIRoute(r)
	}
	s.registerReportPages()
}

// periodQuery selects a period report: from and to are both included.
type periodQuery struct {
	From     string `form:"from" json:"from"`
	To       string `form:"to" json:"to"`
	SchoolID int64  `form:"school_id" json:"school_id" binding:"omitempty,gt=0"`
	Weeks    int    `form:"weeks" json:"weeks" binding:"omitempty,min=1,max=12"`
}

// params reads the dates with messages that say what is wrong.
func (q periodQuery) params() (report.Params, error) {
	p := report.Params{SchoolID: q.SchoolID, Weeks: q.Weeks}
	var pr narvaro.Problems
	for _, d := range []struct {
		field, value string
		into         *narvaro.Date
	}{{"from", q.From, &p.From}, {"to", q.To, &p.To}} {
		if strings.TrimSpace(d.value) == "" {
			continue // Check names the missing date
		}
		v, err := narvaro.ParseDate(d.value)
		if err != nil {
			pr.Add(d.field, "Ange datumet som ÅÅÅÅ-MM-DD.", "Give the date as YYYY-MM-DD.")
			continue
		}
		*d.into = v
	}
	if err := pr.Err(); err != nil {
		return p, err
	}
	return p, p.Check()
}

// periodReport computes the report for the request and publishes it.
func (s *Server) periodReport(c *gin.Context, format string) (*report.Report, bool) {
	var q periodQuery
	if !bindQuery(c, &q) {
		return nil, false
	}
	p, err := q.params()
	if err != nil {
		apiError(c, err)
		return nil, false
	}
	r, err := s.store.PeriodReport(c.Request.Context(), actor(c), p, format)
	if err != nil {
		apiError(c, err)
		return nil, false
	}
	r.Publish(s.cfg.Statistics.SuppressBelow)
	return r, true
}

func (s *Server) apiPeriodReport(c *gin.Context) {
	if r, ok := s.periodReport(c, "json"); ok {
		c.JSON(http.StatusOK, r)
	}
}

func (s *Server) apiPeriodReportCSV(c *gin.Context) {
	r, ok := s.periodReport(c, "csv")
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, r); err != nil {
		apiError(c, narvaro.Internal(err))
		return
	}
	attachment(c, reportFileName(r, "csv"), "text/csv; charset=utf-8", buf.Bytes())
}

func (s *Server) apiPeriodReportPDF(c *gin.Context) {
	r, ok := s.periodReport(c, "pdf")
	if !ok {
		return
	}
	b, err := report.PDF(r, s.reportPDFOptions(actor(c)))
	if err != nil {
		apiError(c, err)
		return
	}
	attachment(c, reportFileName(r, "pdf"), "application/pdf", b)
}

// reportPDFOptions takes the document's title and legal basis from legal.yaml.
func (s *Server) reportPDFOptions(a *narvaro.Actor) report.PDFOptions {
	doc := s.cfg.Legal.Document("period_report")
	o := report.PDFOptions{DocType: doc.Title.SV, LegalBasis: doc.LegalBasis}
	if doc.Title.SV == "period_report" {
		o.DocType = ""
	}
	if a != nil {
		o.Author, o.AuthorTitle = a.Name, a.Title
	}
	return o
}

// reportFileName is e.g. "periodrapport-2026-08-17-2026-12-18.pdf".
func reportFileName(r *report.Report, ext string) string {
	name := "periodrapport-" + r.From.String() + "-" + r.To.String()
	if r.SchoolUnitCode != "" {
		name += "-" + r.SchoolUnitCode
	}
	return name + "." + ext
}

func attachment(c *gin.Context, name, contentType string, b []byte) {
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, contentType, b)
}

func (s *Server) apiRounds(c *gin.Context) {
	v, err := s.store.ListRounds(c.Request.Context(), actor(c))
	respond(c, v, err)
}

func (s *Server) apiStartRound(c *gin.Context) {
	var in postgres.RoundInput
	if !bindJSON(c, &in) {
		return
	}
	id, err := s.store.StartRound(c.Request.Context(), actor(c), in)
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, id, false)
}

func (s *Server) apiRound(c *gin.Context) {
	id, okID := pathID(c)
	if !okID {
		return
	}
	v, err := s.store.GetRound(c.Request.Context(), actor(c), id)
	respond(c, v, err)
}

func (s *Server) apiAnswerRound(c *gin.Context) {
	id, okID := pathID(c)
	var in postgres.RoundAnswers
	if !okID || !bindJSON(c, &in) {
		return
	}
	ok(c, s.store.AnswerRound(c.Request.Context(), actor(c), id, in))
}

func (s *Server) apiConfirmRound(c *gin.Context) {
	id, okID := pathID(c)
	var in postgres.RoundConfirm
	if !okID || !bindJSON(c, &in) {
		return
	}
	ok(c, s.store.ConfirmRound(c.Request.Context(), actor(c), id, in))
}
