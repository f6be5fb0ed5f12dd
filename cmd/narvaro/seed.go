package main

import (
	"context"
	"fmt"
	"time"

	"github.com/narvaro/narvaro/internal/demo"
)

func cmdSeedDemo(ctx context.Context, _ []string) error {
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	empty, err := demo.IsEmpty(ctx, a.db.DB)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("the database already has data; seed-demo only fills an empty database (use a new DATABASE_URL or NARVARO_DATABASE_NAME)")
	}
	res, err := seedDemo(ctx, a)
	if err != nil {
		return err
	}
	fmt.Printf("Demodata skapad / demo data created: %d elever/students, %d närvarorader/attendance rows, %d användare/users (lösenord/password %s)\n",
		res.Students, res.AttendanceRows, len(res.Users), demo.DefaultPassword)
	return nil
}

func seedDemo(ctx context.Context, a *app) (*demo.Result, error) {
	start := time.Now()
	res, err := demo.Seed(ctx, a.db.DB, demo.Options{Seed: 2026})
	if err != nil {
		return nil, err
	}
	if err := demo.SeedCases(ctx, a.store); err != nil {
		return nil, fmt.Errorf("demo cases: %w", err)
	}
	a.log.Info("demo data seeded", "students", res.Students, "attendance_rows", res.AttendanceRows, "duration", time.Since(start).Round(time.Millisecond))
	return res, nil
}

// demoLogins lists the demo users of an already seeded database.
func demoLogins(ctx context.Context, a *app) []demo.Login {
	var rows []struct {
		Username    string `db:"username"`
		Role        string `db:"role"`
		DisplayName string `db:"display_name"`
	}
	if err := a.db.SelectContext(ctx, &rows, `SELECT username, role, display_name FROM users WHERE active ORDER BY id LIMIT 40`); err != nil {
		return nil
	}
	out := make([]demo.Login, len(rows))
	for i, r := range rows {
		out[i] = demo.Login{Username: r.Username, Role: r.Role, DisplayName: r.DisplayName}
	}
	return out
}
