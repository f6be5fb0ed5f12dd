package pgtest

import (
	"sync"
	"testing"

	"github.com/narvaro/narvaro/internal/auth"
)

var (
	hashOnce sync.Once
	hashed   string
	hashErr  error
)

// fixtureHash hashes the fixture password once per test binary; argon2id is slow on purpose.
func fixtureHash(t testing.TB) string {
	hashOnce.Do(func() { hashed, hashErr = auth.HashPassword(Password) })
	if hashErr != nil {
		t.Fatal(hashErr)
	}
	return hashed
}
