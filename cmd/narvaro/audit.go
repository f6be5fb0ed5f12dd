package main

import (
	"context"
	"fmt"
)

// cmdAudit checks the audit log's hash chain ("verify") or extends it now ("seal").
func cmdAudit(ctx context.Context, args []string) error {
	if len(args) != 1 || (args[0] != "verify" && args[0] != "seal") {
		return fmt.Errorf("användning / usage: narvaro audit verify|seal")
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	total := 0
	for {
		n, err := a.db.SealAudit(ctx, 5000)
		if err != nil {
			return err
		}
		total += n
		if n < 5000 {
			break
		}
	}
	if args[0] == "seal" {
		fmt.Printf("%d rader förseglade / rows sealed\n", total)
		return nil
	}
	res, err := a.db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if res.BrokenAt != nil {
		return fmt.Errorf("åtkomstloggens kedja är bruten vid rad %d / the audit chain is broken at seq %d: %s", *res.BrokenAt, *res.BrokenAt, res.Reason)
	}
	fmt.Printf("Åtkomstloggen är intakt / the audit log is intact: %d rader/rows kontrollerade/checked, %d ej förseglade/unsealed\n", res.Checked, res.Unsealed)
	return nil
}
