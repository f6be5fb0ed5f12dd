// Package audit describes the access log: every read and write of case data (who, when, what,
// which student, from where). Rows are chained by SHA-256 so that tampering is detectable; the
// chain is computed here, stored by internal/postgres.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Actions recorded.
const (
	Read     = "read"
	Create   = "create"
	Update   = "update"
	Download = "download"
	Export   = "export"
	SignIn   = "sign_in"
	SignOut  = "sign_out"
	Dispose  = "dispose"
)

// Entry is what a caller records.
type Entry struct {
	Action    string
	Entity    string // "case", "student", "document", "attendance_import", ...
	EntityID  int64
	StudentID int64
	SchoolID  int64
	Detail    map[string]any
}

// Row is a stored audit row, as the chain sees it.
type Row struct {
	ID        int64     `db:"id" json:"id"`
	At        time.Time `db:"at" json:"at"`
	ActorID   *int64    `db:"actor_id" json:"actor_id,omitempty"`
	ActorName string    `db:"actor_name" json:"actor_name"`
	Action    string    `db:"action" json:"action"`
	Entity    string    `db:"entity" json:"entity"`
	EntityID  *int64    `db:"entity_id" json:"entity_id,omitempty"`
	StudentID *int64    `db:"student_id" json:"student_id,omitempty"`
	SchoolID  *int64    `db:"school_id" json:"school_id,omitempty"`
	IP        string    `db:"ip" json:"ip"`
	RequestID string    `db:"request_id" json:"request_id"`
	Detail    string    `db:"detail" json:"detail"`
	Seq       *int64    `db:"seq" json:"seq,omitempty"`
	PrevHash  *string   `db:"prev_hash" json:"-"`
	Hash      *string   `db:"hash" json:"-"`
}

// Hash chains a row to the previous row's hash. Every field a reader relies on is included,
// with separators that cannot occur in the numbers, so no two rows hash alike by accident.
func Hash(prev string, seq int64, r Row) string {
	h := sha256.New()
	put := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	put(prev)
	put(strconv.FormatInt(seq, 10))
	put(strconv.FormatInt(r.ID, 10))
	put(r.At.UTC().Format(time.RFC3339Nano))
	put(opt(r.ActorID))
	put(r.ActorName)
	put(r.Action)
	put(r.Entity)
	put(opt(r.EntityID))
	put(opt(r.StudentID))
	put(opt(r.SchoolID))
	put(r.IP)
	put(r.RequestID)
	put(r.Detail)
	return hex.EncodeToString(h.Sum(nil))
}
