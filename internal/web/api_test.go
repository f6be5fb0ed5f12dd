package web_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// One case walked through the API from a signal to closure and reopening.
func TestAPICaseJourney(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	mentor, eht, rektor, admin := o.A.Mentor, o.A.EHT, o.A.Rektor, o.A.Admin

	var sig struct{ ID int64 }
	e.must(201, e.call(mentor, "POST", "/api/v1/signals", map[string]any{"student_id": o.StudentA, "reason": "Sen ankomst och frånvaro på måndagar"})).json(t, &sig)
	var signals []struct{ ID int64 }
	e.must(200, e.call(eht, "GET", "/api/v1/signals", nil)).json(t, &signals)
	if len(signals) != 1 || signals[0].ID != sig.ID {
		t.Fatalf("EHT sees signals %+v, want the mentor's", signals)
	}

	var c struct{ ID int64 }
	e.must(201, e.call(eht, "POST", "/api/v1/cases", map[string]any{"student_id": o.StudentA, "signal_id": sig.ID,
		"description": "Frånvaro på måndagar sedan september.", "concern_domains": []string{"safe", "included"}}, "Idempotency-Key", "open-1")).json(t, &c)
	// A retried submit returns the same case.
	var again struct{ ID int64 }
	r := e.must(200, e.call(eht, "POST", "/api/v1/cases", map[string]any{"student_id": o.StudentA, "signal_id": sig.ID,
		"description": "Frånvaro på måndagar sedan september.", "concern_domains": []string{"safe", "included"}}, "Idempotency-Key", "open-1"))
	r.json(t, &again)
	if again.ID != c.ID || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry created %d, want replay of %d", again.ID, c.ID)
	}
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)

	e.must(200, e.call(rektor, "POST", path+"/assessment", map[string]any{"decision": "started", "reasons": "Upprepad frånvaro", "version": e.version(eht, c.ID)}))
	// The rektor's task list shows the notice to send.
	var tasks []struct {
		Kind     string
		NoticeID *int64 `json:"notice_id"`
	}
	e.must(200, e.call(rektor, "GET", "/api/v1/tasks", nil)).json(t, &tasks)
	var notice int64
	for _, tk := range tasks {
		if tk.Kind == "send_notice" {
			notice = *tk.NoticeID
		}
	}
	if notice == 0 {
		t.Fatalf("rektor's tasks %+v lack the notice to the huvudman", tasks)
	}
	e.must(200, e.call(rektor, "POST", fmt.Sprintf("/api/v1/notices/%d/send", notice), nil))
	e.must(200, e.call(admin, "POST", fmt.Sprintf("/api/v1/notices/%d/receive", notice), nil))

	e.must(200, e.call(eht, "PUT", path+"/investigation", map[string]any{"conclusion": "Otrygghet på rasterna", "student_view": "Jag är rädd",
		"consult_student": "held", "consult_student_on": "2026-10-06", "consult_guardians": "held", "consult_guardians_on": "2026-10-06",
		"consult_eht": "not_possible", "consult_eht_note": "Skriftligt samråd", "version": e.version(eht, c.ID)}))
	e.must(201, e.call(eht, "POST", path+"/wheel", map[string]any{"occasion": "investigation", "assessed_on": "2026-10-06", "child_participation": "meeting",
		"child_words": "Jag vill vara med", "ratings": []map[string]any{{"domain": "safe", "perspective": "child", "kind": "concern"}}, "version": e.version(eht, c.ID)}))
	e.must(200, e.call(eht, "POST", path+"/investigation/complete", map[string]any{"version": e.version(eht, c.ID)}))

	measure := map[string]any{"description": "Rastvärd", "domains": []string{"safe"}, "level": "school", "responsible": "Rektor",
		"start_date": "2026-10-12", "expected_effect": "Trygghet", "follow_up_date": "2026-11-02"}
	e.must(201, e.call(eht, "POST", path+"/plans", map[string]any{"measures": []any{measure}, "version": e.version(eht, c.ID)}))
	e.must(200, e.call(rektor, "POST", path+"/plans/decision", map[string]any{"decision": "approve", "version": e.version(eht, c.ID)}))

	var view struct {
		Plans []struct {
			Status   string
			Measures []struct{ ID int64 }
		}
	}
	e.must(200, e.call(eht, "GET", path, nil)).json(t, &view)
	mid := view.Plans[0].Measures[0].ID
	today := e.store.Now().Format("2006-01-02")
	fu := map[string]any{"held_on": today, "results": []map[string]any{{"measure_id": mid, "result": "improved"}}, "version": e.version(eht, c.ID)}
	e.must(201, e.call(eht, "POST", path+"/followups", fu, "Idempotency-Key", "fu-1"))
	e.must(200, e.call(eht, "POST", path+"/followups", fu, "Idempotency-Key", "fu-1"))
	e.must(201, e.call(mentor, "POST", path+"/escalations", map[string]any{"kind": "report_of_concern", "occurred_on": today, "note": "Oro"}))
	e.must(200, e.call(eht, "POST", path+"/close", map[string]any{"reason": "attendance_restored", "child_view": "Bra nu", "version": e.version(eht, c.ID)}))
	e.must(200, e.call(eht, "POST", path+"/reopen", map[string]any{"reason": "Frånvaron ökar igen", "version": e.version(eht, c.ID)}))

	var final struct {
		Case      struct{ Status string }
		FollowUps []any `json:"followups"`
		Events    []struct{ Kind string }
	}
	e.must(200, e.call(eht, "GET", path, nil)).json(t, &final)
	if final.Case.Status != "reported" || len(final.FollowUps) != 1 || len(final.Events) < 10 {
		t.Fatalf("after the journey: status %s, %d follow-ups, %d events", final.Case.Status, len(final.FollowUps), len(final.Events))
	}
}

func TestAPIStaleVersionIs409AndLosesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	var c struct{ ID int64 }
	e.must(201, e.call(o.A.EHT, "POST", "/api/v1/cases", map[string]any{"student_id": o.StudentA, "description": "Frånvaro under flera veckor.", "concern_domains": []string{"safe"}})).json(t, &c)
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	e.must(200, e.call(o.A.Rektor, "POST", path+"/assessment", map[string]any{"decision": "started", "reasons": "Skäl", "version": 1}))
	r := e.must(409, e.call(o.A.Rektor, "POST", path+"/reopen", map[string]any{"reason": "Gammal version", "version": 1}))
	if f := r.errorFields(t); f["_code"] != "conflict" {
		t.Fatalf("error = %v", f)
	}
}

func TestAPIValidationMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	tests := []struct {
		name, body, lang string
		status           int
		field, contains  string
	}{
		{"not json", `{"student_id":`, "", 400, "", "kunde inte läsas"},
		{"wrong type", `{"student_id":"abc","description":"x","concern_domains":["safe"]}`, "", 400, "student_id", "Fel typ"},
		{"unknown field", `{"student_id":1,"description":"Tillräckligt lång","concern_domains":["safe"],"hack":true}`, "en", 400, "hack", "Unknown field"},
		{"missing required, Swedish", `{"description":"kort"}`, "", 422, "student_id", "måste fyllas i"},
		{"too short, English", `{"student_id":1,"description":"kort","concern_domains":["safe"]}`, "en", 422, "description", "at least 10 characters"},
		{"unknown domain", fmt.Sprintf(`{"student_id":%d,"description":"Tillräckligt lång text","concern_domains":["happy"]}`, o.StudentA), "", 422, "concern_domains", "inget område i hjulet"},
		{"empty body", ``, "", 400, "", "kunde inte läsas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(o.A.EHT, "POST", "/api/v1/cases", tt.body, "Accept-Language", tt.lang)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			f := r.errorFields(t)
			got := f["_message"]
			if tt.field != "" {
				got = f[tt.field]
			}
			if !strings.Contains(got, tt.contains) {
				t.Fatalf("message %q does not contain %q (all: %v)", got, tt.contains, f)
			}
		})
	}
	var n int
	e.store.DB.Get(&n, `SELECT count(*) FROM cases`)
	if n != 0 {
		t.Fatalf("%d cases were saved from invalid requests", n)
	}
}

func TestAPIAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(401, e.call(0, "GET", "/api/v1/cases", nil))
	e.must(401, e.call(0, "GET", "/api/v1/cases", nil, "Authorization", "Bearer nrv_wrong"))
	e.must(200, e.call(e.org.A.EHT, "GET", "/api/v1/cases", nil))
	// A revoked token stops working.
	e.store.DB.Exec(`UPDATE api_tokens SET revoked_at = now()`)
	e.must(401, e.call(e.org.A.EHT, "GET", "/api/v1/cases", nil))
	e.must(200, e.call(0, "GET", "/healthz", nil))
	e.must(200, e.call(0, "GET", "/readyz", nil))
}

func TestAPIConcurrentOpeningGivesDistinctNumbers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	ids := []int64{o.StudentA, o.ProtectedA}
	e.token(o.A.Rektor)
	var wg sync.WaitGroup
	status := make([]int, len(ids))
	for i, st := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status[i] = e.call(o.A.Rektor, "POST", "/api/v1/cases", map[string]any{"student_id": st, "description": "Samtidigt öppnat ärende.", "concern_domains": []string{"safe"}}).Status
		}()
	}
	wg.Wait()
	var numbers []string
	e.store.DB.Select(&numbers, `SELECT case_number FROM cases ORDER BY case_number`)
	if status[0] != 201 || status[1] != 201 || len(numbers) != 2 || numbers[0] == numbers[1] {
		t.Fatalf("statuses %v, numbers %v", status, numbers)
	}
}
