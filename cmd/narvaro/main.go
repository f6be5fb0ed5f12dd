// Command narvaro runs the Närvaro service and its maintenance tasks. It only wires the
// packages under internal/ together.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/narvaro"
)

const usage = `narvaro — hantering av elevers omfattande frånvaro / handling students' extensive absence

Användning / usage:
  narvaro serve [-demo]              starta tjänsten / start the service (-demo: seed demo data into an empty database)
  narvaro migrate up|down|status     databasmigreringar / database migrations
  narvaro seed-demo                  fyll en tom databas med demodata / seed demo data into an empty database
  narvaro import attendance FILE -layout NAME [-skip-bad-rows] [-huvudman ORGNR] [-dry-run]
                                     importera närvaro / import attendance
  narvaro detect [-huvudman ORGNR] [-as-of YYYY-MM-DD]
                                     kör signalreglerna / run the detection rules
  narvaro report -from DATE -to DATE [-school ID] -format pdf|csv [-out FILE] [-huvudman ORGNR] [-weeks N]
                                     periodrapport / period report
  narvaro retention plan|run         gallring enligt configs/retention.yaml / disposal
  narvaro user create|password|list  användare / users
  narvaro audit verify|seal          granska åtkomstloggens kedja / verify the audit chain
  narvaro db url|stop                hitta eller starta PostgreSQL / find or start PostgreSQL

Konfiguration / configuration: configs/ (or NARVARO_CONFIG_DIR) and environment variables; see README.md.`

var commands = map[string]func(context.Context, []string) error{
	"serve":     cmdServe,
	"migrate":   cmdMigrate,
	"seed-demo": cmdSeedDemo,
	"db":        cmdDB,
	"user":      cmdUser,
	"audit":     cmdAudit,
	"import":    cmdImport,
	"detect":    cmdDetect,
	"report":    cmdReport,
	"retention": cmdRetention,
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		fmt.Println(usage)
		return
	}
	run, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "okänt kommando / unknown command %q\n\n%s\n", os.Args[1], usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[2:]); err != nil {
		printError(err)
		os.Exit(1)
	}
}

// printError shows a domain error in both languages, and other errors as they are.
func printError(err error) {
	var de *narvaro.Error
	var ce *config.Error
	switch {
	case errors.As(err, &ce):
		fmt.Fprintln(os.Stderr, "Felaktig konfiguration / invalid configuration:", ce.Error())
	case errors.As(err, &de):
		fmt.Fprintln(os.Stderr, "fel:", de.Message.SV)
		fmt.Fprintln(os.Stderr, "error:", de.Message.EN)
		for _, f := range de.Fields {
			fmt.Fprintf(os.Stderr, "  %s: %s / %s\n", f.Field, f.Message.SV, f.Message.EN)
		}
		if de.Err != nil {
			fmt.Fprintln(os.Stderr, "detalj / detail:", de.Err)
		}
	default:
		fmt.Fprintln(os.Stderr, "fel / error:", err)
	}
}
