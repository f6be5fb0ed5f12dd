package cases

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Deadlines are the configured time limits in days (configs/deadlines.yaml).
type Deadlines struct {
	InvestigationDays      int `yaml:"investigation_days" json:"investigation_days"`     // target for completing the investigation
	NoticeHuvudmanDays     int `yaml:"notice_huvudman_days" json:"notice_huvudman_days"` // "snarast" after the investigation starts
	NoticeHomeMunicipality int `yaml:"notice_home_municipality_days" json:"notice_home_municipality_days"`
	NoticeClosureDays      int `yaml:"notice_closure_days" json:"notice_closure_days"`
	FollowUpDays           int `yaml:"followup_days" json:"followup_days"`     // default interval between follow-ups
	AssessmentDays         int `yaml:"assessment_days" json:"assessment_days"` // rektor's assessment after the report
	SignalDays             int `yaml:"signal_days" json:"signal_days"`         // an open signal should be handled within
}

// Check validates the deadlines; each must be a positive number of days.
func (d Deadlines) Check() error {
	for name, v := range map[string]int{
		"investigation_days": d.InvestigationDays, "notice_huvudman_days": d.NoticeHuvudmanDays,
		"notice_home_municipality_days": d.NoticeHomeMunicipality, "notice_closure_days": d.NoticeClosureDays,
		"followup_days": d.FollowUpDays, "assessment_days": d.AssessmentDays, "signal_days": d.SignalDays,
	} {
		if v <= 0 || v > 365 {
			return fmt.Errorf("%s must be between 1 and 365 days, got %d", name, v)
		}
	}
	return nil
}

// CaseNumberFormat renders diarienummer such as "BUN 2026/0042". Placeholders: {prefix},
// {year}, {number} and {number:N} (zero-padded to N digits).
type CaseNumberFormat string

// Check validates the format: it must contain {year} and a number placeholder, so numbers
// stay unique per huvudman and year.
func (f CaseNumberFormat) Check() error {
	s := string(f)
	if !strings.Contains(s, "{year}") || !strings.Contains(s, "{number") {
		return fmt.Errorf("case number format %q must contain {year} and {number} or {number:N}", s)
	}
	if _, err := f.pad(); err != nil {
		return err
	}
	return nil
}

func (f CaseNumberFormat) pad() (int, error) {
	s := string(f)
	i := strings.Index(s, "{number:")
	if i < 0 {
		return 0, nil
	}
	j := strings.Index(s[i:], "}")
	if j < 0 {
		return 0, fmt.Errorf("case number format %q: the {number:N} placeholder is not closed", s)
	}
	n, err := strconv.Atoi(s[i+len("{number:") : i+j])
	if err != nil || n < 1 || n > 10 {
		return 0, fmt.Errorf("case number format %q: padding must be 1–10", s)
	}
	return n, nil
}

// Render makes the case number for a huvudman's prefix, year and running number.
func (f CaseNumberFormat) Render(prefix string, year, number int) string {
	n, _ := f.pad()
	num := strconv.Itoa(number)
	if len(num) < n {
		num = strings.Repeat("0", n-len(num)) + num
	}
	s := string(f)
	s = strings.ReplaceAll(s, "{prefix}", prefix)
	s = strings.ReplaceAll(s, "{year}", strconv.Itoa(year))
	if n > 0 {
		s = strings.ReplaceAll(s, "{number:"+strconv.Itoa(n)+"}", num)
	}
	return strings.TrimSpace(strings.ReplaceAll(s, "{number}", num))
}

// InvestigationDue is the target date for completing an investigation started on a date.
func (d Deadlines) InvestigationDue(started narvaro.Date) narvaro.Date {
	return started.AddDays(d.InvestigationDays)
}
