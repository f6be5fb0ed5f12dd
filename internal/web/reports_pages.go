package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/report"
	"github.com/narvaro/narvaro/templates"
)

// registerReportPages serves the administrators' report page and the follow-up rounds' pages
// (administrators and the schools that answer). The page shows the published report, the same
// figures the CSV and PDF carry.
func (s *Server) registerReportPages() {
	u, err := newUI(s, templates.FS)
	if err != nil {
		// registerPages parsed the same files first and would have stopped start-up.
		s.log.Error("report pages: templates", "error", err)
		return
	}
	in := s.pages.Group("", u.signedIn)
	in.GET("/reports", u.reportsPage)
	in.GET("/rounds", u.roundsPage)
	in.POST("/rounds", u.startRoundForm)
	in.GET("/rounds/:id", u.roundPage)
	in.POST("/rounds/:id/answers", u.answerRoundForm)
	in.POST("/rounds/:id/confirm", u.confirmRoundForm)
}

// Rep is a text of the report and round pages in the page's language. The texts live here,
// next to the pages that use them.
func (p *page) Rep(id string) string {
	if t, ok := reportTexts[id]; ok {
		return t.In(p.Lang)
	}
	return "[" + id + "]"
}

var reportTexts = map[string]narvaro.Text{
	"title":            {SV: "Rapporter och statistik", EN: "Reports and statistics"},
	"lead":             {SV: "Periodrapport för huvudmannen: hur skolorna hanterar omfattande frånvaro.", EN: "Period report for the governing body: how the schools handle extensive absence."},
	"from":             {SV: "Från och med", EN: "From"},
	"to":               {SV: "Till och med", EN: "To"},
	"school":           {SV: "Skolenhet", EN: "School unit"},
	"all_schools":      {SV: "Samtliga skolenheter", EN: "All school units"},
	"weeks":            {SV: "Veckor före och efter planens beslut", EN: "Weeks before and after the plan's approval"},
	"show":             {SV: "Visa rapport", EN: "Show report"},
	"download":         {SV: "Ladda ned", EN: "Download"},
	"csv":              {SV: "CSV för Excel", EN: "CSV for Excel"},
	"pdf":              {SV: "PDF", EN: "PDF"},
	"period":           {SV: "Period", EN: "Period"},
	"as_of":            {SV: "Bedömt per", EN: "Judged as of"},
	"privacy":          {SV: "Integritet", EN: "Privacy"},
	"pick_period":      {SV: "Välj period och skolenhet och visa rapporten.", EN: "Choose a period and school unit and show the report."},
	"rounds":           {SV: "Uppföljningsomgångar", EN: "Follow-up rounds"},
	"rounds_lead":      {SV: "Huvudmannen frågar skolorna, för varje öppen anmälan, om frånvaron fortsätter och om ärendet kan avslutas.", EN: "The governing body asks the schools, for every open notice, whether the absence continues and whether the case can be closed."},
	"start_round":      {SV: "Starta en omgång", EN: "Start a round"},
	"round_name":       {SV: "Namn, t.ex. ”Höst 2026”", EN: "Name, e.g. “Autumn 2026”"},
	"round_due":        {SV: "Sista dag för skolornas svar", EN: "Last day for the schools' answers"},
	"start":            {SV: "Starta omgången", EN: "Start the round"},
	"no_rounds":        {SV: "Inga omgångar ännu.", EN: "No rounds yet."},
	"name":             {SV: "Omgång", EN: "Round"},
	"due":              {SV: "Svar senast", EN: "Answers due"},
	"items":            {SV: "Anmälningar", EN: "Notices"},
	"answered":         {SV: "Besvarade", EN: "Answered"},
	"can_close":        {SV: "Kan avslutas", EN: "Can be closed"},
	"confirmed":        {SV: "Bekräftade", EN: "Confirmed"},
	"case":             {SV: "Ärende", EN: "Case"},
	"notice_sent":      {SV: "Anmälan skickad", EN: "Notice sent"},
	"status":           {SV: "Status", EN: "Status"},
	"absence_cont":     {SV: "Fortsätter frånvaron?", EN: "Does the absence continue?"},
	"can_close_q":      {SV: "Kan ärendet avslutas?", EN: "Can the case be closed?"},
	"comment":          {SV: "Kort kommentar (inga känsliga uppgifter)", EN: "Short comment (no sensitive details)"},
	"yes":              {SV: "Ja", EN: "Yes"},
	"no":               {SV: "Nej", EN: "No"},
	"unanswered":       {SV: "Ej besvarad", EN: "Not answered"},
	"save_answers":     {SV: "Spara svaren", EN: "Save the answers"},
	"confirm":          {SV: "Bekräfta avslut", EN: "Confirm closure"},
	"confirm_selected": {SV: "Bekräfta valda avslut", EN: "Confirm the chosen closures"},
	"confirm_hint":     {SV: "Bekräftelsen avslutar anmälan hos huvudmannen. Ärendet avslutas av skolan i dess eget arbetsflöde.", EN: "Confirming closes the notice at the governing body. The school closes the case in its own workflow."},
	"confirmed_by":     {SV: "Bekräftad av", EN: "Confirmed by"},
	"answered_by":      {SV: "Besvarad av", EN: "Answered by"},
	"no_items":         {SV: "Inga anmälningar i denna del.", EN: "No notices in this part."},
	"started":          {SV: "Omgången är startad.", EN: "The round has started."},
	"saved":            {SV: "Svaren är sparade.", EN: "The answers are saved."},
	"confirmed_ok":     {SV: "Avsluten är bekräftade.", EN: "The closures are confirmed."},
	"nothing_chosen":   {SV: "Välj minst en anmälan.", EN: "Choose at least one notice."},
	"back_to_rounds":   {SV: "Alla omgångar", EN: "All rounds"},
	"reports_link":     {SV: "Periodrapport", EN: "Period report"},
}

// reportsData is the report page: the form and, once asked for, the published report.
type reportsData struct {
	Schools  []narvaro.School
	From, To string
	SchoolID int64
	Weeks    int
	Form     *formState
	R        *report.Report
	Sections []sectionView
	CSV, PDF template.URL
}

// sectionView is a report section with its chart drawn as inline SVG.
type sectionView struct {
	report.Section
	SVG template.HTML
}

// reportsPage shows the report form and, when a period is given, the published report.
func (u *ui) reportsPage(c *gin.Context) {
	a := actor(c)
	if err := auth.Allow(a, auth.ViewReports); err != nil {
		u.errorPage(c, err)
		return
	}
	ctx := c.Request.Context()
	schools, err := u.s.store.ListSchools(ctx, a)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	q := periodQuery{From: c.Query("from"), To: c.Query("to")}
	q.SchoolID, _ = strconv.ParseInt(c.Query("school_id"), 10, 64)
	q.Weeks, _ = strconv.Atoi(c.Query("weeks"))
	d := &reportsData{Schools: schools, From: q.From, To: q.To, SchoolID: q.SchoolID, Weeks: q.Weeks, Form: newFormState("report", c.Request.URL.Query())}
	if d.Weeks == 0 {
		d.Weeks = report.DefaultWeeks
	}
	p := u.newPage(c, "reports", d)
	p.setForm(d.Form)
	status := http.StatusOK
	if q.From == "" && q.To == "" {
		d.From, d.To = termOf(p.Today)
	} else {
		r, err := u.publishedReport(c, q)
		if err != nil {
			if !u.formFailed(c, d.Form, err) {
				return
			}
			status = statusOf(d.Form.Code)
		} else {
			d.R = r
			d.CSV, d.PDF = downloadURL("csv", q), downloadURL("pdf", q)
			for _, s := range r.Sections() {
				v := sectionView{Section: s}
				if s.Chart != nil {
					v.SVG = template.HTML(s.Chart.SVG()) //nolint:gosec // built by report.Chart.SVG, every text escaped
				}
				d.Sections = append(d.Sections, v)
			}
		}
	}
	u.render(c, status, "reports", p)
}

// downloadURL links the same report as a file; the query is rebuilt from the checked values.
func downloadURL(ext string, q periodQuery) template.URL {
	v := url.Values{"from": {q.From}, "to": {q.To}}
	if q.SchoolID > 0 {
		v.Set("school_id", strconv.FormatInt(q.SchoolID, 10))
	}
	if q.Weeks > 0 {
		v.Set("weeks", strconv.Itoa(q.Weeks))
	}
	return template.URL("/api/v1/reports/period." + ext + "?" + v.Encode()) //nolint:gosec // every value is query-encoded
}

func (u *ui) publishedReport(c *gin.Context, q periodQuery) (*report.Report, error) {
	params, err := q.params()
	if err != nil {
		return nil, err
	}
	r, err := u.s.store.PeriodReport(c.Request.Context(), actor(c), params, "page")
	if err != nil {
		return nil, err
	}
	r.Publish(u.s.cfg.Statistics.SuppressBelow)
	return r, nil
}

// termOf is the school term around the day: autumn (August–December) or spring (January–June,
// and the summer after it).
func termOf(d narvaro.Date) (from, to string) {
	y := d.Year()
	if d.Month() >= time.August {
		return fmt.Sprintf("%d-08-01", y), fmt.Sprintf("%d-12-31", y)
	}
	return fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-06-30", y)
}

// roundsData lists the rounds and holds the start form.
type roundsData struct {
	Rounds []postgres.Round
	Form   *formState
}

func (u *ui) roundsPage(c *gin.Context) { u.roundsWith(c, nil, http.StatusOK) }

func (u *ui) roundsWith(c *gin.Context, f *formState, status int) {
	rounds, err := u.s.store.ListRounds(c.Request.Context(), actor(c))
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &roundsData{Rounds: rounds, Form: f}
	p := u.newPage(c, "rounds", d)
	if f == nil {
		d.Form = newFormState("round", nil)
	}
	p.setForm(d.Form)
	u.render(c, status, "rounds", p)
}

func (u *ui) startRoundForm(c *gin.Context) {
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("round", vals)
	in := postgres.RoundInput{Name: vals.Get("name")}
	if due := vals.Get("due_on"); due != "" {
		if in.DueOn, err = narvaro.ParseDate(due); err != nil {
			err = narvaro.Invalid("due_on", "Ange datumet som ÅÅÅÅ-MM-DD.", "Give the date as YYYY-MM-DD.")
		}
	}
	var id int64
	if err == nil {
		id, err = u.s.store.StartRound(c.Request.Context(), actor(c), in)
	}
	if err == nil {
		u.flash(c, "ok", reportTexts["started"])
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/rounds/%d", id))
		return
	}
	if u.formFailed(c, f, err) {
		u.roundsWith(c, f, statusOf(f.Code))
	}
}

// roundData is one round: the administrator confirms, a school answers.
type roundData struct {
	V    *postgres.RoundView
	Form *formState
}

func (u *ui) roundPage(c *gin.Context) { u.roundWith(c, nil, http.StatusOK) }

func (u *ui) roundWith(c *gin.Context, f *formState, status int) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		u.errorPage(c, notFoundError())
		return
	}
	v, err := u.s.store.GetRound(c.Request.Context(), actor(c), id)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &roundData{V: v, Form: f}
	p := u.newPage(c, "rounds", d)
	if f == nil {
		d.Form = newFormState("answers", nil)
	}
	p.setForm(d.Form)
	u.render(c, status, "round", p)
}

// answerRoundForm saves a school's answers: for each notice the radio buttons
// absence_<id> and close_<id> ("yes"/"no") and the comment comment_<id>. Notices left without
// both answers are skipped, so a school may answer part of its list now and the rest later.
func (u *ui) answerRoundForm(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		u.errorPage(c, notFoundError())
		return
	}
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("answers", vals)
	var in postgres.RoundAnswers
	for _, raw := range vals["notice"] {
		n, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil {
			continue
		}
		absence, closeCase := vals.Get("absence_"+raw), vals.Get("close_"+raw)
		if absence == "" && closeCase == "" {
			continue
		}
		ans := postgres.RoundAnswer{NoticeID: n, Comment: vals.Get("comment_" + raw)}
		if absence != "" {
			v := absence == "yes"
			ans.AbsenceContinues = &v
		}
		if closeCase != "" {
			v := closeCase == "yes"
			ans.CanClose = &v
		}
		in.Answers = append(in.Answers, ans)
	}
	if len(in.Answers) == 0 {
		err = narvaro.Invalid("answers", reportTexts["nothing_chosen"].SV, reportTexts["nothing_chosen"].EN)
	} else {
		err = u.s.store.AnswerRound(c.Request.Context(), actor(c), id, in)
	}
	if err == nil {
		u.flash(c, "ok", reportTexts["saved"])
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/rounds/%d", id))
		return
	}
	if u.formFailed(c, f, err) {
		u.roundWith(c, f, statusOf(f.Code))
	}
}

// confirmRoundForm confirms the closures of the chosen notices (checkboxes "notice").
func (u *ui) confirmRoundForm(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		u.errorPage(c, notFoundError())
		return
	}
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("confirm", vals)
	var in postgres.RoundConfirm
	for _, raw := range vals["notice"] {
		if n, perr := strconv.ParseInt(raw, 10, 64); perr == nil {
			in.NoticeIDs = append(in.NoticeIDs, n)
		}
	}
	if len(in.NoticeIDs) == 0 {
		err = narvaro.Invalid("notice", reportTexts["nothing_chosen"].SV, reportTexts["nothing_chosen"].EN)
	} else {
		err = u.s.store.ConfirmRound(c.Request.Context(), actor(c), id, in)
	}
	if err == nil {
		u.flash(c, "ok", reportTexts["confirmed_ok"])
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/rounds/%d", id))
		return
	}
	if u.formFailed(c, f, err) {
		u.roundWith(c, f, statusOf(f.Code))
	}
}

// Answered reports whether a yes/no answer is set and equal to want.
func (p *page) Answered(b *bool, want bool) bool { return b != nil && *b == want }
