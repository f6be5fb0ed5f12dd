package web_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Retention through the API: the dry run lists, the run disposes of and logs, a legal hold set
// by the rektor keeps a case; with the shipped (empty) configuration nothing is disposed of.
func TestRetentionAndLegalHoldThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	var plan struct {
		Configured bool
		Items      []struct{ ID int64 }
		Disposed   int
	}
	e.must(200, e.call(o.A.Admin, "GET", "/api/v1/retention/plan", nil)).json(t, &plan)
	if plan.Configured || len(plan.Items) != 0 {
		t.Fatalf("the shipped retention.yaml plans %+v", plan)
	}
	gone, _ := e.caseAt(own, stageClosed)
	kept, _ := e.caseAt(own, stageClosed)
	e.must(200, e.call(o.A.Rektor, "POST", fmt.Sprintf("/api/v1/cases/%d/legal-hold", kept), map[string]any{"hold": true, "reason": "Överklagat"}))
	// A day's period, with the clock a week on.
	e.web.UseConfigFilesForTest(fstest.MapFS{"retention.yaml": {Data: []byte("cases:\n  closed: 1d\n")}})
	e.store.Now = func() time.Time { return time.Now().AddDate(0, 0, 7) }
	e.must(200, e.call(o.A.Admin, "GET", "/api/v1/retention/plan", nil)).json(t, &plan)
	if !plan.Configured || len(plan.Items) != 1 || plan.Items[0].ID != gone {
		t.Fatalf("plan %+v, want only case %d (case %d is on legal hold)", plan, gone, kept)
	}
	e.must(200, e.call(o.A.Admin, "POST", "/api/v1/retention/run", nil)).json(t, &plan)
	if plan.Disposed != 1 {
		t.Fatalf("run %+v", plan)
	}
	var view struct{ Case struct{ Description string } }
	e.must(200, e.call(o.A.Rektor, "GET", fmt.Sprintf("/api/v1/cases/%d", gone), nil)).json(t, &view)
	if view.Case.Description != "" {
		t.Fatalf("disposed case still reads %q", view.Case.Description)
	}
	e.must(200, e.call(o.A.Rektor, "GET", fmt.Sprintf("/api/v1/cases/%d", kept), nil)).json(t, &view)
	if view.Case.Description == "" {
		t.Fatal("the case on legal hold was disposed of")
	}
	var audit []struct{ Action, Entity string }
	e.must(200, e.call(o.A.Admin, "GET", "/api/v1/audit?action=dispose&from="+time.Now().Format("2006-01-02"), nil)).json(t, &audit)
	if len(audit) != 1 || audit[0].Entity != "case" {
		t.Fatalf("the disposal is not in the audit log: %+v", audit)
	}
}

// The access-log extract as JSON and CSV names who read the student's data, when and from where.
func TestAccessLogExtractThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	e.must(200, e.call(o.A.EHT, "GET", fmt.Sprintf("/api/v1/students/%d", o.StudentA), nil, "X-Request-ID", "granskas-1"))
	var x struct {
		Student struct{ Name string }
		Entries []struct {
			ActorName string `json:"actor_name"`
			Action    string
			IP        string
			RequestID string `json:"request_id"`
		}
	}
	e.must(200, e.call(o.A.Rektor, "GET", fmt.Sprintf("/api/v1/students/%d/access-log", o.StudentA), nil)).json(t, &x)
	found := false
	for _, en := range x.Entries {
		found = found || (en.ActorName == "Test eht.a" && en.Action == "read" && en.RequestID == "granskas-1" && en.IP != "")
	}
	if !found || x.Student.Name != "Åsa Öberg" {
		t.Fatalf("extract %+v lacks the EHT member's read", x)
	}
	r := e.must(200, e.call(o.A.Admin, "GET", fmt.Sprintf("/api/v1/students/%d/access-log.csv?from=2000-01-01", o.StudentA), nil))
	rows, err := csvReader(string(r.Body)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][1] != "användare" {
		t.Fatalf("CSV %v, %v", rows, err)
	}
	if !strings.Contains(string(r.Body), "granskas-1") {
		t.Fatalf("CSV lacks the read: %s", r.Body)
	}
}

func csvReader(s string) *csv.Reader {
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = ';'
	return r
}
