package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/pgsetup"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/web"
)

// serverOn builds the service on a database (by URL) and serves it.
func serverOn(t *testing.T, dbURL string, logTo io.Writer) (*httptest.Server, *postgres.Store) {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), dbURL, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	m, err := postgres.NewMigrator(db.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	s, err := web.New(web.Deps{Config: cfg, Store: store, Migrator: m, Log: slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, store
}

// apiToken stores an API token for a user and returns it.
func apiToken(t *testing.T, db *postgres.DB, userID int64) string {
	t.Helper()
	tok := fmt.Sprintf("nrv_fault_%d_%d", userID, time.Now().UnixNano())
	if _, err := db.Exec(`INSERT INTO api_tokens (user_id, name, token_hash, created_by) VALUES ($1, 'fault', sha256($2::bytea), $1)`, userID, tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

// do sends one API request with a token and returns status and body.
func do(ctx context.Context, base, token, method, path, body string, headers ...string) (int, string, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), nil
}

func pgBinDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Sort(dirs)
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i]
		}
	}
	t.Skip("no PostgreSQL server programs under /usr/lib/postgresql: the restart test needs its own cluster")
	return ""
}

// The database crashes and comes back during load: while it is away every request is answered
// 503 (never 500), the service recovers by itself, and every write acknowledged with 201 is
// there afterwards. Not parallel: it points DATABASE_URL away to get a private cluster.
func TestDatabaseRestartDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL cluster")
	}
	bin := pgBinDir(t)
	t.Setenv("DATABASE_URL", "")
	root, err := os.MkdirTemp("", "narvaro-fault-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil { // the postgres OS user must reach it when we run as root
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := pgsetup.Options{DatabaseName: "narvaro_fault", PrivateDir: filepath.Join(root, "pg"), BinDirs: []string{bin}, SkipLocal: true}
	t.Cleanup(func() { pgsetup.StopPrivate(context.Background(), opts) })
	cluster, err := pgsetup.Resolve(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts, store := serverOn(t, cluster.URL, io.Discard)
	m, _ := postgres.NewMigrator(store.DB.DB.DB)
	if err := m.Up(ctx, nil); err != nil {
		t.Fatal(err)
	}
	org := pgtest.NewOrg(t, store.DB)
	token := apiToken(t, store.DB, org.A.EHT)
	rektor := pgtest.Actor(t, store.DB, org.A.Rektor)
	caseID, _, err := store.OpenCase(ctx, rektor, openCaseInput(org.StudentA), "")
	if err != nil {
		t.Fatal(err)
	}

	var (
		mu       sync.Mutex
		acked    []int64
		statuses = map[int]int{}
		phase    atomic.Int32 // 0 before, 1 while down, 2 after restart
		seen     [3]map[int]int
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	for i := range seen {
		seen[i] = map[int]int{}
	}
	today := time.Now().Format("2006-01-02")
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				p := phase.Load()
				status, body, err := do(rctx, ts.URL, token, "POST", fmt.Sprintf("/api/v1/cases/%d/contacts", caseID),
					fmt.Sprintf(`{"contacted_on":%q,"method":"phone","note":"skrivare %d nr %d"}`, today, w, i))
				cancel()
				if err != nil {
					continue // a client-side timeout: not acknowledged
				}
				mu.Lock()
				statuses[status]++
				seen[p][status]++
				if status == 201 {
					var id int64
					fmt.Sscanf(strings.TrimPrefix(body, `{"id":`), "%d", &id)
					acked = append(acked, id)
				} else if status != 503 {
					t.Errorf("status %d during the restart test: %s", status, body)
				} else if !strings.Contains(body, "unavailable") {
					t.Errorf("503 without the unavailable code: %s", body)
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	// A crash: SIGQUIT makes the postmaster quit at once, without a checkpoint (pg_ctl -m immediate).
	pid := postmasterPID(t, filepath.Join(root, "pg", "data"))
	phase.Store(1)
	if err := syscall.Kill(pid, syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	for syscall.Kill(pid, 0) == nil {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond)
	if status, _, _ := do(ctx, ts.URL, "", "GET", "/readyz", ""); status != 503 {
		t.Errorf("/readyz while the database is down: %d, want 503", status)
	}
	if _, err := pgsetup.Resolve(ctx, opts); err != nil { // starts it again: crash recovery
		t.Fatal(err)
	}
	phase.Store(2)
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	if seen[1][503] == 0 {
		t.Errorf("no 503 while the database was down: %v", seen)
	}
	if seen[2][201] == 0 {
		t.Fatalf("the service did not recover by itself after the restart: %v", seen)
	}
	if status, _, _ := do(ctx, ts.URL, "", "GET", "/readyz", ""); status != 200 {
		t.Errorf("/readyz after the restart: %d", status)
	}
	var stored []int64
	if err := store.DB.Select(&stored, `SELECT id FROM guardian_contacts WHERE case_id = $1`, caseID); err != nil {
		t.Fatal(err)
	}
	for _, id := range acked {
		if !slices.Contains(stored, id) {
			t.Errorf("contact %d was acknowledged with 201 but is lost", id)
		}
	}
	t.Logf("statuses %v; before %v, while down %v, after %v; %d acknowledged, %d stored", statuses, seen[0], seen[1], seen[2], len(acked), len(stored))
}

func postmasterPID(t *testing.T, data string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func openCaseInput(student int64) cases.OpenInput {
	return cases.OpenInput{StudentID: student, Description: "Frånvaro under flera veckor.", ConcernDomains: []string{"safe"}}
}

// blockCaseNumbers holds the lock on the case-number counter, so a request that opens a case
// stops inside its transaction (after taking the signal, before inserting the case). It
// returns a function that releases the lock.
func blockCaseNumbers(t *testing.T, db *postgres.DB) func() {
	t.Helper()
	tx, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT * FROM case_number_counters FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	return func() { tx.Rollback() }
}

// waitForLockWaiter waits until a backend waits for a lock, and returns its pid.
func waitForLockWaiter(t *testing.T, db *postgres.DB) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var pid int
		err := db.Get(&pid, `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() LIMIT 1`)
		if err == nil {
			return pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no request came to wait on the case-number lock")
	return 0
}

// halfWritten checks that the aborted opening left nothing: the signal still open, no case for
// the student, no event, no audit row, and the number not used up (the sequence stays gap-free).
func expectNothingHalfWritten(t *testing.T, db *postgres.DB, student, signal int64, auditBefore int64) {
	t.Helper()
	var got struct {
		Cases  int64  `db:"cases"`
		Status string `db:"status"`
		Events int64  `db:"events"`
		Audit  int64  `db:"audit"`
		Last   int64  `db:"last"`
	}
	if err := db.Get(&got, `SELECT (SELECT count(*) FROM cases WHERE student_id = $1) AS cases,
		(SELECT status FROM signals WHERE id = $2) AS status,
		(SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.student_id = $1) AS events,
		(SELECT count(*) FROM audit_log) AS audit,
		(SELECT max(last_number) FROM case_number_counters) AS last`, student, signal); err != nil {
		t.Fatal(err)
	}
	if got.Cases != 0 || got.Status != "open" || got.Events != 0 || got.Audit != auditBefore || got.Last != 1 {
		t.Fatalf("after the aborted request: %+v; want no case, the signal open, no events, %d audit rows, the counter at 1", got, auditBefore)
	}
}

// A request abandoned mid-transaction (the client goes away while the case is being written)
// leaves nothing half-written: the transaction rolls back as a whole.
func TestAbandonedRequestLeavesNothingHalfWritten(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	e.caseAt(own, stageReported) // the year's counter row exists
	signal, student := e.signalFor(own)
	auditBefore := e.scalar(`SELECT count(*) FROM audit_log`)
	release := blockCaseNumbers(t, e.store.DB)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		status, _, _ := do(ctx, e.srv.URL, e.token(o.A.EHT), "POST", "/api/v1/cases",
			fmt.Sprintf(`{"student_id":%d,"signal_id":%d,"description":"Avbryts mitt i.","concern_domains":["safe"]}`, student, signal))
		done <- status
	}()
	waitForLockWaiter(t, e.store.DB)
	cancel()
	<-done
	time.Sleep(200 * time.Millisecond)
	release()
	time.Sleep(300 * time.Millisecond)
	expectNothingHalfWritten(t, e.store.DB, student, signal, auditBefore)
}

// The server process killed (SIGKILL) in the middle of opening a case leaves nothing
// half-written: PostgreSQL never received a COMMIT.
func TestKilledServerLeavesNothingHalfWritten(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	db, err := postgres.Open(context.Background(), dbURL, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org := pgtest.NewOrg(t, db)
	s := storeFor(t, db)
	rektor := pgtest.Actor(t, db, org.A.Rektor)
	if _, _, err := s.OpenCase(context.Background(), rektor, openCaseInput(org.StudentA), ""); err != nil {
		t.Fatal(err)
	}
	signal, err := s.RaiseSignal(context.Background(), rektor, postgres.RaiseInput{StudentID: org.ProtectedA, Reason: "Frånvaro som ska utredas"})
	if err != nil {
		t.Fatal(err)
	}
	token := apiToken(t, db, org.A.Rektor)
	auditBefore := int64(0)
	if err := db.Get(&auditBefore, `SELECT count(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}

	// The service in its own process: this test binary, re-run as TestFaultChildServer.
	child := exec.Command(os.Args[0], "-test.run=^TestFaultChildServer$", "-test.v")
	child.Env = append(os.Environ(), "NARVARO_FAULT_CHILD_DB="+dbURL)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	addr := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("the child server did not start")
	}
	go io.Copy(io.Discard, out)
	if status, body, err := do(context.Background(), "http://"+addr, token, "GET", "/api/v1/me", ""); err != nil || status != 200 {
		t.Fatalf("child server: %d %s %v", status, body, err)
	}

	release := blockCaseNumbers(t, db)
	defer release()
	go do(context.Background(), "http://"+addr, token, "POST", "/api/v1/cases",
		fmt.Sprintf(`{"student_id":%d,"signal_id":%d,"description":"Processen dödas mitt i.","concern_domains":["safe"]}`, org.ProtectedA, signal))
	backend := waitForLockWaiter(t, db)
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	release()
	// The orphaned backend finishes its statement, finds its client gone and rolls back.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, backend); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed server's backend is still there")
		}
		time.Sleep(50 * time.Millisecond)
	}
	expectNothingHalfWritten(t, db, org.ProtectedA, signal, auditBefore)
}

// TestFaultChildServer is the service process TestKilledServerLeavesNothingHalfWritten kills;
// it does nothing in a normal run.
func TestFaultChildServer(t *testing.T) {
	dbURL := os.Getenv("NARVARO_FAULT_CHILD_DB")
	if dbURL == "" {
		t.Skip("only run as the child of TestKilledServerLeavesNothingHalfWritten")
	}
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), dbURL, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	s, err := web.New(web.Deps{Config: cfg, Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("LISTENING " + ln.Addr().String())
	_ = http.Serve(ln, s.Handler()) // until killed
}

func storeFor(t *testing.T, db *postgres.DB) *postgres.Store {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
}

// Concurrent conflicting edits: of eight saves based on the same version exactly one wins,
// the others get 409, and the winner's text is what is stored (nothing lost, nothing mixed).
func TestConcurrentConflictingEditsOneWinsRestGet409(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id, _ := e.caseAt(own, stageInvestigating)
	v := e.mxVersion(id)
	users := []int64{e.org.A.EHT, e.org.A.EHT2, e.org.A.Rektor}
	for _, u := range users {
		e.token(u)
	}
	var wg sync.WaitGroup
	results := make([]int, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.call(users[i%len(users)], "PUT", fmt.Sprintf("/api/v1/cases/%d/investigation", id),
				map[string]any{"conclusion": fmt.Sprintf("Slutsats från skrivare %d", i), "version": v}).Status
		}()
	}
	wg.Wait()
	winner := -1
	for i, s := range results {
		switch s {
		case 200:
			if winner >= 0 {
				t.Fatalf("two saves on version %d both won: %v", v, results)
			}
			winner = i
		case 409:
		default:
			t.Fatalf("status %d: %v", s, results)
		}
	}
	if winner < 0 {
		t.Fatalf("no save won: %v", results)
	}
	var conclusion string
	if err := e.store.DB.Get(&conclusion, `SELECT conclusion FROM investigations WHERE case_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if conclusion != fmt.Sprintf("Slutsats från skrivare %d", winner) || e.mxVersion(id) != v+1 {
		t.Fatalf("stored %q at version %d; want the winner's (%d) at %d", conclusion, e.mxVersion(id), winner, v+1)
	}
}

// Duplicate submissions make one record: the same request retried with its Idempotency-Key,
// or sent twice at once without one.
func TestDuplicateSubmissionsMakeOneRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.org
	e.token(o.A.EHT)
	for _, tt := range []struct {
		name string
		key  bool
	}{{"with Idempotency-Key", true}, {"without a key", false}} {
		st := e.student(own)
		body := map[string]any{"student_id": st, "description": "Dubbelklick på skicka.", "concern_domains": []string{"safe"}}
		var wg sync.WaitGroup
		type answer struct {
			status int
			id     int64
		}
		answers := make([]answer, 8)
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var headers []string
				if tt.key {
					headers = []string{"Idempotency-Key", fmt.Sprintf("dubbel-%d", st)}
				}
				r := e.call(o.A.EHT, "POST", "/api/v1/cases", body, headers...)
				var b struct{ ID int64 }
				_ = json.Unmarshal(r.Body, &b)
				answers[i] = answer{r.Status, b.ID}
			}()
		}
		wg.Wait()
		created := 0
		for _, a := range answers {
			switch {
			case a.status == 201:
				created++
			case tt.key && a.status == 200:
			case !tt.key && a.status == 409:
			default:
				t.Errorf("%s: status %d", tt.name, a.status)
			}
			if tt.key && a.id != answers[0].id {
				t.Errorf("%s: answers name different cases: %v", tt.name, answers)
			}
		}
		if n := e.scalar(`SELECT count(*) FROM cases WHERE student_id = $1`, st); n != 1 || created != 1 {
			t.Fatalf("%s: %d cases, %d created answers; want one", tt.name, n, created)
		}
	}
}

// Two instances of the service against one database number cases without duplicates or gaps.
func TestTwoInstancesNumberCasesWithoutDuplicatesOrGaps(t *testing.T) {
	t.Parallel()
	one := newEnv(t)
	two := one.secondInstance()
	o := one.org
	one.token(o.A.Rektor)
	var students []int64
	for range 16 {
		students = append(students, one.student(own))
	}
	var wg sync.WaitGroup
	statuses := make([]int, len(students))
	for i, st := range students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inst := one
			if i%2 == 1 {
				inst = two
			}
			statuses[i] = inst.call(o.A.Rektor, "POST", "/api/v1/cases", map[string]any{"student_id": st, "description": "Två instanser samtidigt.",
				"concern_domains": []string{"safe"}}).Status
		}()
	}
	wg.Wait()
	var numbers []string
	if err := one.store.DB.Select(&numbers, `SELECT case_number FROM cases ORDER BY case_number`); err != nil {
		t.Fatal(err)
	}
	year := one.store.Now().Year()
	for i, n := range numbers {
		if want := fmt.Sprintf("BUN %d/%04d", year, i+1); n != want {
			t.Fatalf("case numbers %v: number %d is %s, want %s (statuses %v)", numbers, i, n, want, statuses)
		}
	}
	if len(numbers) != len(students) {
		t.Fatalf("%d cases for %d openings (statuses %v)", len(numbers), len(students), statuses)
	}
}

// A read-only database (e.g. a standby after a failover, or set by an operator) is answered
// with 503 and a message that says so; nothing is half-saved.
func TestReadOnlyDatabaseAnswers503(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	owner, err := postgres.Open(context.Background(), dbURL, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	org := pgtest.NewOrg(t, owner)
	token := apiToken(t, owner, org.A.EHT)
	var name string
	if err := owner.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(`ALTER DATABASE ` + quoteIdent(name) + ` SET default_transaction_read_only = on`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Exec(`ALTER DATABASE ` + quoteIdent(name) + ` RESET default_transaction_read_only`) })
	ts, _ := serverOn(t, dbURL, io.Discard) // new connections: read-only
	for _, call := range []struct{ method, path, body string }{
		{"POST", "/api/v1/cases", fmt.Sprintf(`{"student_id":%d,"description":"Skrivskyddad databas.","concern_domains":["safe"]}`, org.StudentA)},
		{"GET", "/api/v1/cases", ""},
	} {
		status, body, err := do(context.Background(), ts.URL, token, call.method, call.path, call.body, "Accept-Language", "en")
		if err != nil {
			t.Fatal(err)
		}
		if status != 503 || !strings.Contains(body, "read-only") {
			t.Errorf("%s %s on a read-only database: %d %s; want 503 saying read-only", call.method, call.path, status, body)
		}
	}
	var n int
	if err := owner.Get(&n, `SELECT count(*) FROM cases`); err != nil || n != 0 {
		t.Fatalf("%d cases on a read-only database (%v)", n, err)
	}
	if status, _, _ := do(context.Background(), ts.URL, "", "GET", "/healthz", ""); status != 200 {
		t.Errorf("/healthz: %d", status)
	}
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
