// Package wheel models Barnets bästa-hjulet: the eight wellbeing domains (reference data from
// configuration, never hard-coded labels) and assessments per domain and perspective.
package wheel

import (
	"fmt"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Domain is one segment of the wheel.
type Domain struct {
	Key         string       `yaml:"key" json:"key"`
	Label       narvaro.Text `yaml:"label" json:"label"`
	Shanarri    string       `yaml:"shanarri" json:"shanarri"`
	Description narvaro.Text `yaml:"description" json:"description"`
	Statement   narvaro.Text `yaml:"statement" json:"statement"` // the child's statement, "Jag känner mig trygg"
}

// Wheel is the configured set of domains, in display order.
type Wheel struct {
	domains []Domain
	byKey   map[string]int
}

// New validates the domains: unique, non-empty keys and Swedish labels.
func New(domains []Domain) (*Wheel, error) {
	if len(domains) == 0 {
		return nil, fmt.Errorf("wheel: no domains configured")
	}
	w := &Wheel{domains: domains, byKey: make(map[string]int, len(domains))}
	for i, d := range domains {
		if d.Key == "" || d.Label.SV == "" {
			return nil, fmt.Errorf("wheel: domain %d needs a key and a Swedish label", i+1)
		}
		if _, dup := w.byKey[d.Key]; dup {
			return nil, fmt.Errorf("wheel: domain key %q appears twice", d.Key)
		}
		w.byKey[d.Key] = i
	}
	return w, nil
}

// Domains returns the domains in display order.
func (w *Wheel) Domains() []Domain { return w.domains }

// Domain returns the domain with the key.
func (w *Wheel) Domain(key string) (Domain, bool) {
	i, ok := w.byKey[key]
	if !ok {
		return Domain{}, false
	}
	return w.domains[i], true
}

// Has reports whether key is a configured domain.
func (w *Wheel) Has(key string) bool { _, ok := w.byKey[key]; return ok }

// Label returns the domain's label in the language, or the key itself for an unknown domain
// (old records may name a domain that configuration has since renamed).
func (w *Wheel) Label(key, lang string) string {
	if d, ok := w.Domain(key); ok {
		return d.Label.In(lang)
	}
	return key
}

// CheckKeys validates a list of domain keys chosen by a user: at least min, all known, no repeats.
func (w *Wheel) CheckKeys(field string, keys []string, min int) error {
	var p narvaro.Problems
	if len(keys) < min {
		p.Add(field, fmt.Sprintf("Välj minst %d område i hjulet.", min), fmt.Sprintf("Choose at least %d domain of the wheel.", min))
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if !w.Has(k) {
			p.Add(field, fmt.Sprintf("%q är inget område i hjulet.", k), fmt.Sprintf("%q is not a domain of the wheel.", k))
		}
		if seen[k] {
			p.Add(field, fmt.Sprintf("Området %q är valt två gånger.", k), fmt.Sprintf("The domain %q is chosen twice.", k))
		}
		seen[k] = true
	}
	return p.Err()
}
