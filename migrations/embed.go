// Package migrations embeds the numbered SQL migrations so the binary carries its schema.
package migrations

import "embed"

// FS holds the migrations, applied in order by internal/postgres.
//
//go:embed *.sql
var FS embed.FS
