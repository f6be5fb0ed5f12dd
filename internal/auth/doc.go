// Package auth is the one place that decides who may do what: roles and school scoping
// (policy.go), protected identities, password hashing (argon2id) and API tokens. The workflow's
// own table of which role may take which step lives in internal/cases; this package adds scope.
package auth
