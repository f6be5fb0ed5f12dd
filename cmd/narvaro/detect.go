package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// cmdDetect runs the detection rules as the system, for one huvudman or all of them; a run
// already going on for a huvudman is waited for, so a nightly job never skips one.
func cmdDetect(ctx context.Context, args []string) error {
	fset := flag.NewFlagSet("detect", flag.ContinueOnError)
	orgNumber := fset.String("huvudman", "", "the huvudman's organisation number (default: every huvudman)")
	asOf := fset.String("as-of", "", "evaluate as of this date, YYYY-MM-DD (default: today)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() != 0 {
		return fmt.Errorf("användning / usage: narvaro detect [-huvudman ORGNR] [-as-of YYYY-MM-DD]")
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	_, det, err := loadAttendanceConfig(a.cfg)
	if err != nil {
		return err
	}
	in := postgres.DetectionInput{Wait: true}
	if *asOf != "" {
		if in.AsOf, err = narvaro.ParseDate(*asOf); err != nil {
			return narvaro.Invalid("as-of", "Ange ett datum ÅÅÅÅ-MM-DD.", "Give a date YYYY-MM-DD.")
		}
	}
	if *orgNumber != "" {
		h, err := a.store.HuvudmanByOrgNumber(ctx, *orgNumber)
		if err != nil {
			return err
		}
		in.HuvudmanID = h.ID
	}
	results, err := a.store.RunDetection(ctx, nil, det, in)
	for _, r := range results {
		printDetection(os.Stdout, r)
	}
	return err
}

func printDetection(w io.Writer, r postgres.DetectionResult) {
	fmt.Fprintf(w, "Signalsökning / detection, huvudman %d, regler / rules %q, %s (dagar från / days from %s):\n", r.HuvudmanID, r.RuleSet, r.AsOf, r.From)
	fmt.Fprintf(w, "  %d elever / students (%d dagar / days), %d träffar / hits: %d nya signaler / new signals (%d åter efter avfärdande / back after dismissal), %d uppdaterade / updated, %d oförändrade / unchanged\n",
		r.Students, r.Rows, r.Hits, r.Created, r.Returned, r.Updated, r.Unchanged)
	fmt.Fprintf(w, "  ingen ny signal / no new signal: %d öppet ärende / open case, %d manuell signal / manual signal, %d avfärdad utan försämring / dismissed, not worse (%d ms)\n",
		r.SkippedOpenCase, r.SkippedManual, r.SkippedDismissed, r.DurationMS)
}
