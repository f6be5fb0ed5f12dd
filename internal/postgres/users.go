package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// dummyHash is checked when the username is unknown, so a sign-in takes as long either way.
var dummyHash, _ = auth.HashPassword("no such user, but take the same time")

// Lockout is the sign-in policy.
type Lockout struct {
	After int
	For   time.Duration
}

// SignIn checks a username and password. Repeated failures lock the account for a while; the
// answer never tells whether the username exists.
func (s *Store) SignIn(ctx context.Context, username, password string, l Lockout, ip, reqID string) (*narvaro.Actor, error) {
	wrong := narvaro.Errorf(narvaro.CodeUnauthorized, "Fel användarnamn eller lösenord.", "Wrong username or password.")
	var u narvaro.User
	err := s.DB.GetContext(ctx, &u, `SELECT * FROM users WHERE username = $1`, strings.ToLower(strings.TrimSpace(username)))
	if isNoRows(err) {
		_, _ = auth.CheckPassword(dummyHash, password)
		return nil, wrong
	}
	if err != nil {
		return nil, translate(err)
	}
	now := s.Now()
	if u.LockedUntil != nil && u.LockedUntil.After(now) {
		_, _ = auth.CheckPassword(dummyHash, password)
		mins := int(u.LockedUntil.Sub(now).Minutes()) + 1
		return nil, narvaro.Errorf(narvaro.CodeUnauthorized,
			fmt.Sprintf("För många misslyckade inloggningar. Kontot är låst i %d minuter till.", mins),
			fmt.Sprintf("Too many failed sign-ins. The account is locked for %d more minutes.", mins))
	}
	ok, _ := auth.CheckPassword(u.PasswordHash, password)
	if !ok || !u.Active {
		if _, err := s.DB.ExecContext(ctx, `UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
			locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz ELSE locked_until END WHERE id = $1`, u.ID, l.After, now.Add(l.For)); err != nil {
			return nil, translate(err)
		}
		_ = s.DB.Audit(ctx, &narvaro.Actor{UserID: u.ID, Name: u.DisplayName, IP: ip, RequestID: reqID},
			audit.Entry{Action: "sign_in_failed", Entity: "user", EntityID: u.ID})
		return nil, wrong
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, u.ID); err != nil {
		return nil, translate(err)
	}
	a, err := s.DB.Actor(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	a.IP, a.RequestID = ip, reqID
	return a, s.DB.Audit(ctx, a, audit.Entry{Action: audit.SignIn, Entity: "user", EntityID: u.ID})
}

// ActorByToken authenticates an API token by its SHA-256 and loads its user in one statement.
// The token's last use is recorded to the minute: writing it on every request would make each
// read a write that waits for the disk.
func (db *DB) ActorByToken(ctx context.Context, hash []byte) (*narvaro.Actor, error) {
	var u actorRow
	err := db.GetContext(ctx, &u, `
		WITH t AS (
			SELECT id, user_id, last_used_at FROM api_tokens
			WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
		), touched AS (
			UPDATE api_tokens a SET last_used_at = now() FROM t
			WHERE a.id = t.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute')
		)
		SELECT `+actorColumns+` FROM t JOIN users u ON u.id = t.user_id`, hash)
	if isNoRows(err) {
		return nil, narvaro.Errorf(narvaro.CodeUnauthorized, "API-nyckeln är ogiltig, återkallad eller har gått ut.", "The API token is invalid, revoked or expired.")
	}
	if err != nil {
		return nil, translate(err)
	}
	return u.actor()
}

// UserInput creates or changes a user.
type UserInput struct {
	Username    string  `json:"username" form:"username" binding:"required,min=2,max=64"`
	DisplayName string  `json:"display_name" form:"display_name" binding:"required,min=2,max=200"`
	Title       string  `json:"title" form:"title" binding:"max=200"`
	Email       string  `json:"email" form:"email" binding:"omitempty,email,max=200"`
	Role        string  `json:"role" form:"role" binding:"required,oneof=mentor eht rektor admin"`
	SchoolIDs   []int64 `json:"school_ids" form:"school_ids" binding:"max=100,dive,gt=0"`
	Password    string  `json:"password" form:"password" binding:"omitempty,min=12,max=200"`
	Active      *bool   `json:"active" form:"active"`
}

// UserRow is a user with their schools, for administration.
type UserRow struct {
	narvaro.User
	Schools pq.Int64Array `db:"schools" json:"-"`
}

// ListUsers lists the users of the administrator's huvudman.
func (s *Store) ListUsers(ctx context.Context, a *narvaro.Actor) ([]narvaro.User, error) {
	if err := auth.Allow(a, auth.ManageUsers); err != nil {
		return nil, err
	}
	var rows []UserRow
	err := s.DB.SelectContext(ctx, &rows, `
		SELECT u.*, ARRAY(SELECT school_id FROM user_schools WHERE user_id = u.id ORDER BY school_id) AS schools FROM users u
		WHERE u.huvudman_id = $1 OR EXISTS (SELECT 1 FROM user_schools us WHERE us.user_id = u.id AND us.school_id = ANY($2))
		ORDER BY u.display_name COLLATE sv_se`, a.HuvudmanID, pq.Int64Array(a.SchoolIDs))
	if err != nil {
		return nil, translate(err)
	}
	out := make([]narvaro.User, len(rows))
	for i, r := range rows {
		out[i] = r.User
		out[i].SchoolIDs = []int64(r.Schools)
		if out[i].SchoolIDs == nil {
			out[i].SchoolIDs = []int64{}
		}
	}
	return out, nil
}

// SaveUser creates a user (id 0) or changes one, within the administrator's huvudman.
func (s *Store) SaveUser(ctx context.Context, a *narvaro.Actor, id int64, in UserInput) (int64, error) {
	if err := auth.Allow(a, auth.ManageUsers); err != nil {
		return 0, err
	}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	var p narvaro.Problems
	for _, sid := range in.SchoolIDs {
		if !a.InSchool(sid) {
			p.Add("school_ids", "Skolan hör inte till din huvudman.", "The school does not belong to your governing body.")
		}
	}
	if in.Role != string(narvaro.RoleAdmin) && len(in.SchoolIDs) == 0 {
		p.Add("school_ids", "Välj minst en skola för användaren.", "Choose at least one school for the user.")
	}
	if id == 0 && in.Password == "" {
		p.Add("password", "Ange ett lösenord (minst 12 tecken).", "Give a password (at least 12 characters).")
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = auth.HashPassword(in.Password); err != nil {
			return 0, narvaro.Internal(err)
		}
	}
	var huvudman *int64
	if in.Role == string(narvaro.RoleAdmin) {
		huvudman = &a.HuvudmanID
	}
	active := in.Active == nil || *in.Active
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		if id == 0 {
			if err := tx.GetContext(ctx, &id, `INSERT INTO users (username, display_name, title, email, role, huvudman_id, password_hash, active)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, in.Username, in.DisplayName, in.Title, in.Email, in.Role, huvudman, hash, active); err != nil {
				return err
			}
		} else {
			if err := s.ownUser(ctx, tx, a, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET username = $2, display_name = $3, title = $4, email = $5, role = $6, huvudman_id = $7,
				password_hash = CASE WHEN $8 = '' THEN password_hash ELSE $8 END, active = $9, version = version + 1 WHERE id = $1`,
				id, in.Username, in.DisplayName, in.Title, in.Email, in.Role, huvudman, hash, active); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_schools WHERE user_id = $1`, id); err != nil {
				return err
			}
		}
		for _, sid := range in.SchoolIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)`, id, sid); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Update, Entity: "user", EntityID: id, Detail: map[string]any{"role": in.Role}})
	})
	return id, err
}

// ownUser checks that the user belongs to the administrator's huvudman.
func (s *Store) ownUser(ctx context.Context, q queryer, a *narvaro.Actor, userID int64) error {
	var ok bool
	err := q.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND (u.huvudman_id = $2
		OR EXISTS (SELECT 1 FROM user_schools us WHERE us.user_id = u.id AND us.school_id = ANY($3))))`, userID, a.HuvudmanID, pq.Int64Array(a.SchoolIDs))
	if err != nil {
		return err
	}
	if !ok {
		return narvaro.NotFound("Användaren", "The user")
	}
	return nil
}

// Token is an API token as listed (never with its secret).
type Token struct {
	ID         int64      `json:"id" db:"id"`
	UserID     int64      `json:"user_id" db:"user_id"`
	Username   string     `json:"username" db:"username"`
	Name       string     `json:"name" db:"name"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty" db:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" db:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty" db:"revoked_at"`
}

// TokenInput creates an API token.
type TokenInput struct {
	Name      string `json:"name" form:"name" binding:"required,min=2,max=100"`
	ValidDays int    `json:"valid_days" form:"valid_days" binding:"omitempty,min=1,max=730"`
}

// CreateToken creates an API token for a user; the secret is returned once and stored hashed.
func (s *Store) CreateToken(ctx context.Context, a *narvaro.Actor, userID int64, in TokenInput) (int64, string, error) {
	if err := auth.Allow(a, auth.ManageTokens); err != nil {
		return 0, "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return 0, "", narvaro.Internal(err)
	}
	secret := "nrv_" + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(secret))
	var expires *time.Time
	if in.ValidDays > 0 {
		t := s.Now().AddDate(0, 0, in.ValidDays)
		expires = &t
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.ownUser(ctx, tx, a, userID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO api_tokens (user_id, name, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			userID, in.Name, sum[:], a.UserID, expires); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "api_token", EntityID: id, Detail: map[string]any{"user_id": userID}})
	})
	return id, secret, err
}

// ListTokens lists the API tokens of the administrator's users.
func (s *Store) ListTokens(ctx context.Context, a *narvaro.Actor) ([]Token, error) {
	if err := auth.Allow(a, auth.ManageTokens); err != nil {
		return nil, err
	}
	out := []Token{}
	err := s.DB.SelectContext(ctx, &out, `SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE u.huvudman_id = $1 OR EXISTS (SELECT 1 FROM user_schools us WHERE us.user_id = u.id AND us.school_id = ANY($2))
		ORDER BY t.created_at DESC`, a.HuvudmanID, pq.Int64Array(a.SchoolIDs))
	return out, translate(err)
}

// RevokeToken revokes an API token.
func (s *Store) RevokeToken(ctx context.Context, a *narvaro.Actor, tokenID int64) error {
	if err := auth.Allow(a, auth.ManageTokens); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var userID int64
		if err := tx.GetContext(ctx, &userID, `SELECT user_id FROM api_tokens WHERE id = $1`, tokenID); err != nil {
			if isNoRows(err) {
				return narvaro.NotFound("API-nyckeln", "The API token")
			}
			return err
		}
		if err := s.ownUser(ctx, tx, a, userID); err != nil {
			return narvaro.NotFound("API-nyckeln", "The API token")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, tokenID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Update, Entity: "api_token", EntityID: tokenID, Detail: map[string]any{"revoked": true}})
	})
}
