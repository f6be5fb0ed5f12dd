// Package templates holds the web pages' HTML templates, their message catalogues and static
// assets, embedded in the binary so a release is one file.
package templates

import "embed"

// FS holds layout.html, partials/*.html, pages/*.html, i18n/*.toml and static/*.
//
//go:embed layout.html partials pages i18n static
var FS embed.FS
