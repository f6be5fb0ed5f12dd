package postgres

import (
	"strings"
	"testing"
)

// A connection string in an error or a log line never carries its password.
func TestRedactHidesThePassword(t *testing.T) {
	for _, dsn := range []string{
		"postgres://narvaro:hemligt-lösen@db.example:5432/narvaro?sslmode=require",
		"host=db.example user=narvaro password=hemligt-lösen dbname=narvaro",
		"host=db.example user=narvaro password = 'hemligt lösen' dbname=narvaro",
		"postgres://narvaro@db.example/narvaro?password=hemligt&sslmode=disable",
		"postgres://narvaro:hemligt@db.example/narvaro",
	} {
		got := redact(dsn)
		if strings.Contains(got, "hemligt") {
			t.Errorf("redact(%q) = %q: the password shows", dsn, got)
		}
		if !strings.Contains(got, "db.example") {
			t.Errorf("redact(%q) = %q: the host is gone too", dsn, got)
		}
	}
}
