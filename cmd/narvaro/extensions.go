package main

import (
	"context"

	"github.com/narvaro/narvaro/internal/web"
)

// extensions are the feature routes added to the web server (PDFs, imports, reports).
func extensions(a *app) []func(*web.Server) {
	return nil
}

// startBackground starts the scheduled jobs of the service.
func startBackground(ctx context.Context, a *app) {}
