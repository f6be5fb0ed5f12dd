// Package config loads Närvaro's typed configuration: the service settings from narvaro.yaml
// overridden by environment variables, and the reference data files (the wheel, deadlines,
// case-number format, legal texts). A bad value stops start-up with a message naming the key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// Config is everything the service is configured with.
type Config struct {
	Server     Server     `yaml:"server"`
	Database   Database   `yaml:"database"`
	Session    Session    `yaml:"session"`
	Audit      Audit      `yaml:"audit"`
	Statistics Statistics `yaml:"statistics"`
	Log        Log        `yaml:"log"`

	Wheel      *wheel.Wheel           `yaml:"-"`
	Deadlines  cases.Deadlines        `yaml:"-"`
	CaseNumber cases.CaseNumberFormat `yaml:"-"`
	Legal      Legal                  `yaml:"-"`
	// Files is where the configuration was read from; the attendance layouts and detection
	// rules are read from it too.
	Files fs.FS  `yaml:"-"`
	Dir   string `yaml:"-"`
}

// Server is the HTTP side.
type Server struct {
	Addr            string        `yaml:"addr" env:"NARVARO_ADDR"`
	BaseURL         string        `yaml:"base_url" env:"NARVARO_BASE_URL"`
	TrustedProxies  []string      `yaml:"trusted_proxies" env:"NARVARO_TRUSTED_PROXIES"`
	ReadTimeout     time.Duration `yaml:"read_timeout" env:"NARVARO_READ_TIMEOUT"`
	WriteTimeout    time.Duration `yaml:"write_timeout" env:"NARVARO_WRITE_TIMEOUT"`
	IdleTimeout     time.Duration `yaml:"idle_timeout" env:"NARVARO_IDLE_TIMEOUT"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout" env:"NARVARO_SHUTDOWN_TIMEOUT"`
	SecureCookies   bool          `yaml:"secure_cookies" env:"NARVARO_SECURE_COOKIES"`
}

// Database is how PostgreSQL is reached.
type Database struct {
	URL          string `yaml:"url" env:"DATABASE_URL"`
	Name         string `yaml:"name" env:"NARVARO_DATABASE_NAME"`
	MaxOpenConns int    `yaml:"max_open_conns" env:"NARVARO_DB_MAX_OPEN"`
	MaxIdleConns int    `yaml:"max_idle_conns" env:"NARVARO_DB_MAX_IDLE"`
}

// Session governs browser sign-in.
type Session struct {
	IdleTimeout  time.Duration `yaml:"idle_timeout" env:"NARVARO_SESSION_IDLE"`
	Lifetime     time.Duration `yaml:"lifetime" env:"NARVARO_SESSION_LIFETIME"`
	LockoutAfter int           `yaml:"lockout_after" env:"NARVARO_LOCKOUT_AFTER"`
	LockoutFor   time.Duration `yaml:"lockout_for" env:"NARVARO_LOCKOUT_FOR"`
}

// Audit governs the audit log's hash chain.
type Audit struct {
	SealInterval time.Duration `yaml:"seal_interval" env:"NARVARO_AUDIT_SEAL_INTERVAL"`
}

// Statistics governs what leaves the administration.
type Statistics struct {
	SuppressBelow int `yaml:"suppress_below" env:"NARVARO_SUPPRESS_BELOW"`
}

// Log governs the structured log.
type Log struct {
	Level  string `yaml:"level" env:"NARVARO_LOG_LEVEL"`
	Format string `yaml:"format" env:"NARVARO_LOG_FORMAT"`
}

// DocumentText is one document type's title and legal basis.
type DocumentText struct {
	Title      narvaro.Text `yaml:"title"`
	LegalBasis string       `yaml:"legal_basis"`
	Secret     bool         `yaml:"secret"`
}

// Legal holds the legal references and markings.
type Legal struct {
	SecrecyMarking       string                  `yaml:"secrecy_marking"`
	SecrecyAppendixTitle string                  `yaml:"secrecy_appendix_title"`
	AppealInformation    string                  `yaml:"appeal_information"`
	Documents            map[string]DocumentText `yaml:"documents"`
	ReportOfConcernBasis string                  `yaml:"report_of_concern_basis"`
}

// Document returns the texts for a document type.
func (l Legal) Document(kind string) DocumentText {
	if d, ok := l.Documents[kind]; ok {
		return d
	}
	return DocumentText{Title: narvaro.Text{SV: kind, EN: kind}}
}

// Error names the configuration key that is wrong.
type Error struct {
	File string
	Key  string
	Env  string
	Msg  string
}

func (e *Error) Error() string {
	where := e.File
	if e.Key != "" {
		where += ": " + e.Key
	}
	if e.Env != "" {
		where += " (or " + e.Env + ")"
	}
	return "configuration " + where + ": " + e.Msg
}

// Dir picks the configuration directory: NARVARO_CONFIG_DIR, else ./configs when it holds
// narvaro.yaml, else "" for the embedded defaults.
func Dir() string {
	if d := os.Getenv("NARVARO_CONFIG_DIR"); d != "" {
		return d
	}
	if _, err := os.Stat(filepath.Join("configs", "narvaro.yaml")); err == nil {
		return "configs"
	}
	return ""
}

// Load reads the configuration from dir ("" for the embedded defaults) and the environment.
func Load(dir string) (*Config, error) {
	var files fs.FS = configs.FS
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, &Error{File: dir, Env: "NARVARO_CONFIG_DIR", Msg: "directory not found"}
		}
		files = os.DirFS(dir)
	}
	return LoadFS(files, dir, os.LookupEnv)
}

// LoadFS reads the configuration from files, applying overrides from lookupEnv.
func LoadFS(files fs.FS, dir string, lookupEnv func(string) (string, bool)) (*Config, error) {
	c := &Config{Files: files, Dir: dir}
	if err := decodeFile(files, "narvaro.yaml", c); err != nil {
		return nil, err
	}
	if err := applyEnv(reflect.ValueOf(c).Elem(), "", lookupEnv); err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	var w struct {
		Domains []wheel.Domain `yaml:"domains"`
	}
	if err := decodeFile(files, "wheel.yaml", &w); err != nil {
		return nil, err
	}
	wh, err := wheel.New(w.Domains)
	if err != nil {
		return nil, &Error{File: "wheel.yaml", Key: "domains", Msg: err.Error()}
	}
	c.Wheel = wh
	if err := decodeFile(files, "deadlines.yaml", &c.Deadlines); err != nil {
		return nil, err
	}
	if err := c.Deadlines.Check(); err != nil {
		return nil, &Error{File: "deadlines.yaml", Msg: err.Error()}
	}
	var cn struct {
		Format cases.CaseNumberFormat `yaml:"format"`
	}
	if err := decodeFile(files, "case-number.yaml", &cn); err != nil {
		return nil, err
	}
	if err := cn.Format.Check(); err != nil {
		return nil, &Error{File: "case-number.yaml", Key: "format", Msg: err.Error()}
	}
	c.CaseNumber = cn.Format
	if err := decodeFile(files, "legal.yaml", &c.Legal); err != nil {
		return nil, err
	}
	if c.Legal.SecrecyMarking == "" {
		return nil, &Error{File: "legal.yaml", Key: "secrecy_marking", Msg: "must not be empty"}
	}
	return c, nil
}

func decodeFile(files fs.FS, name string, into any) error {
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return &Error{File: name, Msg: "cannot read: " + err.Error()}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		return &Error{File: name, Msg: err.Error()}
	}
	return nil
}

func (c *Config) check() error {
	bad := func(key, env, msg string) error { return &Error{File: "narvaro.yaml", Key: key, Env: env, Msg: msg} }
	switch {
	case c.Server.Addr == "" || !strings.Contains(c.Server.Addr, ":"):
		return bad("server.addr", "NARVARO_ADDR", "must be host:port, e.g. 127.0.0.1:8080")
	case !strings.HasPrefix(c.Server.BaseURL, "http://") && !strings.HasPrefix(c.Server.BaseURL, "https://"):
		return bad("server.base_url", "NARVARO_BASE_URL", "must start with http:// or https://")
	case c.Server.ReadTimeout <= 0 || c.Server.WriteTimeout <= 0 || c.Server.IdleTimeout <= 0:
		return bad("server.*_timeout", "", "timeouts must be positive durations such as 15s")
	case c.Server.ShutdownTimeout <= 0:
		return bad("server.shutdown_timeout", "NARVARO_SHUTDOWN_TIMEOUT", "must be a positive duration")
	case c.Database.Name == "":
		return bad("database.name", "NARVARO_DATABASE_NAME", "must not be empty")
	case c.Database.MaxOpenConns < 1 || c.Database.MaxOpenConns > 500:
		return bad("database.max_open_conns", "NARVARO_DB_MAX_OPEN", "must be between 1 and 500")
	case c.Database.MaxIdleConns < 0 || c.Database.MaxIdleConns > c.Database.MaxOpenConns:
		return bad("database.max_idle_conns", "NARVARO_DB_MAX_IDLE", "must be between 0 and max_open_conns")
	case c.Session.IdleTimeout < time.Minute || c.Session.Lifetime < c.Session.IdleTimeout:
		return bad("session.idle_timeout", "NARVARO_SESSION_IDLE", "must be at least 1m and not longer than session.lifetime")
	case c.Session.LockoutAfter < 1:
		return bad("session.lockout_after", "NARVARO_LOCKOUT_AFTER", "must be at least 1")
	case c.Session.LockoutFor < time.Second:
		return bad("session.lockout_for", "NARVARO_LOCKOUT_FOR", "must be at least 1s")
	case c.Audit.SealInterval < 100*time.Millisecond:
		return bad("audit.seal_interval", "NARVARO_AUDIT_SEAL_INTERVAL", "must be at least 100ms")
	case c.Statistics.SuppressBelow < 0:
		return bad("statistics.suppress_below", "NARVARO_SUPPRESS_BELOW", "must not be negative")
	}
	for _, p := range c.Server.TrustedProxies {
		if p == "" {
			return bad("server.trusted_proxies", "NARVARO_TRUSTED_PROXIES", "must not contain empty entries")
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", "NARVARO_LOG_LEVEL", "must be debug, info, warn or error")
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return bad("log.format", "NARVARO_LOG_FORMAT", "must be text or json")
	}
	return nil
}

// applyEnv overrides fields tagged `env` from the environment, naming the variable on errors.
func applyEnv(v reflect.Value, path string, lookupEnv func(string) (string, bool)) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if key == "-" || !f.IsExported() {
			continue
		}
		full := strings.TrimPrefix(path+"."+key, ".")
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
			if err := applyEnv(fv, full, lookupEnv); err != nil {
				return err
			}
			continue
		}
		name := f.Tag.Get("env")
		raw, ok := lookupEnv(name)
		if name == "" || !ok {
			continue
		}
		if err := setFromString(fv, raw); err != nil {
			return &Error{File: "environment", Key: full, Env: name, Msg: fmt.Sprintf("%q: %v", raw, err)}
		}
	}
	return nil
}

func setFromString(v reflect.Value, raw string) error {
	switch v.Interface().(type) {
	case time.Duration:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return errors.New("not a duration (examples: 30s, 15m, 10h)")
		}
		v.SetInt(int64(d))
	case string:
		v.SetString(raw)
	case bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return errors.New("must be true or false")
		}
		v.SetBool(b)
	case int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return errors.New("must be a whole number")
		}
		v.SetInt(int64(n))
	case []string:
		var parts []string
		for _, p := range strings.Split(raw, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		v.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}
