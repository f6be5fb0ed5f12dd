package postgres

import (
	"context"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Translate exposes the one error translation to the tests of its mapping.
var Translate = translate

// VisibleStudentIDs runs visibleStudents alone over every student, for the test that it agrees
// with auth.SeeStudent.
func VisibleStudentIDs(ctx context.Context, db *DB, a *narvaro.Actor) ([]int64, error) {
	vis, args := visibleStudents("st", 1, a)
	var ids []int64
	err := db.SelectContext(ctx, &ids, `SELECT st.id FROM students st WHERE `+vis+` ORDER BY st.id`, args...)
	return ids, err
}

// RetentionLockKey is the advisory lock a retention run holds.
const RetentionLockKey = retentionLock
