package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/pgsetup"
	"github.com/narvaro/narvaro/internal/postgres"
)

// app is what every command starts from: configuration, a logger and a migrated database.
type app struct {
	cfg      *config.Config
	log      *slog.Logger
	db       *postgres.DB
	store    *postgres.Store
	migrator *postgres.Migrator
	stopDB   func(context.Context) error
}

func newLogger(cfg *config.Config) *slog.Logger {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.Log.Level]
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// openApp loads the configuration, finds (or starts) PostgreSQL, connects and, when migrate
// is true, applies pending migrations.
func openApp(ctx context.Context, migrate bool) (*app, error) {
	cfg, err := config.Load(config.Dir())
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg)
	slog.SetDefault(log)
	url := cfg.Database.URL
	stop := func(context.Context) error { return nil }
	if url == "" {
		d, err := pgsetup.Resolve(ctx, pgsetup.Options{DatabaseName: cfg.Database.Name, Logger: log})
		if err != nil {
			return nil, err
		}
		url, stop = d.URL, d.Stop
		log.Info("database", "source", d.Source, "url", pgsetup.Redact(d.URL))
	}
	db, err := postgres.Open(ctx, url, cfg.Database.MaxOpenConns, cfg.Database.MaxIdleConns)
	if err != nil {
		_ = stop(context.Background())
		return nil, err
	}
	m, err := postgres.NewMigrator(db.DB.DB)
	if err != nil {
		db.Close()
		_ = stop(context.Background())
		return nil, err
	}
	if migrate {
		if err := m.Up(ctx, log); err != nil {
			db.Close()
			_ = stop(context.Background())
			return nil, fmt.Errorf("apply migrations (the failed one was rolled back): %w", err)
		}
	}
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	return &app{cfg: cfg, log: log, db: db, store: store, migrator: m, stopDB: stop}, nil
}

func (a *app) close() {
	a.db.Close()
	if err := a.stopDB(context.Background()); err != nil {
		a.log.Error("stop private database cluster", "error", err)
	}
}
