package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/report"
)

const reportUsage = `användning / usage: narvaro report -from ÅÅÅÅ-MM-DD -to ÅÅÅÅ-MM-DD [-school ID] -format pdf|csv [-out FIL] [-huvudman ORGNR] [-weeks N]`

// cmdReport writes the period report for a scheduled run. It runs as the system (the export is
// audited as "system") and publishes the report like the web does: small counts are "< 5".
func cmdReport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "periodens första dag / first day")
	to := fs.String("to", "", "periodens sista dag / last day")
	school := fs.Int64("school", 0, "en skolenhets id / one school unit's id")
	format := fs.String("format", "pdf", "pdf eller/or csv")
	out := fs.String("out", "", "fil att skriva, annars stdout / file to write, else stdout")
	huvudman := fs.String("huvudman", "", "huvudmannens organisationsnummer (behövs när det finns flera) / the governing body's org number")
	weeks := fs.Int("weeks", 0, "veckor före och efter planens beslut / weeks before and after a plan's approval")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%s", reportUsage)
	}
	if *format != "pdf" && *format != "csv" {
		return narvaro.Invalid("format", "Formatet ska vara pdf eller csv.", "The format must be pdf or csv.")
	}
	p := report.Params{SchoolID: *school, Weeks: *weeks}
	for _, d := range []struct {
		field, value string
		into         *narvaro.Date
	}{{"from", *from, &p.From}, {"to", *to, &p.To}} {
		if d.value == "" {
			continue
		}
		v, err := narvaro.ParseDate(d.value)
		if err != nil {
			return narvaro.Invalid(d.field, "Ange datumet som ÅÅÅÅ-MM-DD.", "Give the date as YYYY-MM-DD.")
		}
		*d.into = v
	}
	if err := p.Check(); err != nil {
		return err
	}

	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	r, err := a.store.SystemPeriodReport(ctx, *huvudman, p, *format)
	if err != nil {
		return err
	}
	r.Publish(a.cfg.Statistics.SuppressBelow)
	var buf bytes.Buffer
	switch *format {
	case "csv":
		err = report.WriteCSV(&buf, r)
	default:
		doc := a.cfg.Legal.Document("period_report")
		var b []byte
		b, err = report.PDF(r, report.PDFOptions{DocType: doc.Title.SV, LegalBasis: doc.LegalBasis})
		buf.Write(b)
	}
	if err != nil {
		return err
	}
	if *out == "" || *out == "-" {
		_, err := os.Stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(*out, buf.Bytes())
}

// writeFileAtomic writes next to the target and renames, so a scheduled job never leaves a
// half-written report where a reader may pick it up.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(os.Stderr, "Rapporten skrevs till / the report was written to %s\n", path)
	return nil
}
