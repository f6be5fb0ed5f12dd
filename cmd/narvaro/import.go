package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

const importUsage = "användning / usage: narvaro import attendance FILE -layout NAME [-skip-bad-rows] [-huvudman ORGNR] [-dry-run]"

// cmdImport imports an attendance export as the system (no signed-in user): the import is
// recorded with no importer and audited as "system". Detection runs for the huvudman afterwards.
func cmdImport(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "attendance" {
		return fmt.Errorf("%s", importUsage)
	}
	fset := flag.NewFlagSet("import attendance", flag.ContinueOnError)
	layoutName := fset.String("layout", "", "the export's layout (see configs/attendance-layouts)")
	skip := fset.Bool("skip-bad-rows", false, "import the good rows of a file with bad ones, and list the bad")
	orgNumber := fset.String("huvudman", "", "the huvudman's organisation number (needed when there are several)")
	dryRun := fset.Bool("dry-run", false, "read and check the whole file, save nothing")
	files, err := parseInterleaved(fset, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%s", importUsage)
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	layouts, det, err := loadAttendanceConfig(a.cfg)
	if err != nil {
		return err
	}
	layout, err := postgres.LookupLayout(layouts, *layoutName)
	if err != nil {
		return err
	}
	h, err := chooseHuvudman(ctx, a.store, *orgNumber)
	if err != nil {
		return err
	}
	f, err := os.Open(files[0])
	if err != nil {
		return narvaro.Errorf(narvaro.CodeInvalid, "Filen kan inte öppnas: "+err.Error(), "The file cannot be opened: "+err.Error())
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	p := newImportProgress(info.Size())
	in := postgres.ImportInput{Layout: layout, FileName: files[0], SkipBadRows: *skip, HuvudmanID: h.ID, Progress: p.update}
	start := time.Now()
	if *dryRun {
		pv, err := a.store.PreviewAttendance(ctx, nil, in, f, 10)
		p.done()
		if err != nil {
			return err
		}
		printPreview(os.Stdout, h, pv, time.Since(start))
		return nil
	}
	in.Detection = &det
	rec, err := a.store.ImportAttendance(ctx, nil, in, f)
	p.done()
	if rec != nil {
		printImport(os.Stdout, h, rec, time.Since(start))
	}
	return err
}

// parseInterleaved lets flags come before or after the file name, as people type them.
func parseInterleaved(fset *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		if fset.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fset.Arg(0))
		args = fset.Args()[1:]
	}
}

func loadAttendanceConfig(cfg *config.Config) (map[string]attendance.Layout, attendance.Detection, error) {
	sub, err := fs.Sub(cfg.Files, "attendance-layouts")
	if err != nil {
		return nil, attendance.Detection{}, err
	}
	layouts, err := attendance.LoadLayouts(sub)
	if err != nil {
		return nil, attendance.Detection{}, err
	}
	det, err := attendance.LoadDetection(cfg.Files, "detection.yaml")
	return layouts, det, err
}

// chooseHuvudman takes the one named, or the only one there is.
func chooseHuvudman(ctx context.Context, store *postgres.Store, orgNumber string) (*narvaro.Huvudman, error) {
	if orgNumber != "" {
		return store.HuvudmanByOrgNumber(ctx, orgNumber)
	}
	all, err := store.ListHuvudman(ctx)
	if err != nil {
		return nil, err
	}
	if len(all) == 1 {
		return &all[0], nil
	}
	names := make([]string, len(all))
	for i, h := range all {
		names[i] = h.OrgNumber + " " + h.Name
	}
	return nil, narvaro.Invalid("huvudman", "Ange huvudman med -huvudman ORGNR: "+strings.Join(names, "; "),
		"Name the huvudman with -huvudman ORGNR: "+strings.Join(names, "; "))
}

// importProgress draws a bar on a terminal (bytes of the file read, rows and rows/s, time
// left) and nothing otherwise, where only the summary is printed.
type importProgress struct {
	bar   *progressbar.ProgressBar
	start time.Time
}

func newImportProgress(size int64) *importProgress {
	p := &importProgress{start: time.Now()}
	if !term.IsTerminal(int(os.Stderr.Fd())) || !term.IsTerminal(int(os.Stdout.Fd())) {
		return p
	}
	p.bar = progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription("läser / reading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
	)
	return p
}

func (p *importProgress) update(u postgres.ImportProgress) {
	if p.bar == nil {
		return
	}
	switch u.Phase {
	case "merge":
		p.bar.Describe(fmt.Sprintf("%d rader lästa, sparar… / %d rows read, saving…", u.Rows, u.Rows))
	case "detect":
		p.bar.Describe("signalsökning… / detection…")
	default:
		rate := float64(u.Rows) / max(time.Since(p.start).Seconds(), 0.001)
		p.bar.Describe(fmt.Sprintf("%d rader, %.0f rader/s / rows, rows/s", u.Rows, rate))
	}
	_ = p.bar.Set64(u.Bytes)
}

func (p *importProgress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
}

func printImport(w io.Writer, h *narvaro.Huvudman, rec *postgres.AttendanceImport, took time.Duration) {
	fmt.Fprintf(w, "Import %d för / for %s (%s): %s\n", rec.ID, h.Name, h.OrgNumber, rec.Status)
	fmt.Fprintf(w, "  fil / file:        %s (%d byte, SHA-256 %s), layout %s\n", rec.FileName, rec.FileBytes, rec.FileSHA256, rec.Layout)
	fmt.Fprintf(w, "  rader / rows:      %d lästa / read, %d importerade / imported, %d avvisade / rejected, %d okända elever / unknown students\n",
		rec.RowsRead, rec.RowsImported, rec.RowsRejected, rec.UnknownStudents)
	fmt.Fprintf(w, "  dagar / days:      %d i filen / in the file: %d nya / new, %d ändrade / changed, %d borttagna / removed\n",
		rec.Days, rec.DaysInserted, rec.DaysUpdated, rec.DaysRemoved)
	if rec.PeriodFrom != nil {
		fmt.Fprintf(w, "  period:            %s – %s\n", rec.PeriodFrom, rec.PeriodTo)
	}
	fmt.Fprintf(w, "  tid / time:        %s (%.0f rader/s / rows/s)\n", took.Round(time.Millisecond), float64(rec.RowsRead)/max(took.Seconds(), 0.001))
	printProblems(w, rec.Problems, rec.RowsRejected)
	if d := rec.Detection; d != nil {
		printDetection(w, *d)
	}
}

func printPreview(w io.Writer, h *narvaro.Huvudman, p *postgres.ImportPreview, took time.Duration) {
	fmt.Fprintf(w, "Provläsning för / dry run for %s (%s): inget sparades / nothing was saved\n", h.Name, h.OrgNumber)
	fmt.Fprintf(w, "  fil / file:        %d byte, SHA-256 %s, %s, separator %q\n", p.FileBytes, p.FileSHA256, p.Encoding, p.Separator)
	fmt.Fprintf(w, "  rader / rows:      %d lästa / read, %d avvisade / rejected, %d okända elever / unknown students\n", p.RowsRead, p.RowsRejected, p.UnknownStudents)
	fmt.Fprintf(w, "  dagar / days:      %d för / for %d elever / students\n", p.Days, p.Students)
	if p.PeriodFrom != nil {
		fmt.Fprintf(w, "  period:            %s – %s\n", p.PeriodFrom, p.PeriodTo)
	}
	for _, r := range p.Rows {
		fmt.Fprintf(w, "  rad %-6d %s %-25s %s  %4d min, giltig %4d, ogiltig %4d\n", r.Line, r.Personnummer, r.StudentName, r.Date,
			r.OfferedMinutes, r.ValidMinutes, r.InvalidMinutes)
	}
	printProblems(w, p.Problems, p.RowsRejected)
	verdict := "kan importeras / can be imported"
	if !p.Importable {
		verdict = "skulle avvisas / would be rejected (rätta filen eller / correct the file or use -skip-bad-rows)"
	}
	fmt.Fprintf(w, "  resultat / result: %s (%s)\n", verdict, took.Round(time.Millisecond))
}

func printProblems(w io.Writer, problems []postgres.ImportProblem, rejected int) {
	const show = 20
	for i, pr := range problems {
		if i == show {
			fmt.Fprintf(w, "  … och %d till / and %d more (se importhistoriken / see the import history)\n", len(problems)-show, len(problems)-show)
			break
		}
		fmt.Fprintf(w, "  %s\n", pr.Message.SV)
	}
	if rejected > len(problems) && len(problems) >= postgres.MaxImportProblems {
		fmt.Fprintf(w, "  (%d avvisade rader, de första %d listas / %d rejected lines, the first %d listed)\n", rejected, len(problems), rejected, len(problems))
	}
}
