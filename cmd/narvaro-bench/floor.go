package main

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the floor uses the same driver as the service

	"github.com/narvaro/narvaro/internal/loadtest"
)

// cmdFloor serves the floor handler on -addr against DATABASE_URL until it is told to stop. Its
// pool opens as many connections as the service's default (20) and keeps them all.
func cmdFloor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	maxOpen := fs.Int("max-open", 20, "database connections at most")
	maxIdle := fs.Int("max-idle", 20, "idle database connections kept (as many as open: a floor does not reconnect under load)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := sqlx.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(*maxOpen)
	db.SetMaxIdleConns(*maxIdle)
	db.SetConnMaxIdleTime(5 * time.Minute)
	srv := &http.Server{Addr: *addr, Handler: loadtest.FloorHandler(db), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
