package pgsetup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// probeTimeout bounds each connection attempt: an absent server must not stall start-up.
const probeTimeout = 3 * time.Second

// ping opens one connection to dsn and closes it.
func ping(ctx context.Context, dsn string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	return db.PingContext(ctx)
}

// EnsureDatabase creates the database name on the server that serverURL reaches (through any
// database the user may connect to, usually postgres) unless it exists, and returns serverURL
// pointed at name. Concurrent callers may race: losing the race to create it is success.
func EnsureDatabase(ctx context.Context, serverURL, name string) (string, error) {
	if name == "" || len(name) > 63 {
		return "", fmt.Errorf("database name %q: must be 1 to 63 bytes", name)
	}
	dbURL, err := withDatabase(serverURL, name)
	if err != nil {
		return "", err
	}
	db, err := sql.Open("postgres", serverURL)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", Redact(serverURL), err)
	}
	defer db.Close()

	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var exists bool
	err = db.QueryRowContext(pctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists)
	if err != nil {
		return "", fmt.Errorf("look for database %q on %s: %w", name, Redact(serverURL), err)
	}
	if exists {
		return dbURL, nil
	}
	// CREATE DATABASE copies a template and may take a while on a busy server; no probe timeout.
	_, err = db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name))
	// Two creators racing both pass the EXISTS check; the loser sees duplicate_database, or a
	// unique violation on pg_database when the catalog insert itself collides.
	if err != nil && pq.As(err, pqerror.DuplicateDatabase, pqerror.UniqueViolation) == nil {
		return "", fmt.Errorf("create database %q on %s: %w", name, Redact(serverURL), err)
	}
	return dbURL, nil
}

// withDatabase points a connection string (URL or key=value form) at another database.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			// The parse error quotes the URL, password included.
			return "", fmt.Errorf("server URL %s is not a valid URL", Redact(dsn))
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	// In key=value form a later key overrides an earlier one.
	quoted := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name)
	return strings.TrimSpace(dsn) + " dbname='" + quoted + "'", nil
}

var (
	kvPassword  = regexp.MustCompile(`(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)
	urlPassword = regexp.MustCompile(`^postgres(?:ql)?://[^:/@]*:([^@/]*)@`)
)

// Redact hides the password in a connection string so it can be shown or logged.
func Redact(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			if m := urlPassword.FindStringSubmatchIndex(dsn); m != nil {
				return dsn[:m[2]] + "xxxxx" + dsn[m[3]:]
			}
			return dsn
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// scrub removes the password of dsn from err's text: drivers quote a malformed URL whole.
func scrub(err error, dsn string) error {
	msg := err.Error()
	var secrets []string
	if m := urlPassword.FindStringSubmatch(dsn); m != nil {
		secrets = append(secrets, m[1])
		if p, perr := url.PathUnescape(m[1]); perr == nil {
			secrets = append(secrets, p)
		}
	}
	for _, m := range kvPassword.FindAllStringSubmatch(dsn, -1) {
		secrets = append(secrets, m[2], strings.Trim(m[2], "'"))
	}
	if u, perr := url.Parse(dsn); perr == nil {
		if p := u.Query().Get("password"); p != "" {
			secrets = append(secrets, p)
		}
	}
	scrubbed := false
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
			scrubbed = true
		}
	}
	if !scrubbed {
		return err
	}
	return errors.New(msg)
}
