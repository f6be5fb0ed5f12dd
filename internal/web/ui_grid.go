package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// The forms with repeated parts — the wheel grid (domains × perspectives), the plan's measure
// rows and the follow-up's result per measure — work without script: the rows are rendered
// ahead, empty rows are ignored, and errors about the n-th submitted item are shown at the row
// it came from.

// gridName is the input name of one cell of the wheel grid.
func gridName(prefix, domain string, p wheel.Perspective, part string) string {
	return prefix + "r." + domain + "." + string(p) + "." + part
}

// readGrid turns the wheel grid into ratings, leaving out cells with nothing in them.
func readGrid(w *wheel.Wheel, vals url.Values, prefix string, f *formState) ([]wheel.Rating, []narvaro.FieldError) {
	var out []wheel.Rating
	var problems []narvaro.FieldError
	for _, d := range w.Domains() {
		for _, persp := range wheel.Perspectives {
			r := wheel.Rating{Domain: d.Key, Perspective: persp, Note: strings.TrimSpace(vals.Get(gridName(prefix, d.Key, persp, "note")))}
			if k := vals.Get(gridName(prefix, d.Key, persp, "kind")); k != "" {
				kind := wheel.Kind(k)
				r.Kind = &kind
			}
			if s := strings.TrimSpace(vals.Get(gridName(prefix, d.Key, persp, "rating"))); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil {
					problems = append(problems, narvaro.FieldError{Field: gridName(prefix, d.Key, persp, "rating"),
						Message: narvaro.Text{SV: "Välj en skattning 1–5.", EN: "Choose a rating 1–5."}})
					continue
				}
				r.Rating = &n
			}
			if r.Empty() {
				continue
			}
			i := strconv.Itoa(len(out))
			for _, part := range []string{"kind", "rating", "note"} {
				f.alias[prefix+"ratings["+i+"]."+part] = gridName(prefix, d.Key, persp, part)
			}
			f.alias[prefix+"ratings["+i+"]"] = gridName(prefix, d.Key, persp, "kind")
			if prefix != "" {
				for _, part := range []string{"kind", "rating", "note"} {
					f.alias["ratings["+i+"]."+part] = gridName(prefix, d.Key, persp, part)
				}
			}
			out = append(out, r)
		}
	}
	return out, problems
}

func (u *ui) wheelPage(c *gin.Context) { u.wheelWith(c, nil, http.StatusOK) }

func (u *ui) wheelWith(c *gin.Context, f *formState, status int) {
	u.caseFormPage(c, "wheel", f, status, func(_ *caseData, p *page) url.Values {
		return url.Values{"assessed_on": {p.Today.String()}}
	})
}

func (u *ui) recordWheel(c *gin.Context) {
	u.caseStep(c, "wheel", "flash_wheel_recorded", u.wheelWith, func(id int64, vals url.Values, f *formState) (string, error) {
		ctx, a := c.Request.Context(), actor(c)
		var in wheelBody
		parsed := decodeForm(vals, &in.AssessmentInput, "")
		in.Version, _ = strconv.Atoi(vals.Get("version"))
		in.Occasion = vals.Get("occasion")
		ratings, bad := readGrid(u.wheel, vals, "", f)
		in.Ratings = ratings
		// The embedded input is checked on its own so messages name the form's fields.
		err := checkInput(&in.AssessmentInput, append(parsed, bad...))
		if in.Version <= 0 || (in.Occasion != string(wheel.AtReport) && in.Occasion != string(wheel.AtInvestigation)) {
			err = mergeErrors(err, narvaro.Errorf(narvaro.CodeInvalid, "Formuläret är inaktuellt; ladda om sidan.", "The form is out of date; reload the page."))
		}
		if err != nil {
			return "", err
		}
		if _, err := u.s.store.RecordAssessment(ctx, a, id, wheel.Occasion(in.Occasion), in.AssessmentInput, in.Version); err != nil {
			return "", err
		}
		if in.Occasion == string(wheel.AtInvestigation) {
			return "/cases/" + idStr(id) + "/investigation", nil
		}
		return "", nil
	})
}

// planRows is how many measure rows the plan form offers.
func planRows(existing int) int { return min(50, max(5, existing+2)) }

var measureFields = []string{"description", "domains", "level", "responsible", "start_date", "expected_effect", "follow_up_date"}

func (u *ui) planPage(c *gin.Context) { u.planWith(c, nil, http.StatusOK) }

// planWith renders the plan form; a revision starts from the latest plan's measures.
func (u *ui) planWith(c *gin.Context, f *formState, status int) {
	u.caseFormPage(c, "plan", f, status, func(d *caseData, _ *page) url.Values {
		vals := url.Values{}
		if n := len(d.Plans); n > 0 {
			latest := d.Plans[n-1]
			vals.Set("summary", latest.Summary)
			for i, m := range latest.Measures {
				pre := "measures[" + strconv.Itoa(i) + "]."
				vals.Set(pre+"description", m.Description)
				vals[pre+"domains"] = append([]string(nil), m.Domains...)
				vals.Set(pre+"level", m.Level)
				vals.Set(pre+"responsible", m.Responsible)
				vals.Set(pre+"start_date", m.StartDate.String())
				vals.Set(pre+"expected_effect", m.ExpectedEffect)
				vals.Set(pre+"follow_up_date", m.FollowUpDate.String())
			}
			vals.Set("rows", strconv.Itoa(planRows(len(latest.Measures))))
		}
		return vals
	})
}

func (u *ui) submitPlan(c *gin.Context) {
	u.caseStep(c, "plan", "flash_plan_submitted", u.planWith, func(id int64, vals url.Values, f *formState) (string, error) {
		var in cases.PlanInput
		parsed := decodeForm(vals, &in, "")
		rows, _ := strconv.Atoi(vals.Get("rows"))
		rows = min(max(rows, 5), 50)
		in.Measures = []cases.MeasureInput{}
		for row := range rows {
			pre := "measures[" + strconv.Itoa(row) + "]."
			if rowEmpty(vals, pre) {
				continue
			}
			var m cases.MeasureInput
			parsed = append(parsed, decodeForm(vals, &m, pre)...)
			k := "measures[" + strconv.Itoa(len(in.Measures)) + "]"
			f.alias[k] = pre + "description"
			for _, fl := range measureFields {
				f.alias[k+"."+fl] = pre + fl
			}
			in.Measures = append(in.Measures, m)
		}
		err := checkInput(&in, parsed)
		if err = mergeErrors(err, in.Check(u.wheel)); err != nil {
			return "", err
		}
		_, err = u.s.store.SubmitPlan(c.Request.Context(), actor(c), id, in)
		return "", err
	})
}

// rowEmpty reports whether a repeated row was left blank (so it is ignored).
func rowEmpty(vals url.Values, prefix string) bool {
	for k, vs := range vals {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				return false
			}
		}
	}
	return true
}

func (u *ui) followUpPage(c *gin.Context) { u.followUpWith(c, nil, http.StatusOK) }

func (u *ui) followUpWith(c *gin.Context, f *formState, status int) {
	u.caseFormPage(c, "followup", f, status, func(_ *caseData, p *page) url.Values {
		return url.Values{"held_on": {p.Today.String()},
			"next_date": {p.Today.AddDays(u.s.store.Settings.Deadlines.FollowUpDays).String()}}
	})
}

func (u *ui) recordFollowUp(c *gin.Context) {
	u.caseStep(c, "followup", "flash_followup_recorded", u.followUpWith, func(id int64, vals url.Values, f *formState) (string, error) {
		var in cases.FollowUpInput
		parsed := decodeForm(vals, &in, "")
		in.Results = []cases.MeasureResult{}
		for i := 0; i < 50; i++ {
			pre := "results[" + strconv.Itoa(i) + "]."
			mid := vals.Get(pre + "measure_id")
			if mid == "" {
				break
			}
			r := cases.MeasureResult{Result: vals.Get(pre + "result"), Comment: vals.Get(pre + "comment")}
			r.MeasureID, _ = strconv.ParseInt(mid, 10, 64)
			in.Results = append(in.Results, r)
		}
		if wheelGiven(vals) {
			// The wheel's own rule names its fields without the form's prefix.
			f.alias["child_participation"] = "wheel.child_participation"
			f.alias["assessed_on"] = "wheel.assessed_on"
			var w cases.AssessmentInput
			if strings.TrimSpace(vals.Get("wheel.assessed_on")) == "" {
				vals.Set("wheel.assessed_on", vals.Get("held_on"))
			}
			parsed = append(parsed, decodeForm(vals, &w, "wheel.")...)
			ratings, bad := readGrid(u.wheel, vals, "wheel.", f)
			w.Ratings = ratings
			parsed = append(parsed, bad...)
			in.Wheel = &w
		}
		if err := checkInput(&in, parsed); err != nil {
			return "", err
		}
		_, _, err := u.s.store.RecordFollowUp(c.Request.Context(), actor(c), id, in, vals.Get("idem"))
		return "", err
	})
}

// wheelGiven reports whether the follow-up's optional wheel was filled in at all.
func wheelGiven(vals url.Values) bool {
	for k, vs := range vals {
		if !strings.HasPrefix(k, "wheel.") || k == "wheel.assessed_on" {
			continue
		}
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				return true
			}
		}
	}
	return false
}
