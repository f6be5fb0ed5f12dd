package config_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/config"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaultsLoad(t *testing.T) {
	c, err := config.LoadFS(configs.FS, "", env(nil))
	if err != nil {
		t.Fatalf("the shipped configuration does not load: %v", err)
	}
	if got := len(c.Wheel.Domains()); got != 8 {
		t.Errorf("wheel has %d domains, want 8", got)
	}
	if d, _ := c.Wheel.Domain("safe"); d.Label.SV != "Trygg" || d.Statement.SV != "Jag känner mig trygg" {
		t.Errorf("safe domain = %+v", d)
	}
	if c.Deadlines.InvestigationDays != 21 {
		t.Errorf("investigation days = %d, want 21", c.Deadlines.InvestigationDays)
	}
	if got := c.CaseNumber.Render("BUN", 2026, 42); got != "BUN 2026/0042" {
		t.Errorf("case number = %q", got)
	}
	if !strings.Contains(c.Legal.SecrecyMarking, "OSL 23 kap.") {
		t.Errorf("secrecy marking = %q", c.Legal.SecrecyMarking)
	}
	if c.Legal.Document("notice_huvudman").LegalBasis == "" {
		t.Error("notice_huvudman has no legal basis")
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	c, err := config.LoadFS(configs.FS, "", env(map[string]string{
		"NARVARO_ADDR": "0.0.0.0:9000", "NARVARO_SESSION_IDLE": "45m", "NARVARO_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.0.0/16",
		"NARVARO_SECURE_COOKIES": "true", "NARVARO_DB_MAX_OPEN": "30",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "0.0.0.0:9000" || c.Session.IdleTimeout.Minutes() != 45 || len(c.Server.TrustedProxies) != 2 ||
		!c.Server.SecureCookies || c.Database.MaxOpenConns != 30 {
		t.Errorf("overrides not applied: %+v %+v", c.Server, c.Session)
	}
}

func TestBadValuesNameTheKey(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"NARVARO_ADDR": "nope"}, "server.addr"},
		{map[string]string{"NARVARO_SESSION_IDLE": "soon"}, "NARVARO_SESSION_IDLE"},
		{map[string]string{"NARVARO_DB_MAX_OPEN": "many"}, "database.max_open_conns"},
		{map[string]string{"NARVARO_DB_MAX_OPEN": "0"}, "database.max_open_conns"},
		{map[string]string{"NARVARO_LOG_LEVEL": "loud"}, "log.level"},
		{map[string]string{"NARVARO_SECURE_COOKIES": "ja"}, "NARVARO_SECURE_COOKIES"},
		{map[string]string{"NARVARO_BASE_URL": "example.org"}, "server.base_url"},
	}
	for _, tt := range tests {
		_, err := config.LoadFS(configs.FS, "", env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("env %v: error %v, want it to name %s", tt.env, err, tt.want)
		}
	}
}

func TestBadDataFilesNameTheFile(t *testing.T) {
	base := fstest.MapFS{}
	for _, name := range []string{"narvaro.yaml", "wheel.yaml", "deadlines.yaml", "case-number.yaml", "legal.yaml"} {
		b, err := configs.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		base[name] = &fstest.MapFile{Data: b}
	}
	tests := []struct {
		file, content, want string
	}{
		{"case-number.yaml", "format: \"{prefix} {number}\"\n", "case-number.yaml: format"},
		{"deadlines.yaml", "investigation_days: 0\nnotice_huvudman_days: 5\nnotice_home_municipality_days: 5\nnotice_closure_days: 5\nfollowup_days: 28\nassessment_days: 5\nsignal_days: 10\n", "investigation_days"},
		{"wheel.yaml", "domains:\n  - key: safe\n    label: {sv: Trygg, en: Safe}\n  - key: safe\n    label: {sv: Trygg, en: Safe}\n", "appears twice"},
		{"narvaro.yaml", "server:\n  adress: x\n", "narvaro.yaml"},
	}
	for _, tt := range tests {
		files := fstest.MapFS{}
		for k, v := range base {
			files[k] = v
		}
		files[tt.file] = &fstest.MapFile{Data: []byte(tt.content)}
		_, err := config.LoadFS(files, "", env(nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.file, err, tt.want)
		}
	}
}
