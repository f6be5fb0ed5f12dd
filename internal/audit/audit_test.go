package audit_test

import (
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/audit"
)

func ptr(v int64) *int64 { return &v }

// The chain hash covers every field a reader relies on, and the previous hash and position:
// changing any of them changes the hash, so a changed, moved or re-linked row is detected.
func TestHashCoversEveryField(t *testing.T) {
	at := time.Date(2026, 10, 5, 9, 0, 0, 123456000, time.UTC)
	base := audit.Row{ID: 7, At: at, ActorID: ptr(3), ActorName: "Test eht.a", Action: "read", Entity: "case", EntityID: ptr(11),
		StudentID: ptr(5), SchoolID: ptr(1), IP: "10.0.0.1", RequestID: "abc", Detail: `{"case_id":11}`}
	h := audit.Hash("prev", 4, base)
	if h != audit.Hash("prev", 4, base) || len(h) != 64 {
		t.Fatalf("hash %q is not a stable SHA-256", h)
	}
	changes := map[string]func(r *audit.Row){
		"id":         func(r *audit.Row) { r.ID = 8 },
		"time":       func(r *audit.Row) { r.At = at.Add(time.Microsecond) },
		"time zone":  func(r *audit.Row) { r.At = at.Add(time.Hour) },
		"actor":      func(r *audit.Row) { r.ActorID = ptr(4) },
		"no actor":   func(r *audit.Row) { r.ActorID = nil },
		"actor name": func(r *audit.Row) { r.ActorName = "Test eht.b" },
		"action":     func(r *audit.Row) { r.Action = "update" },
		"entity":     func(r *audit.Row) { r.Entity = "student" },
		"entity id":  func(r *audit.Row) { r.EntityID = ptr(12) },
		"student":    func(r *audit.Row) { r.StudentID = ptr(6) },
		"school":     func(r *audit.Row) { r.SchoolID = nil },
		"ip":         func(r *audit.Row) { r.IP = "10.0.0.2" },
		"request":    func(r *audit.Row) { r.RequestID = "abd" },
		"detail":     func(r *audit.Row) { r.Detail = `{"case_id":12}` },
		// Length-prefixed fields: moving characters between neighbours is a different row.
		"shifted boundary": func(r *audit.Row) { r.ActorName, r.Action = "Test eht.aread", "" },
	}
	for name, change := range changes {
		r := base
		change(&r)
		if audit.Hash("prev", 4, r) == h {
			t.Errorf("changing the %s does not change the hash", name)
		}
	}
	if audit.Hash("other", 4, base) == h || audit.Hash("prev", 5, base) == h {
		t.Error("the previous hash or the position is not part of the hash")
	}
	// The same instant in another location is the same row (stored as timestamptz).
	r := base
	r.At = at.In(time.FixedZone("CEST", 2*3600))
	if audit.Hash("prev", 4, r) != h {
		t.Error("the hash depends on the time zone the row was read in")
	}
}
