package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// caseData is the case page: the wheel at the top, the child's words, deadlines, the record
// of every step and the forms the signed-in person may use now.
type caseData struct {
	V           *postgres.CaseView
	Version     int
	Wheel       *wheelPicture
	Latest      *wheel.Assessment
	Child       *childVoice
	Deadlines   []deadline
	Timeline    []timelineRow
	Plans       []planView
	InForce     *planView
	ByDomain    []domainMeasures
	Notices     []noticeView
	Documents   []docLink
	Assessments []assessmentView
	FollowUps   []followUpView
	Can         map[string]bool
	Escalations []string
	Measures    map[int64]string
}

// childVoice is the child's own words, shown where nobody can miss them.
type childVoice struct {
	Words, Participation, NotFollowed, Occasion string
	On                                          time.Time
	FromInvestigation                           bool
}

type deadline struct {
	Label   string
	Due     narvaro.Date
	Overdue bool
}

type timelineRow struct {
	At                 time.Time
	Who, What, Detail  string
	FromStatus, Status string
}

type planView struct {
	cases.Plan
	Measures []measureView
}

type measureView struct {
	cases.Measure
	DomainLabels []string
}

type domainMeasures struct {
	Domain   string
	Concern  bool
	Measures []measureView
}

type noticeView struct {
	cases.Notice
	Label   narvaro.Text
	Overdue bool
}

type docLink struct{ Kind, URL string }

type assessmentView struct {
	wheel.Assessment
	Rows []assessmentRow
}

// assessmentRow is one domain of an assessment as a table row (the wheel's text alternative).
type assessmentRow struct {
	Domain string
	Cells  []string
}

type followUpView struct {
	cases.FollowUp
	Results []resultView
}

type resultView struct{ Measure, Result, Comment string }

// caseView reads the case for the actor and builds the page; reading is audited by the store.
func (u *ui) caseView(c *gin.Context, p *page, id int64) (*caseData, error) {
	v, err := u.s.store.GetCase(c.Request.Context(), actor(c), id)
	if err != nil {
		return nil, err
	}
	a := actor(c)
	d := &caseData{V: v, Version: v.Case.Version, Can: map[string]bool{}, Measures: map[int64]string{}}
	if len(v.Assessments) > 0 {
		d.Latest = &v.Assessments[len(v.Assessments)-1]
	}
	d.Wheel = buildWheel(p, u.wheel, v.Assessments, v.Case.ConcernDomains)
	d.Child = childVoiceOf(p, v)
	d.Deadlines = u.deadlines(p, v)
	d.Timeline = timeline(p, v)
	for _, pl := range v.Plans {
		pv := planView{Plan: pl}
		for _, m := range pl.Measures {
			mv := measureView{Measure: m}
			for _, k := range m.Domains {
				mv.DomainLabels = append(mv.DomainLabels, u.wheel.Label(k, p.Lang))
			}
			pv.Measures = append(pv.Measures, mv)
			d.Measures[m.ID] = m.Description
		}
		d.Plans = append(d.Plans, pv)
	}
	d.InForce = planInForce(d.Plans)
	d.ByDomain = u.measuresByDomain(d.InForce, v.Case.ConcernDomains, p.Lang)
	for _, n := range v.Notices {
		d.Notices = append(d.Notices, noticeView{Notice: n, Label: cases.KindLabel(n.Kind), Overdue: n.Overdue(p.Today)})
	}
	d.Documents = documents(v)
	for _, as := range v.Assessments {
		d.Assessments = append(d.Assessments, assessmentView{Assessment: as, Rows: u.assessmentRows(p, &as)})
	}
	for _, f := range v.FollowUps {
		fv := followUpView{FollowUp: f}
		for _, r := range f.Results {
			fv.Results = append(fv.Results, resultView{Measure: d.Measures[r.MeasureID], Result: r.Result, Comment: r.Comment})
		}
		d.FollowUps = append(d.FollowUps, fv)
	}
	d.Can = abilities(v, a)
	d.Escalations = []string{cases.ReportOfConcern}
	if d.Can["escalate_all"] {
		d.Escalations = append(d.Escalations, cases.SIPRequested, cases.SIPEstablished, cases.HomeMunicipalityCoordination, cases.FineOrderEvidence)
	}
	return d, nil
}

// abilities asks the state machine which forms the actor may use on the case now, so the page
// offers exactly the steps the store would accept.
func abilities(v *postgres.CaseView, a *narvaro.Actor) map[string]bool {
	st, role := v.Case.Status, a.Role
	hasApproved := slices.ContainsFunc(v.Plans, func(p cases.Plan) bool { return p.Status == cases.PlanApproved })
	next := func(act cases.Action) bool {
		_, err := cases.Next(st, act, role, cases.Facts{HasApprovedPlan: hasApproved})
		return err == nil && v.Secret
	}
	may := func(act cases.Activity) bool { return cases.MayRecord(st, act, role) == nil }
	return map[string]bool{
		"assess":       next(cases.StartInvestigation),
		"investigate":  may(cases.EditInvestigation) && v.Secret,
		"wheel":        may(cases.RecordAssessment) && v.Secret && (st == cases.Reported || st == cases.Investigating),
		"complete":     next(cases.CompleteInvestigation),
		"plan":         next(cases.SubmitPlan),
		"decide":       next(cases.ApprovePlan),
		"followup":     may(cases.RecordFollowUp) && v.Secret && hasApproved,
		"escalate":     may(cases.ReportConcern),
		"escalate_all": may(cases.RecordEscalation),
		"contact":      may(cases.RecordContact),
		"close":        next(cases.Close),
		"reopen":       next(cases.Reopen),
		"send_notice":  may(cases.SendNotice) && v.Secret,
	}
}

func childVoiceOf(p *page, v *postgres.CaseView) *childVoice {
	for i := len(v.Assessments) - 1; i >= 0; i-- {
		as := v.Assessments[i]
		if strings.TrimSpace(as.ChildWords) == "" && as.ChildParticipation == "" {
			continue
		}
		return &childVoice{Words: as.ChildWords, Participation: as.ChildParticipation.Label().In(p.Lang),
			NotFollowed: as.ChildViewNotFollowed, Occasion: p.T("occasion_" + string(as.Occasion)), On: as.AssessedOn}
	}
	if v.Investigation != nil && strings.TrimSpace(v.Investigation.StudentView) != "" {
		return &childVoice{Words: v.Investigation.StudentView, FromInvestigation: true, On: v.Investigation.UpdatedAt}
	}
	return nil
}

func (u *ui) deadlines(p *page, v *postgres.CaseView) []deadline {
	var out []deadline
	add := func(label string, due narvaro.Date) {
		if !due.IsZero() {
			out = append(out, deadline{Label: label, Due: due, Overdue: due.Before(p.Today)})
		}
	}
	cs := v.Case
	switch cs.Status {
	case cases.Reported:
		opened := narvaro.DateOf(cs.OpenedAt.In(postgres.Stockholm()))
		add(p.T("deadline_assessment"), opened.AddDays(u.s.store.Settings.Deadlines.AssessmentDays))
	case cases.Investigating:
		add(p.T("deadline_investigation"), cs.InvestigationDue)
	case cases.Active:
		add(p.T("deadline_followup"), nextFollowUp(v))
	}
	for _, n := range v.Notices {
		if n.SentAt == nil {
			add(cases.KindLabel(n.Kind).In(p.Lang), n.DueOn)
		}
	}
	return out
}

// nextFollowUp is the date the latest follow-up set, or the approved plan's first follow-up.
func nextFollowUp(v *postgres.CaseView) narvaro.Date {
	if n := len(v.FollowUps); n > 0 && !v.FollowUps[n-1].NextDate.IsZero() {
		return v.FollowUps[n-1].NextDate
	}
	var first narvaro.Date
	for _, pl := range v.Plans {
		if pl.Status != cases.PlanApproved {
			continue
		}
		for _, m := range pl.Measures {
			if first.IsZero() || m.FollowUpDate.Before(first) {
				first = m.FollowUpDate
			}
		}
	}
	return first
}

func timeline(p *page, v *postgres.CaseView) []timelineRow {
	out := make([]timelineRow, 0, len(v.Events))
	for i := len(v.Events) - 1; i >= 0; i-- {
		e := v.Events[i]
		row := timelineRow{At: e.At, Who: e.ActorName, What: eventLabel(p, e.Kind)}
		if row.Who == "" {
			row.Who = p.T("system")
		}
		if v.Secret && e.Summary != "" && e.Summary != cases.Action(e.Kind).Label().SV {
			row.Detail = e.Summary
		}
		if e.ToStatus != nil {
			row.Status = cases.Status(*e.ToStatus).Label().In(p.Lang)
		}
		if e.FromStatus != nil {
			row.FromStatus = cases.Status(*e.FromStatus).Label().In(p.Lang)
		}
		out = append(out, row)
	}
	return out
}

// eventLabel names a timeline event: a step of the state machine, an escalation or notice
// kind, or another recorded activity.
func eventLabel(p *page, kind string) string {
	if slices.Contains(cases.Actions, cases.Action(kind)) {
		return cases.Action(kind).Label().In(p.Lang)
	}
	if k, ok := strings.CutPrefix(kind, "escalation:"); ok {
		return cases.KindLabel(k).In(p.Lang)
	}
	if k, ok := strings.CutPrefix(kind, "notice_sent:"); ok {
		return p.T("event_notice_sent", "Notice", cases.KindLabel(k).In(p.Lang))
	}
	switch kind {
	case "opened", "investigation_saved", "wheel_assessment", "followup", "contact":
		return p.T("event_" + kind)
	}
	return kind
}

func planInForce(plans []planView) *planView {
	for i := len(plans) - 1; i >= 0; i-- {
		if plans[i].Status == cases.PlanApproved {
			return &plans[i]
		}
	}
	if n := len(plans); n > 0 {
		return &plans[n-1]
	}
	return nil
}

// measuresByDomain groups the plan's measures under each domain they address; a domain of
// concern without a measure is listed too, so the gap shows.
func (u *ui) measuresByDomain(plan *planView, concerns []string, lang string) []domainMeasures {
	var out []domainMeasures
	for _, d := range u.wheel.Domains() {
		dm := domainMeasures{Domain: d.Label.In(lang), Concern: slices.Contains(concerns, d.Key)}
		if plan != nil {
			for _, m := range plan.Measures {
				if slices.Contains(m.Domains, d.Key) {
					dm.Measures = append(dm.Measures, m)
				}
			}
		}
		if len(dm.Measures) > 0 || dm.Concern {
			out = append(out, dm)
		}
	}
	return out
}

func (u *ui) assessmentRows(p *page, as *wheel.Assessment) []assessmentRow {
	by := map[string]wheel.Rating{}
	for _, r := range as.Ratings {
		by[r.Domain+"/"+string(r.Perspective)] = r
	}
	var rows []assessmentRow
	for _, d := range u.wheel.Domains() {
		row := assessmentRow{Domain: d.Label.In(p.Lang)}
		for _, persp := range wheel.Perspectives {
			r, ok := by[d.Key+"/"+string(persp)]
			cell := ""
			if ok {
				var parts []string
				if r.Kind != nil {
					parts = append(parts, p.T("kind_"+string(*r.Kind)))
				}
				if r.Rating != nil {
					parts = append(parts, p.T("wheel_rating_value", "N", *r.Rating))
				}
				if strings.TrimSpace(r.Note) != "" {
					parts = append(parts, r.Note)
				}
				cell = strings.Join(parts, " · ")
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	return rows
}

// documents lists the PDF documents that the case's progress makes relevant; another feature
// serves them at /cases/:id/documents/:kind.
func documents(v *postgres.CaseView) []docLink {
	cs := v.Case
	var kinds []string
	has := func(kind string) bool {
		return slices.ContainsFunc(v.Notices, func(n cases.Notice) bool { return n.Kind == kind })
	}
	if has(cases.NoticeInvestigationStarted) {
		kinds = append(kinds, "notice_huvudman")
	}
	if has(cases.NoticeHomeMunicipality) {
		kinds = append(kinds, "notice_home_municipality")
	}
	if v.Secret {
		if cs.AssessedAt != nil {
			kinds = append(kinds, "assessment_decision")
		}
		if cs.InvestigationStartedAt != nil {
			kinds = append(kinds, "investigation_report")
		}
		if len(v.Plans) > 0 {
			kinds = append(kinds, "remedy_plan")
		}
		if len(v.FollowUps) > 0 {
			kinds = append(kinds, "followup_record")
		}
		if cs.Status == cases.Closed {
			kinds = append(kinds, "closure_decision")
		}
		kinds = append(kinds, "case_file", "evidence_chronology")
	}
	out := make([]docLink, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, docLink{Kind: k, URL: "/cases/" + idStr(cs.ID) + "/documents/" + k})
	}
	return out
}

func (u *ui) casePage(c *gin.Context) { u.caseWith(c, nil, http.StatusOK) }

// caseWith renders the case page, with a form that was just rejected (f) if any.
func (u *ui) caseWith(c *gin.Context, f *formState, status int) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	p := u.newPage(c, "cases", nil)
	d, err := u.caseView(c, p, id)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	p.D = d
	if f != nil {
		keepCurrentVersion(f)
		p.setForm(f)
		// A rejected form stays on the page with the input, even if the case has moved on.
		d.Can[f.Name] = true
	}
	u.render(c, status, "case", p)
}

// keepCurrentVersion lets a form that lost a race be sent again: the page now shows the latest
// record, the person's input is kept and the version becomes the current one.
func keepCurrentVersion(f *formState) {
	if f.Stale {
		f.Values.Del("version")
	}
}

type caseListData struct {
	Status string
	Rows   []caseRow
}

func (u *ui) caseList(c *gin.Context) {
	var f postgres.CaseFilter
	if err := bindForm(c.Request.URL.Query(), &f); err != nil {
		f = postgres.CaseFilter{}
	}
	f.Limit = 200
	list, err := u.s.store.ListCases(c.Request.Context(), actor(c), f)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &caseListData{Status: f.Status}
	p := u.newPage(c, "cases", d)
	d.Rows = u.caseRows(list, p.Today)
	u.render(c, http.StatusOK, "cases", p)
}
