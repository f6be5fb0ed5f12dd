package web

import (
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	xlanguage "golang.org/x/text/language"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// languages the pages are offered in; Swedish is the default and the fallback.
var languages = []string{"sv", "en"}

// catalog holds the page texts (templates/i18n/*.toml) with one localizer per language.
type catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
}

// loadCatalog reads every language's message file; a missing or unreadable file stops start-up.
func loadCatalog(fsys fs.FS) (*catalog, error) {
	b := i18n.NewBundle(xlanguage.Swedish)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &catalog{bundle: b, localizers: map[string]*i18n.Localizer{}}
	for _, lang := range languages {
		path := "i18n/" + lang + ".toml"
		if _, err := b.LoadMessageFileFS(fsys, path); err != nil {
			return nil, fmt.Errorf("page texts %s: %w", path, err)
		}
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// text looks a message up; args are name/value pairs for the message's {{.Name}} placeholders.
// A missing message shows its id, so a gap is visible rather than blank (a test keeps the
// catalogues complete).
func (c *catalog) text(lang, id string, args ...any) string {
	l := c.localizers[lang]
	if l == nil {
		l = c.localizers["sv"]
	}
	var data map[string]any
	if len(args) > 1 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil && s == "" {
		return "[" + id + "]"
	}
	return s
}

// Formatting the Swedish way in Swedish: ISO dates (2026-11-23), 24-hour times, decimal comma
// and a space before the per cent sign.

func formatDate(lang string, d narvaro.Date) string {
	if d.IsZero() {
		return ""
	}
	if lang == "en" {
		return d.Format("2 Jan 2006")
	}
	return d.String()
}

func formatTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(postgres.Stockholm())
	if lang == "en" {
		return t.Format("2 Jan 2006, 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

func formatNumber(lang string, v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
		if strings.HasPrefix(s, "-") {
			s = "−" + s[1:]
		}
	}
	return s
}

func formatPercent(lang string, v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	if lang == "en" {
		return formatNumber(lang, v, 1) + "%"
	}
	return formatNumber(lang, v, 1) + "\u00a0%"
}
