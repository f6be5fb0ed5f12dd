package main

import (
	"context"
	"fmt"
	"os"
)

func cmdMigrate(ctx context.Context, args []string) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		return fmt.Errorf("användning / usage: narvaro migrate up|down|status")
	}
	a, err := openApp(ctx, false)
	if err != nil {
		return err
	}
	defer a.close()
	switch args[0] {
	case "up":
		return a.migrator.Up(ctx, a.log)
	case "down":
		return a.migrator.Down(ctx)
	default:
		return a.migrator.Status(ctx, os.Stdout)
	}
}
