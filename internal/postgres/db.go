// Package postgres stores Närvaro's records in PostgreSQL with sqlx and lib/pq. It implements
// the workflow's storage on top of the domain packages, which never import it.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// DB is the connection pool.
type DB struct {
	*sqlx.DB
}

// Open connects and checks the connection.
func Open(ctx context.Context, dsn string, maxOpen, maxIdle int) (*DB, error) {
	connector, err := pq.NewConnector(dsn)
	if err != nil {
		// A malformed URL's error quotes it whole, password included.
		return nil, fmt.Errorf("open database %s: %s", redact(dsn), strings.ReplaceAll(err.Error(), dsn, "(the URL)"))
	}
	db := sqlx.NewDb(sql.OpenDB(stmtCacheConnector{inner: connector}), "postgres")
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxIdle)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, narvaro.Errorf(narvaro.CodeUnavailable,
			"Databasen kan inte nås.", "The database cannot be reached.").Wrap(fmt.Errorf("ping %s: %w", redact(dsn), err))
	}
	return &DB{db}, nil
}

// FromSQL wraps an existing *sql.DB (tests get theirs from pgtestdb).
func FromSQL(db *sql.DB) *DB { return &DB{sqlx.NewDb(db, "postgres")} }

// Tx runs fn in one transaction: committed if fn returns nil, rolled back otherwise, so a
// state change is all or nothing. Errors come back translated into the domain's error type.
func (db *DB) Tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if err := fn(tx); err != nil {
		return translate(err)
	}
	if err := tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// translate turns PostgreSQL and driver errors into domain errors, in this one place.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *narvaro.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return narvaro.NotFound("Uppgiften", "The record").Wrap(err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return narvaro.Errorf(narvaro.CodeUnavailable, "Begäran avbröts eller tog för lång tid.",
			"The request was cancelled or took too long.").Wrap(err)
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code.Class() {
		case "22":
			if e, ok := dataErrors[pe.Code]; ok {
				return narvaro.Errorf(narvaro.CodeInvalid, e.SV, e.EN).Wrap(err)
			}
		case "23":
			return constraintError(pe).Wrap(err)
		case "08", "57": // connection exceptions, operator intervention (shutdown, restart)
			return unavailable(err)
		case "53": // insufficient resources: disk full, out of memory, too many connections
			return narvaro.Errorf(narvaro.CodeUnavailable, "Databasen saknar resurser (t.ex. fullt diskutrymme). Inget har sparats.",
				"The database is out of resources (e.g. disk full). Nothing was saved.").Wrap(err)
		case "25":
			if pe.Code == "25006" { // read_only_sql_transaction
				return narvaro.Errorf(narvaro.CodeUnavailable, "Databasen är skrivskyddad just nu. Inget har sparats.",
					"The database is read-only right now. Nothing was saved.").Wrap(err)
			}
		case "40": // serialization failure, deadlock
			return narvaro.Errorf(narvaro.CodeConflict, "Någon annan ändrade samtidigt. Försök igen; inget har sparats.",
				"Somebody else changed this at the same time. Try again; nothing was saved.").Wrap(err)
		case "42":
			if pe.Code == "42501" { // insufficient_privilege: append-only tables
				return narvaro.Forbidden().Wrap(err)
			}
		}
	}
	if isConnectionError(err) {
		return unavailable(err)
	}
	return narvaro.Internal(err)
}

// dataErrors are the data exceptions that hostile or odd input causes (a NUL character, invalid
// UTF-8, a number out of range): the caller's mistake, answered as invalid input, not a 500.
// Other data exceptions (division by zero, ...) are the service's own bugs and stay internal.
var dataErrors = map[pqerror.Code]narvaro.Text{
	"22021": {SV: "Texten innehåller tecken som inte kan sparas (t.ex. NUL-tecken eller ogiltig UTF-8).", EN: "The text contains characters that cannot be stored (e.g. NUL characters or invalid UTF-8)."},
	"22P05": {SV: "Texten innehåller tecken som inte kan sparas (t.ex. NUL-tecken).", EN: "The text contains characters that cannot be stored (e.g. NUL characters)."},
	"22001": {SV: "En text är för lång.", EN: "A text is too long."},
	"22003": {SV: "Ett tal är utanför tillåtet intervall.", EN: "A number is out of range."},
	"22007": {SV: "Ett datum eller en tid har fel format.", EN: "A date or time has the wrong format."},
	"22008": {SV: "Ett datum eller en tid ligger utanför tillåtet intervall.", EN: "A date or time is out of range."},
	"22P02": {SV: "Ett värde har fel format.", EN: "A value has the wrong format."},
}

func unavailable(err error) error {
	return narvaro.Errorf(narvaro.CodeUnavailable, "Databasen är inte tillgänglig just nu. Försök igen om en stund.",
		"The database is not available right now. Try again in a moment.").Wrap(err)
}

func isConnectionError(err error) bool {
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, driverBadConn) {
		return true
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "connection reset", "unexpected EOF", "bad connection", "the database system is"} {
		if containsFold(msg, s) {
			return true
		}
	}
	return false
}

// constraintError explains a violated constraint in words a person understands.
func constraintError(pe *pq.Error) *narvaro.Error {
	if msg, ok := constraintMessages[pe.Constraint]; ok {
		return narvaro.Errorf(msg.code, msg.text.SV, msg.text.EN)
	}
	switch pe.Code.Name() {
	case "unique_violation":
		return narvaro.Errorf(narvaro.CodeConflict, "Uppgiften finns redan.", "This already exists.")
	case "foreign_key_violation":
		return narvaro.Errorf(narvaro.CodeInvalid, "Uppgiften hänvisar till något som inte finns.", "This refers to something that does not exist.")
	case "check_violation", "not_null_violation":
		return narvaro.Errorf(narvaro.CodeInvalid, "Uppgifterna är inte giltiga.", "The input is not valid.")
	}
	return narvaro.Errorf(narvaro.CodeInvalid, "Uppgifterna strider mot en regel i databasen.", "The input breaks a rule of the database.")
}

var constraintMessages = map[string]struct {
	code narvaro.Code
	text narvaro.Text
}{
	"students_personnummer_key":    {narvaro.CodeConflict, narvaro.Text{SV: "En elev med detta personnummer finns redan.", EN: "A student with this personal identity number already exists."}},
	"users_username_key":           {narvaro.CodeConflict, narvaro.Text{SV: "Användarnamnet är upptaget.", EN: "The username is taken."}},
	"schools_school_unit_code_key": {narvaro.CodeConflict, narvaro.Text{SV: "En skolenhet med denna skolenhetskod finns redan.", EN: "A school unit with this code already exists."}},
	"signals_one_open_per_student": {narvaro.CodeConflict, narvaro.Text{SV: "Eleven har redan en öppen signal.", EN: "The student already has an open signal."}},
	"cases_one_open_per_student":   {narvaro.CodeConflict, narvaro.Text{SV: "Eleven har redan ett öppet ärende.", EN: "The student already has an open case."}},
	"plan_frozen":                  {narvaro.CodeConflict, narvaro.Text{SV: "Planen är beslutad och kan inte ändras; gör en ny version.", EN: "The plan is decided and cannot change; make a new version."}},
	"document_frozen":              {narvaro.CodeConflict, narvaro.Text{SV: "En utfärdad handling kan inte ändras; gör en ny version.", EN: "An issued document cannot change; make a new version."}},
	"huvudman_org_number_key":      {narvaro.CodeConflict, narvaro.Text{SV: "En huvudman med detta organisationsnummer finns redan.", EN: "A governing body with this organisation number already exists."}},
	"attendance_days_check":        {narvaro.CodeInvalid, narvaro.Text{SV: "Frånvaron kan inte vara större än den erbjudna tiden.", EN: "Absence cannot exceed the time offered."}},
}

// redact is a database URL or key=value connection string without its password, for errors
// and logs.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		dsn = u.Redacted()
	} else {
		dsn = urlPassword.ReplaceAllString(dsn, "$1:xxxxx@")
	}
	return passwordSetting.ReplaceAllString(dsn, "password=xxxxx")
}

var (
	urlPassword     = regexp.MustCompile(`(://[^:/@]*):[^@]*@`)
	passwordSetting = regexp.MustCompile(`password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&]+)`)
)
