package wheel_test

import (
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

func newWheel(t *testing.T) *wheel.Wheel {
	t.Helper()
	var ds []wheel.Domain
	for _, k := range []string{"safe", "healthy", "achieving", "nurtured", "active", "respected", "responsible", "included"} {
		ds = append(ds, wheel.Domain{Key: k, Label: narvaro.Text{SV: "sv-" + k, EN: "en-" + k}})
	}
	w, err := wheel.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func kind(k wheel.Kind) *wheel.Kind { return &k }
func rating(n int) *int             { return &n }

func TestNewRejectsBadDomains(t *testing.T) {
	for name, ds := range map[string][]wheel.Domain{
		"none":      nil,
		"no key":    {{Label: narvaro.Text{SV: "Trygg"}}},
		"no label":  {{Key: "safe"}},
		"duplicate": {{Key: "safe", Label: narvaro.Text{SV: "Trygg"}}, {Key: "safe", Label: narvaro.Text{SV: "Trygg"}}},
	} {
		if _, err := wheel.New(ds); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestValidateAssessment(t *testing.T) {
	w := newWheel(t)
	base := func() wheel.Assessment {
		return wheel.Assessment{AssessedOn: time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC), ChildParticipation: wheel.InMeeting}
	}
	tests := []struct {
		name    string
		ratings []wheel.Rating
		change  func(*wheel.Assessment)
		ok      bool
		kept    int
	}{
		{"strength and concern", []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Kind: kind(wheel.Concern)}, {Domain: "active", Perspective: wheel.Guardian1, Kind: kind(wheel.Strength), Rating: rating(4)}}, nil, true, 2},
		{"empty ratings are dropped", []wheel.Rating{{Domain: "safe", Perspective: wheel.Child}}, nil, true, 0},
		{"unknown domain", []wheel.Rating{{Domain: "happy", Perspective: wheel.Child, Note: "x"}}, nil, false, 0},
		{"unknown perspective", []wheel.Rating{{Domain: "safe", Perspective: "teacher", Note: "x"}}, nil, false, 0},
		{"rating out of range", []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Rating: rating(6)}}, nil, false, 0},
		{"same cell twice", []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Note: "a"}, {Domain: "safe", Perspective: wheel.Child, Note: "b"}}, nil, false, 0},
		{"participation missing", nil, func(a *wheel.Assessment) { a.ChildParticipation = "" }, false, 0},
		{"the child declined is a valid answer", nil, func(a *wheel.Assessment) { a.ChildParticipation = wheel.Declined }, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base()
			a.Ratings = tt.ratings
			if tt.change != nil {
				tt.change(&a)
			}
			err := w.Validate(&a)
			if (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && len(a.Ratings) != tt.kept {
				t.Fatalf("kept %d ratings, want %d", len(a.Ratings), tt.kept)
			}
		})
	}
}

func TestSummariseAndCompare(t *testing.T) {
	w := newWheel(t)
	before := &wheel.Assessment{Ratings: []wheel.Rating{
		{Domain: "safe", Perspective: wheel.Child, Kind: kind(wheel.Concern)},
		{Domain: "safe", Perspective: wheel.Professionals, Kind: kind(wheel.Strength)},
		{Domain: "active", Perspective: wheel.Child, Kind: kind(wheel.Strength)},
	}}
	after := &wheel.Assessment{Ratings: []wheel.Rating{
		{Domain: "safe", Perspective: wheel.Child, Kind: kind(wheel.Strength)},
		{Domain: "active", Perspective: wheel.Child, Kind: kind(wheel.Strength)},
	}}
	s := w.Summarise(before)
	if len(s) != 8 || s[0].Domain != "safe" || !s[0].Concern || !s[0].Strength || !s[4].Strength || s[4].Concern {
		t.Fatalf("summary = %+v", s)
	}
	changes := w.Compare(before, after)
	if len(changes) != 1 || changes[0].Domain != "safe" || !changes[0].WasConcern || changes[0].IsConcern || !changes[0].IsStrength {
		t.Fatalf("changes = %+v, want safe: concern → strength only", changes)
	}
	if w.Label("safe", "en") != "en-safe" || w.Label("gone", "sv") != "gone" {
		t.Error("labels")
	}
	if err := w.CheckKeys("d", []string{"safe"}, 1); err != nil {
		t.Error(err)
	}
}
