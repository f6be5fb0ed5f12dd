package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Round categories: the huvudman's own notices, notices from an independent school's huvudman,
// and notices sent to a home municipality. They are listed separately.
const (
	RoundMunicipal        = "municipal"
	RoundIndependent      = "independent"
	RoundHomeMunicipality = "home_municipality"
)

var roundCategories = []string{RoundMunicipal, RoundIndependent, RoundHomeMunicipality}

func roundCategoryTitle(c string) narvaro.Text {
	switch c {
	case RoundIndependent:
		return narvaro.Text{SV: "Anmälningar från fristående skolor", EN: "Notices from independent schools"}
	case RoundHomeMunicipality:
		return narvaro.Text{SV: "Information till hemkommuner", EN: "Notices to home municipalities"}
	}
	return narvaro.Text{SV: "Anmälningar från kommunens skolor", EN: "Notices from the municipality's schools"}
}

// RoundInput starts a follow-up round.
type RoundInput struct {
	Name  string       `json:"name" form:"name" binding:"required,min=2,max=100"`
	DueOn narvaro.Date `json:"due_on" form:"due_on" binding:"required"`
}

// Check validates the input the same way whether it came over HTTP or not.
func (in RoundInput) Check() error {
	var p narvaro.Problems
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); n < 2 || n > 100 {
		p.Add("name", "Ge omgången ett namn (2–100 tecken), t.ex. ”Höst 2026”.", "Name the round (2–100 characters), e.g. “Autumn 2026”.")
	}
	if in.DueOn.IsZero() {
		p.Add("due_on", "Ange sista dag för skolornas svar.", "Give the last day for the schools' answers.")
	}
	return p.Err()
}

// RoundAnswer is a school's answer about one notice. The comment is short and must not hold
// sensitive details: it goes to the huvudman's office.
type RoundAnswer struct {
	NoticeID         int64  `json:"notice_id" form:"notice_id" binding:"required,gt=0"`
	AbsenceContinues *bool  `json:"absence_continues" form:"absence_continues" binding:"required"`
	CanClose         *bool  `json:"can_close" form:"can_close" binding:"required"`
	Comment          string `json:"comment" form:"comment" binding:"max=300"`
}

// RoundAnswers are a school's answers, saved together or not at all.
type RoundAnswers struct {
	Answers []RoundAnswer `json:"answers" binding:"required,min=1,max=1000,dive"`
}

// Check validates the answers.
func (in RoundAnswers) Check() error {
	var p narvaro.Problems
	if len(in.Answers) == 0 {
		p.Add("answers", "Inga svar angavs.", "No answers were given.")
	}
	seen := map[int64]bool{}
	for i, a := range in.Answers {
		f := fmt.Sprintf("answers[%d]", i)
		if a.NoticeID <= 0 || seen[a.NoticeID] {
			p.Add(f+".notice_id", "Varje anmälan får besvaras en gång per inskick.", "Each notice may be answered once per submission.")
		}
		seen[a.NoticeID] = true
		if a.AbsenceContinues == nil || a.CanClose == nil {
			p.Add(f, "Svara både om frånvaron fortsätter och om ärendet kan avslutas.", "Answer both whether the absence continues and whether the case can be closed.")
		}
		if utf8.RuneCountInString(a.Comment) > 300 {
			p.Add(f+".comment", "Kommentaren får vara högst 300 tecken.", "The comment may be at most 300 characters.")
		}
	}
	return p.Err()
}

// RoundConfirm lists the notices whose closure the administrator confirms.
type RoundConfirm struct {
	NoticeIDs []int64 `json:"notice_ids" form:"notice_ids" binding:"required,min=1,max=1000,dive,gt=0"`
}

// Round is a follow-up round with its progress (counted over what the actor may see).
type Round struct {
	ID         int64        `json:"id" db:"id"`
	HuvudmanID int64        `json:"huvudman_id" db:"huvudman_id"`
	Name       string       `json:"name" db:"name"`
	DueOn      narvaro.Date `json:"due_on" db:"due_on"`
	CreatedBy  string       `json:"created_by" db:"created_by"`
	CreatedAt  time.Time    `json:"created_at" db:"created_at"`
	Items      int          `json:"items" db:"items"`
	Answered   int          `json:"answered" db:"answered"`
	CanClose   int          `json:"can_close" db:"can_close"`
	Confirmed  int          `json:"confirmed" db:"confirmed"`
}

// RoundItem is one notice in a round. It names the case by its number, never the student.
type RoundItem struct {
	NoticeID         int64        `json:"notice_id" db:"notice_id"`
	NoticeKind       string       `json:"notice_kind" db:"notice_kind"`
	NoticeSentOn     narvaro.Date `json:"notice_sent_on" db:"notice_sent_on"`
	CaseID           int64        `json:"case_id" db:"case_id"`
	CaseNumber       string       `json:"case_number" db:"case_number"`
	CaseStatus       string       `json:"case_status" db:"case_status"`
	SchoolID         int64        `json:"school_id" db:"school_id"`
	SchoolName       string       `json:"school_name" db:"school_name"`
	Category         string       `json:"category" db:"category"`
	AbsenceContinues *bool        `json:"absence_continues" db:"absence_continues"`
	CanClose         *bool        `json:"can_close" db:"can_close"`
	Comment          string       `json:"comment" db:"comment"`
	AnsweredBy       string       `json:"answered_by" db:"answered_by"`
	AnsweredAt       *time.Time   `json:"answered_at,omitempty" db:"answered_at"`
	ConfirmedBy      string       `json:"confirmed_by" db:"confirmed_by"`
	ConfirmedAt      *time.Time   `json:"confirmed_at,omitempty" db:"confirmed_at"`
}

// RoundSection is one category's items.
type RoundSection struct {
	Category string       `json:"category"`
	Title    narvaro.Text `json:"title"`
	Items    []RoundItem  `json:"items"`
}

// RoundView is a round with its items, listed by category.
type RoundView struct {
	Round
	Sections []RoundSection `json:"sections"`
}

// mayAnswerRounds: the rektor and the student health team answer for their schools.
func mayAnswerRounds(a *narvaro.Actor) bool {
	return a != nil && (a.Role == narvaro.RoleRektor || a.Role == narvaro.RoleEHT)
}

// StartRound starts a round for the administrator's huvudman: one question for every notice to
// the huvudman (and to a home municipality) that was sent, whose case is still open and whose
// closure the huvudman has not already confirmed in an earlier round.
func (s *Store) StartRound(ctx context.Context, a *narvaro.Actor, in RoundInput) (int64, error) {
	if err := auth.Allow(a, auth.ReceiveNotices); err != nil {
		return 0, err
	}
	if err := in.Check(); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM followup_rounds WHERE huvudman_id = $1 AND name = $2)`,
			a.HuvudmanID, strings.TrimSpace(in.Name)); err != nil {
			return err
		}
		if taken {
			return narvaro.Errorf(narvaro.CodeConflict, "Det finns redan en omgång med det namnet.", "A round with that name already exists.")
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO followup_rounds (huvudman_id, name, due_on, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
			a.HuvudmanID, strings.TrimSpace(in.Name), in.DueOn, a.UserID); err != nil {
			return fmt.Errorf("insert round: %w", err)
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO followup_round_items (round_id, notice_id, case_id, school_id, category)
			SELECT $1, n.id, c.id, c.school_id,
				CASE WHEN n.kind = 'home_municipality' THEN 'home_municipality'
				     WHEN h.kind = 'independent' THEN 'independent' ELSE 'municipal' END
			FROM notices n JOIN cases c ON c.id = n.case_id JOIN huvudman h ON h.id = c.huvudman_id
			WHERE c.huvudman_id = $2 AND c.school_id = ANY($3)
				AND n.kind IN ('investigation_started', 'home_municipality') AND n.sent_at IS NOT NULL
				AND c.status NOT IN ('closed', 'not_investigated')
				AND NOT EXISTS (SELECT 1 FROM followup_round_items i WHERE i.notice_id = n.id AND i.confirmed_at IS NOT NULL)`,
			id, a.HuvudmanID, pq.Int64Array(a.SchoolIDs))
		if err != nil {
			return fmt.Errorf("insert round items: %w", err)
		}
		items, _ := res.RowsAffected()
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "followup_round", EntityID: id,
			Detail: map[string]any{"name": strings.TrimSpace(in.Name), "items": items}})
	})
	return id, err
}

// roundScope is the SQL condition on round items (alias i, with rounds as r) for what the actor
// may see, starting at placeholder $n: an administrator sees every item of the huvudman's rounds
// (the huvudman receives every notice); a rektor or EHT member only items of cases whose student
// they may see (auth.SeeStudent through visibleStudents), so a protected identity's item is for
// the rektor and the case's team, as the case itself is.
func roundScope(a *narvaro.Actor, n int) (string, []any, error) {
	switch {
	case a != nil && a.Role == narvaro.RoleAdmin:
		return fmt.Sprintf(`r.huvudman_id = $%d`, n), []any{a.HuvudmanID}, nil
	case mayAnswerRounds(a):
		vis, args := visibleStudents("vst", n, a)
		return `EXISTS (SELECT 1 FROM cases vc JOIN students vst ON vst.id = vc.student_id WHERE vc.id = i.case_id AND ` + vis + `)`, args, nil
	}
	return "", nil, narvaro.Forbidden()
}

// ListRounds lists the rounds the actor takes part in, newest first, with the progress counted
// over the items the actor may see.
func (s *Store) ListRounds(ctx context.Context, a *narvaro.Actor) ([]Round, error) {
	return s.selectRounds(ctx, s.DB, a, 0)
}

// selectRounds reads the rounds (one when id is set) with progress over the visible items. An
// administrator also sees a round without items (nothing was open); a school only rounds that
// ask it something.
func (s *Store) selectRounds(ctx context.Context, q queryer, a *narvaro.Actor, id int64) ([]Round, error) {
	scope, args, err := roundScope(a, 2)
	if err != nil {
		return nil, err
	}
	join, where := "JOIN", "true"
	if a.Role == narvaro.RoleAdmin {
		join, where, scope = "LEFT JOIN", scope, "true"
	}
	out := []Round{}
	err = q.SelectContext(ctx, &out, `
		SELECT r.id, r.huvudman_id, r.name, r.due_on, u.display_name AS created_by, r.created_at,
			count(i.notice_id) AS items, count(i.answered_at) AS answered,
			count(*) FILTER (WHERE i.can_close) AS can_close, count(i.confirmed_at) AS confirmed
		FROM followup_rounds r JOIN users u ON u.id = r.created_by
		`+join+` followup_round_items i ON i.round_id = r.id AND `+scope+`
		WHERE ($1::bigint = 0 OR r.id = $1) AND `+where+`
		GROUP BY r.id, u.display_name ORDER BY r.created_at DESC, r.id DESC`, append([]any{id}, args...)...)
	if err != nil {
		return nil, translate(fmt.Errorf("list rounds: %w", err))
	}
	return out, nil
}

// GetRound reads a round with the items the actor may see, by category, and audits the read
// (the items name cases).
func (s *Store) GetRound(ctx context.Context, a *narvaro.Actor, id int64) (*RoundView, error) {
	var v *RoundView
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		v, err = s.loadRound(ctx, tx, a, id)
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Read, Entity: "followup_round", EntityID: id})
	})
	return v, err
}

func (s *Store) loadRound(ctx context.Context, q queryer, a *narvaro.Actor, id int64) (*RoundView, error) {
	where, args, err := roundScope(a, 2)
	if err != nil {
		return nil, err
	}
	rounds, err := s.selectRounds(ctx, q, a, id)
	if err != nil {
		return nil, err
	}
	if len(rounds) == 0 {
		return nil, narvaro.NotFound("Uppföljningsomgången", "The follow-up round")
	}
	v := &RoundView{Round: rounds[0]}
	var items []RoundItem
	err = q.SelectContext(ctx, &items, `
		SELECT i.notice_id, n.kind AS notice_kind, `+sqlDay("n.sent_at")+` AS notice_sent_on, i.case_id, c.case_number, c.status AS case_status,
			i.school_id, sc.name AS school_name, i.category, i.absence_continues, i.can_close, i.comment,
			COALESCE(ua.display_name, '') AS answered_by, i.answered_at, COALESCE(uc.display_name, '') AS confirmed_by, i.confirmed_at
		FROM followup_round_items i JOIN followup_rounds r ON r.id = i.round_id
		JOIN notices n ON n.id = i.notice_id JOIN cases c ON c.id = i.case_id JOIN schools sc ON sc.id = i.school_id
		LEFT JOIN users ua ON ua.id = i.answered_by LEFT JOIN users uc ON uc.id = i.confirmed_by
		WHERE i.round_id = $1 AND `+where+`
		ORDER BY sc.name, c.case_number, n.kind`, append([]any{id}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("load round items: %w", err)
	}
	for _, cat := range roundCategories {
		sec := RoundSection{Category: cat, Title: roundCategoryTitle(cat), Items: []RoundItem{}}
		for _, it := range items {
			if it.Category == cat {
				sec.Items = append(sec.Items, it)
			}
		}
		if len(sec.Items) > 0 || cat == RoundMunicipal {
			v.Sections = append(v.Sections, sec)
		}
	}
	return v, nil
}

// AnswerRound records a school's answers. Every notice must be in the round and at one of the
// actor's schools (otherwise "not found", so ids cannot be probed); an answer may be changed
// until the administrator has confirmed the closure. All answers are saved or none.
func (s *Store) AnswerRound(ctx context.Context, a *narvaro.Actor, roundID int64, in RoundAnswers) error {
	if !mayAnswerRounds(a) {
		return narvaro.Forbidden()
	}
	if err := in.Check(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		for _, ans := range in.Answers {
			var it struct {
				CaseID    int64      `db:"case_id"`
				SchoolID  int64      `db:"school_id"`
				StudentID int64      `db:"student_id"`
				Confirmed *time.Time `db:"confirmed_at"`
				subjectRow
			}
			err := tx.GetContext(ctx, &it, `SELECT i.case_id, i.school_id, c.student_id, i.confirmed_at,
					st.school_id AS subject_school_id, st.protected_identity AS subject_protected, st.mentor_id AS subject_mentor_id,
					EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = $3) AS subject_on_team
				FROM followup_round_items i JOIN cases c ON c.id = i.case_id JOIN students st ON st.id = c.student_id
				WHERE i.round_id = $1 AND i.notice_id = $2 FOR UPDATE OF i`, roundID, ans.NoticeID, a.UserID)
			// The school answers only about cases it may see: a protected identity's case is for
			// the rektor and the case's team.
			if isNoRows(err) || (err == nil && (!a.InSchool(it.SchoolID) || auth.SeeStudent(a, it.subject()) == auth.Hidden)) {
				return narvaro.NotFound("Anmälan i uppföljningsomgången", "The notice in the follow-up round")
			}
			if err != nil {
				return fmt.Errorf("load round item: %w", err)
			}
			if it.Confirmed != nil {
				return narvaro.Errorf(narvaro.CodeConflict, "Huvudmannen har redan bekräftat avslutet; svaret kan inte ändras.",
					"The governing body has already confirmed the closure; the answer cannot change.")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE followup_round_items SET absence_continues = $3, can_close = $4, comment = $5,
				answered_by = $6, answered_at = $7 WHERE round_id = $1 AND notice_id = $2`,
				roundID, ans.NoticeID, *ans.AbsenceContinues, *ans.CanClose, strings.TrimSpace(ans.Comment), a.UserID, s.Now()); err != nil {
				return fmt.Errorf("save round answer: %w", err)
			}
			if err := writeAudit(ctx, tx, a, audit.Entry{Action: audit.Update, Entity: "followup_round_item", EntityID: roundID,
				StudentID: it.StudentID, SchoolID: it.SchoolID, Detail: map[string]any{"notice_id": ans.NoticeID, "case_id": it.CaseID}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ConfirmRound records the administrator's confirmation that the listed notices are closed at
// huvudman level. Each must be in the administrator's round with the school's answer that the
// case can be closed. The case itself is not touched: closing it is the school's own step.
func (s *Store) ConfirmRound(ctx context.Context, a *narvaro.Actor, roundID int64, in RoundConfirm) error {
	if err := auth.Allow(a, auth.ReceiveNotices); err != nil {
		return err
	}
	if len(in.NoticeIDs) == 0 {
		return narvaro.Invalid("notice_ids", "Välj minst en anmälan att bekräfta.", "Choose at least one notice to confirm.")
	}
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		for _, noticeID := range in.NoticeIDs {
			var it struct {
				CaseID    int64      `db:"case_id"`
				SchoolID  int64      `db:"school_id"`
				StudentID int64      `db:"student_id"`
				CanClose  *bool      `db:"can_close"`
				Confirmed *time.Time `db:"confirmed_at"`
			}
			err := tx.GetContext(ctx, &it, `SELECT i.case_id, i.school_id, c.student_id, i.can_close, i.confirmed_at
				FROM followup_round_items i JOIN followup_rounds r ON r.id = i.round_id JOIN cases c ON c.id = i.case_id
				WHERE i.round_id = $1 AND i.notice_id = $2 AND r.huvudman_id = $3 FOR UPDATE OF i`, roundID, noticeID, a.HuvudmanID)
			if isNoRows(err) {
				return narvaro.NotFound("Anmälan i uppföljningsomgången", "The notice in the follow-up round")
			}
			if err != nil {
				return fmt.Errorf("load round item: %w", err)
			}
			switch {
			case it.Confirmed != nil:
				return narvaro.Errorf(narvaro.CodeConflict, "Avslutet är redan bekräftat.", "The closure is already confirmed.")
			case it.CanClose == nil || !*it.CanClose:
				return narvaro.Errorf(narvaro.CodeConflict, "Skolan har inte svarat att ärendet kan avslutas.",
					"The school has not answered that the case can be closed.")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE followup_round_items SET confirmed_by = $3, confirmed_at = $4 WHERE round_id = $1 AND notice_id = $2`,
				roundID, noticeID, a.UserID, s.Now()); err != nil {
				return fmt.Errorf("confirm round item: %w", err)
			}
			if err := writeAudit(ctx, tx, a, audit.Entry{Action: audit.Update, Entity: "followup_round_item", EntityID: roundID,
				StudentID: it.StudentID, SchoolID: it.SchoolID, Detail: map[string]any{"notice_id": noticeID, "case_id": it.CaseID, "confirmed": true}}); err != nil {
				return err
			}
		}
		return nil
	})
}
