package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/narvaro/narvaro/internal/demo"
	"github.com/narvaro/narvaro/internal/web"
)

func cmdServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	withDemo := fs.Bool("demo", false, "seed demo data when the database is empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	if err := startPprof(a.log); err != nil {
		return err
	}
	var logins []demo.Login
	if *withDemo {
		empty, err := demo.IsEmpty(ctx, a.db.DB)
		if err != nil {
			return err
		}
		if empty {
			res, err := seedDemo(ctx, a)
			if err != nil {
				return err
			}
			logins = res.Users
		} else {
			logins = demoLogins(ctx, a)
		}
	}
	srv, err := web.New(web.Deps{Config: a.cfg, Store: a.store, Migrator: a.migrator, Log: a.log, Extensions: extensions(a)})
	if err != nil {
		return err
	}
	h := srv.HTTPServer()
	ln, err := net.Listen("tcp", a.cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (server.addr / NARVARO_ADDR): %w", a.cfg.Server.Addr, err)
	}
	go a.db.RunAuditSealer(ctx, a.cfg.Audit.SealInterval, func(err error) { a.log.Error("seal audit log", "error", err) })
	startBackground(ctx, a)
	printWelcome(a.cfg.Server.BaseURL, logins, *withDemo)
	errc := make(chan error, 1)
	go func() { errc <- h.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		a.log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.Server.ShutdownTimeout)
		defer cancel()
		if err := h.Shutdown(sctx); err != nil {
			return fmt.Errorf("graceful shutdown: %w", err)
		}
	}
	return nil
}

func printWelcome(url string, logins []demo.Login, withDemo bool) {
	fmt.Fprintf(os.Stdout, "\nNärvaro kör på / is running at %s\n", url)
	if withDemo && len(logins) > 0 {
		fmt.Fprintf(os.Stdout, "\nDemoinloggningar (lösenord / password: %s):\n", demo.DefaultPassword)
		for _, l := range logins {
			fmt.Fprintf(os.Stdout, "  %-16s %-8s %-28s %s\n", l.Username, l.Role, l.DisplayName, l.Schools)
		}
	}
	fmt.Fprintf(os.Stdout, "\nStoppa med Ctrl+C / stop with Ctrl+C  (%s)\n\n", time.Now().Format("2006-01-02 15:04"))
}
