// Package configs embeds the default configuration files, so the binary runs without a
// checkout. A directory on disk (NARVARO_CONFIG_DIR or ./configs) takes precedence.
package configs

import "embed"

// FS holds the default configuration files.
//
//go:embed *.yaml attendance-layouts/*.yaml
var FS embed.FS
