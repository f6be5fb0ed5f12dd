package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// cmdRetention runs "narvaro retention plan" (the dry run: what would be disposed of now) and
// "narvaro retention run" (dispose of it), for every huvudman, with the periods of
// retention.yaml. Several instances may run it at once: one does the work (advisory lock).
func cmdRetention(ctx context.Context, args []string) error {
	usage := narvaro.Errorf(narvaro.CodeInvalid,
		"Användning: narvaro retention plan|run [-json]",
		"Usage: narvaro retention plan|run [-json]")
	if len(args) == 0 || (args[0] != "plan" && args[0] != "run") {
		return usage
	}
	fs := flag.NewFlagSet("narvaro retention "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the plan or result as JSON")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return usage
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	policy, err := postgres.LoadRetention(a.cfg.Files)
	if err != nil {
		return err
	}
	var plan *postgres.RetentionPlan
	if args[0] == "plan" {
		plan, err = a.store.PlanRetention(ctx, nil, policy)
	} else {
		plan, err = a.store.RunRetention(ctx, nil, policy)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(plan)
	}
	printRetention(os.Stdout, plan)
	return nil
}

func printRetention(w io.Writer, p *postgres.RetentionPlan) {
	if !p.Configured {
		fmt.Fprintln(w, "Inga gallringsfrister är satta i retention.yaml: inget gallras.\nNo disposal periods are set in retention.yaml: nothing is disposed of.")
		return
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "slag/kind\tid\tdiarienr/case\tskola/school\tsedan/since\tantal/count\tregel/rule")
	for _, it := range p.Items {
		kind := it.Kind
		if it.DocumentKind != "" {
			kind += ":" + it.DocumentKind
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t%d\t%s\n", kind, it.ID, it.CaseNumber, it.SchoolID, it.Since.Format("2006-01-02"), it.Count, it.Rule)
	}
	tw.Flush()
	for _, it := range p.Held {
		fmt.Fprintf(w, "bevaras (bevarandebeslut) / kept (legal hold): %s %d %s\n", it.Kind, it.ID, it.CaseNumber)
	}
	if p.DryRun {
		fmt.Fprintf(w, "Provkörning: %d poster skulle gallras. Kör `narvaro retention run` för att gallra.\nDry run: %d records would be disposed of.\n", len(p.Items), len(p.Items))
		return
	}
	fmt.Fprintf(w, "Gallrat / disposed of: %d av/of %d\n", p.Disposed, len(p.Items))
}
