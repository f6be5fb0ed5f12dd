package postgres

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Actor loads a signed-in user with the schools they may reach: their own schools, or for an
// administrator every school of their huvudman.
func (db *DB) Actor(ctx context.Context, userID int64) (*narvaro.Actor, error) {
	var u actorRow
	err := db.GetContext(ctx, &u, `SELECT `+actorColumns+` FROM users u WHERE u.id = $1`, userID)
	if err != nil {
		return nil, translate(fmt.Errorf("load actor %d: %w", userID, err))
	}
	return u.actor()
}

// actorColumns are what an actor is made of, read from users u.
const actorColumns = `u.id, u.display_name, u.title, u.role, u.huvudman_id, u.active,
	CASE WHEN u.role = 'admin'
	     THEN ARRAY(SELECT s.id FROM schools s WHERE s.huvudman_id = u.huvudman_id ORDER BY s.id)
	     ELSE ARRAY(SELECT us.school_id FROM user_schools us WHERE us.user_id = u.id ORDER BY us.school_id)
	END AS schools`

type actorRow struct {
	ID          int64         `db:"id"`
	DisplayName string        `db:"display_name"`
	Title       string        `db:"title"`
	Role        narvaro.Role  `db:"role"`
	HuvudmanID  *int64        `db:"huvudman_id"`
	Active      bool          `db:"active"`
	Schools     pq.Int64Array `db:"schools"`
}

func (u *actorRow) actor() (*narvaro.Actor, error) {
	if !u.Active {
		return nil, narvaro.Unauthorized()
	}
	a := &narvaro.Actor{UserID: u.ID, Name: u.DisplayName, Title: u.Title, Role: u.Role, SchoolIDs: u.Schools}
	if u.HuvudmanID != nil {
		a.HuvudmanID = *u.HuvudmanID
	}
	return a, nil
}
