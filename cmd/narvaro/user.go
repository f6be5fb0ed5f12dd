package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/narvaro/narvaro/internal/auth"
)

// cmdUser manages users from the command line: the first administrator of a new installation
// is created this way.
func cmdUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("användning / usage: narvaro user create -username U -name N -role admin -huvudman ORGNR | narvaro user password -username U | narvaro user list")
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	switch args[0] {
	case "list":
		var users []struct {
			Username    string `db:"username"`
			Role        string `db:"role"`
			DisplayName string `db:"display_name"`
			Active      bool   `db:"active"`
		}
		if err := a.db.SelectContext(ctx, &users, `SELECT username, role, display_name, active FROM users ORDER BY username`); err != nil {
			return err
		}
		for _, u := range users {
			fmt.Printf("%-20s %-8s %-30s active=%v\n", u.Username, u.Role, u.DisplayName, u.Active)
		}
		return nil
	case "create", "password":
		fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
		username := fs.String("username", "", "username")
		name := fs.String("name", "", "display name")
		role := fs.String("role", "admin", "mentor, eht, rektor or admin")
		huvudman := fs.String("huvudman", "", "the huvudman's organisation number (for admin)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		password, err := readPassword()
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		if args[0] == "password" {
			res, err := a.db.ExecContext(ctx, `UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE username = $1`, *username, hash)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("no user %q", *username)
			}
			fmt.Println("Lösenordet är bytt / password changed")
			return nil
		}
		if *role != "admin" {
			return fmt.Errorf("create administrators here; they create the other users in the web interface or the API")
		}
		_, err = a.db.ExecContext(ctx, `INSERT INTO users (username, display_name, role, huvudman_id, password_hash)
			VALUES ($1, $2, 'admin', (SELECT id FROM huvudman WHERE org_number = $3), $4)`, strings.ToLower(*username), *name, *huvudman, hash)
		if err != nil {
			return fmt.Errorf("create user (does huvudman %s exist?): %w", *huvudman, err)
		}
		fmt.Println("Användaren är skapad / user created")
		return nil
	}
	return fmt.Errorf("okänt / unknown: user %s", args[0])
}

// readPassword reads the new password from NARVARO_PASSWORD or the first line of stdin, never
// from the command line (where it would end up in shell history and process lists).
func readPassword() (string, error) {
	p := os.Getenv("NARVARO_PASSWORD")
	if p == "" {
		fmt.Fprint(os.Stderr, "Nytt lösenord / new password: ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("read password: %w", err)
		}
		p = strings.TrimRight(line, "\r\n")
	}
	if err := auth.CheckPasswordStrength(p); err != nil {
		return "", err
	}
	return p, nil
}
