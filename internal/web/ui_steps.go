package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/cases"
)

// Each workflow step is a form posted to a page route. It is bound to the same input type as
// the API's, checked by the same validator and applied by the same Store method; on success the
// browser is redirected (so a reload does not post twice), otherwise the form is shown again.

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// formToken is a fresh idempotency key for forms that create a record, so a double-click or a
// resent form creates it once.
func formToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// again renders a page with a rejected form.
type again func(c *gin.Context, f *formState, status int)

// caseStep reads a form posted to /cases/:id/…, runs act and answers.
func (u *ui) caseStep(c *gin.Context, form, okFlash string, show again, act func(id int64, vals url.Values, f *formState) (string, error)) {
	id, ok := pageID(c)
	if !ok {
		u.notFound(c)
		return
	}
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState(form, vals)
	target, err := act(id, vals, f)
	if err == nil {
		if f.flash != "" {
			okFlash = f.flash
		}
		u.flashKey(c, "ok", okFlash)
		if target == "" {
			target = "/cases/" + idStr(id)
		}
		c.Redirect(http.StatusSeeOther, target)
		return
	}
	if u.formFailed(c, f, err) {
		show(c, f, statusOf(f.Code))
	}
}

func (u *ui) assess(c *gin.Context) {
	u.caseStep(c, "assess", "flash_assessed", u.caseWith, func(id int64, vals url.Values, _ *formState) (string, error) {
		var in cases.AssessInput
		if err := bindForm(vals, &in); err != nil {
			return "", err
		}
		return "", u.s.store.Assess(c.Request.Context(), actor(c), id, in)
	})
}

func (u *ui) decide(c *gin.Context) {
	u.caseStep(c, "decide", "flash_decided", u.caseWith, func(id int64, vals url.Values, _ *formState) (string, error) {
		var in cases.DecisionInput
		if err := bindForm(vals, &in); err != nil {
			return "", err
		}
		if _, err := in.Action(); err != nil {
			return "", err
		}
		return "", u.s.store.DecidePlan(c.Request.Context(), actor(c), id, in)
	})
}

func (u *ui) escalate(c *gin.Context) {
	u.caseStep(c, "escalate", "flash_escalated", u.caseWith, func(id int64, vals url.Values, _ *formState) (string, error) {
		var in cases.EscalationInput
		if err := bindForm(vals, &in); err != nil {
			return "", err
		}
		_, _, err := u.s.store.Escalate(c.Request.Context(), actor(c), id, in, vals.Get("idem"))
		return "", err
	})
}

func (u *ui) contact(c *gin.Context) {
	u.caseStep(c, "contact", "flash_contact", u.caseWith, func(id int64, vals url.Values, _ *formState) (string, error) {
		var in cases.ContactInput
		if err := bindForm(vals, &in); err != nil {
			return "", err
		}
		_, err := u.s.store.RecordContact(c.Request.Context(), actor(c), id, in)
		return "", err
	})
}

func (u *ui) closeCase(c *gin.Context) {
	u.caseStep(c, "close", "flash_closed", u.caseWith, func(id int64, vals url.Values, _ *formState) (string, error) {
		var in cases.CloseInput
		err := bindForm(vals, &in)
		// The workflow's own rule runs too, so every problem shows at once.
		if err = mergeErrors(err, in.Check()); err != nil {
			return "", err
		}
		return "", u.s.store.Close(c.Request.Context(), actor(c), id, in)
	})
}

func (u *ui) reopen(c *gin.Context) {
	u.caseStep(c, "reopen", "flash_reopened", u.caseWith, func(id int64, vals url.Values, _ *formState) (string, error) {
		var in cases.ReopenInput
		if err := bindForm(vals, &in); err != nil {
			return "", err
		}
		return "", u.s.store.Reopen(c.Request.Context(), actor(c), id, in)
	})
}

// completeInvestigation ends the investigation; what is missing is shown on the
// investigation's own page, next to the sections that need it.
func (u *ui) completeInvestigation(c *gin.Context) {
	// The button posts only the version; the page shown on failure fills in the record.
	show := func(c *gin.Context, f *formState, status int) {
		f.prefill = true
		u.investigationWith(c, f, status)
	}
	u.caseStep(c, "investigation", "flash_investigation_completed", show, func(id int64, vals url.Values, _ *formState) (string, error) {
		var in versionBody
		in.Version, _ = strconv.Atoi(vals.Get("version"))
		if err := checkInput(&in, nil); err != nil {
			return "", err
		}
		return "", u.s.store.CompleteInvestigation(c.Request.Context(), actor(c), id, in.Version)
	})
}

// caseFormPage renders one of a case's own form pages (investigation, wheel, plan, follow-up).
func (u *ui) caseFormPage(c *gin.Context, name string, f *formState, status int, prefill func(d *caseData, p *page) url.Values) {
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
	switch {
	case f == nil:
		f = newFormState(name, prefill(d, p))
	case f.prefill:
		for k, v := range prefill(d, p) {
			if _, posted := f.Values[k]; !posted {
				f.Values[k] = v
			}
		}
	}
	keepCurrentVersion(f)
	p.setForm(f)
	u.render(c, status, name, p)
}

func (u *ui) investigationPage(c *gin.Context) { u.investigationWith(c, nil, http.StatusOK) }

func (u *ui) investigationWith(c *gin.Context, f *formState, status int) {
	u.caseFormPage(c, "investigation", f, status, func(d *caseData, _ *page) url.Values {
		vals := url.Values{}
		inv := d.V.Investigation
		if inv == nil {
			return vals
		}
		set := func(k, v string) {
			if v != "" {
				vals.Set(k, v)
			}
		}
		deref := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		set("absence_summary", inv.AbsenceSummary)
		set("earlier_measures", inv.EarlierMeasures)
		set("school_situation", inv.SchoolSituation)
		set("social_situation", inv.SocialSituation)
		if inv.HealthConsidered {
			vals.Set("health_considered", "true")
		}
		set("student_view", inv.StudentView)
		set("guardian_view", inv.GuardianView)
		set("triggering_factors", inv.TriggeringFactors)
		set("maintaining_factors", inv.MaintainingFactors)
		set("analysis", inv.Analysis)
		if inv.SpecialSupportNeeded != nil {
			vals.Set("special_support_needed", strconv.FormatBool(*inv.SpecialSupportNeeded))
		}
		set("special_support_note", inv.SpecialSupportNote)
		set("collaboration_need", inv.CollaborationNeed)
		set("conclusion", inv.Conclusion)
		set("consult_student", deref(inv.ConsultStudent))
		set("consult_student_on", inv.ConsultStudentOn.String())
		set("consult_student_note", inv.ConsultStudentNote)
		set("consult_guardians", deref(inv.ConsultGuardians))
		set("consult_guardians_on", inv.ConsultGuardiansOn.String())
		set("consult_guardians_note", inv.ConsultGuardiansNote)
		set("consult_eht", deref(inv.ConsultEHT))
		set("consult_eht_on", inv.ConsultEHTOn.String())
		set("consult_eht_note", inv.ConsultEHTNote)
		set("secret_appendix", inv.SecretAppendix)
		return vals
	})
}

// saveInvestigation saves the sections; with "complete" it then completes the investigation.
func (u *ui) saveInvestigation(c *gin.Context) {
	u.caseStep(c, "investigation", "flash_investigation_saved", u.investigationWith, func(id int64, vals url.Values, f *formState) (string, error) {
		complete := vals.Get("complete") == "1"
		var in cases.InvestigationInput
		if err := bindForm(vals, &in); err != nil {
			return "", err
		}
		ctx, a := c.Request.Context(), actor(c)
		if err := u.s.store.SaveInvestigation(ctx, a, id, in); err != nil {
			return "", err
		}
		if !complete {
			return "/cases/" + idStr(id) + "/investigation", nil
		}
		// The save is kept even if completing is refused; the form then shows what is missing.
		f.flash = "flash_investigation_completed"
		f.Values.Set("version", strconv.Itoa(in.Version+1))
		return "", u.s.store.CompleteInvestigation(ctx, a, id, in.Version+1)
	})
}

type newCaseData struct {
	Student *studentData
	Signal  *signalRef
	Token   string
}

type signalRef struct {
	ID             int64
	Explanation    string
	AbsencePercent *float64
}

func (u *ui) newCase(c *gin.Context) {
	vals := url.Values{"student_id": {c.Query("student")}}
	if s := c.Query("signal"); s != "" {
		vals.Set("signal_id", s)
	}
	u.newCaseWith(c, newFormState("open", vals), http.StatusOK)
}

// newCaseWith renders the report form for the student named in the form.
func (u *ui) newCaseWith(c *gin.Context, f *formState, status int) {
	studentID, err := strconv.ParseInt(f.V("student_id"), 10, 64)
	if err != nil || studentID <= 0 {
		u.notFound(c)
		return
	}
	v, err := u.s.store.GetStudent(c.Request.Context(), actor(c), studentID)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	d := &newCaseData{Student: &studentData{V: v, Pnr: v.Masked}, Token: formToken()}
	if sid, err := strconv.ParseInt(f.V("signal_id"), 10, 64); err == nil {
		for _, g := range v.Signals {
			if g.ID == sid {
				d.Signal = &signalRef{ID: g.ID, Explanation: g.Explanation, AbsencePercent: g.AbsencePercent}
			}
		}
	}
	p := u.newPage(c, "cases", d)
	p.setForm(f)
	u.render(c, status, "case_new", p)
}

func (u *ui) openCase(c *gin.Context) {
	vals, err := readForm(c)
	if err != nil {
		u.errorPage(c, err)
		return
	}
	f := newFormState("open", vals)
	var in cases.OpenInput
	var id int64
	err = bindForm(vals, &in)
	if err == nil {
		id, _, err = u.s.store.OpenCase(c.Request.Context(), actor(c), in, vals.Get("idem"))
	}
	if err == nil {
		u.flashKey(c, "ok", "flash_case_opened")
		c.Redirect(http.StatusSeeOther, "/cases/"+idStr(id))
		return
	}
	if u.formFailed(c, f, err) {
		u.newCaseWith(c, f, statusOf(f.Code))
	}
}
