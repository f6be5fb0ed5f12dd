package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// apiRoute is one API operation. The same table registers the routes and writes the OpenAPI
// document, so the two cannot drift apart.
type apiRoute struct {
	Method, Path, Summary, Tag string
	Request                    any // body type, nil for none
	Response                   any // 2xx body type
	Query                      any // query parameter struct, nil for none
	Status                     int // success status
	Handle                     gin.HandlerFunc
}

func (s *Server) registerAPI() {
	s.routes = []apiRoute{
		{"GET", "/me", "Den inloggade användaren / The signed-in user", "users", nil, meBody{}, nil, 200, s.apiMe},
		{"GET", "/tasks", "Det som behöver mig nu / What needs me now", "tasks", nil, []postgres.Task{}, nil, 200, s.apiTasks},
		{"GET", "/schools", "Mina skolenheter / My school units", "schools", nil, []narvaro.School{}, nil, 200, s.apiSchools},
		{"POST", "/schools", "Skapa skolenhet / Create a school unit", "schools", postgres.SchoolInput{}, idBody{}, nil, 201, s.apiCreateSchool},
		{"GET", "/students", "Sök elever / Search students", "students", nil, []postgres.StudentHit{}, searchQuery{}, 200, s.apiSearchStudents},
		{"GET", "/students/:id", "Elev med frånvaro, signaler och ärenden / Student with absence, signals and cases", "students", nil, postgres.StudentView{}, nil, 200, s.apiStudent},
		{"GET", "/signals", "Signaler / Signals", "signals", nil, []postgres.Signal{}, postgres.SignalFilter{}, 200, s.apiSignals},
		{"POST", "/signals", "Lyft en signal manuellt / Raise a signal by hand", "signals", postgres.RaiseInput{}, idBody{}, nil, 201, s.apiRaiseSignal},
		{"POST", "/signals/:id/dismiss", "Avfärda en signal / Dismiss a signal", "signals", postgres.DismissInput{}, okBody{}, nil, 200, s.apiDismissSignal},
		{"GET", "/cases", "Ärenden / Cases", "cases", nil, []postgres.CaseSummary{}, postgres.CaseFilter{}, 200, s.apiCases},
		{"POST", "/cases", "Öppna ärende (anmälan) / Open a case (report)", "cases", cases.OpenInput{}, idBody{}, nil, 201, s.apiOpenCase},
		{"GET", "/cases/:id", "Ärende / Case", "cases", nil, postgres.CaseView{}, nil, 200, s.apiCase},
		{"POST", "/cases/:id/assessment", "Rektors bedömning / Principal's assessment", "workflow", cases.AssessInput{}, okBody{}, nil, 200, s.apiAssess},
		{"PUT", "/cases/:id/investigation", "Spara utredningen / Save the investigation", "workflow", cases.InvestigationInput{}, okBody{}, nil, 200, s.apiSaveInvestigation},
		{"POST", "/cases/:id/investigation/complete", "Slutför utredningen / Complete the investigation", "workflow", versionBody{}, okBody{}, nil, 200, s.apiCompleteInvestigation},
		{"POST", "/cases/:id/wheel", "Bedömning i hjulet / Wheel assessment", "workflow", wheelBody{}, idBody{}, nil, 201, s.apiWheel},
		{"POST", "/cases/:id/plans", "Lämna åtgärdsplan till rektor / Submit a remedy plan", "workflow", cases.PlanInput{}, idBody{}, nil, 201, s.apiSubmitPlan},
		{"POST", "/cases/:id/plans/decision", "Rektors beslut om planen / Principal's decision on the plan", "workflow", cases.DecisionInput{}, okBody{}, nil, 200, s.apiDecide},
		{"POST", "/cases/:id/followups", "Uppföljning / Follow-up", "workflow", cases.FollowUpInput{}, idBody{}, nil, 201, s.apiFollowUp},
		{"POST", "/cases/:id/escalations", "Eskalering, t.ex. orosanmälan / Escalation, e.g. report of concern", "workflow", cases.EscalationInput{}, idBody{}, nil, 201, s.apiEscalate},
		{"POST", "/cases/:id/contacts", "Kontakt med vårdnadshavare / Guardian contact", "workflow", cases.ContactInput{}, idBody{}, nil, 201, s.apiContact},
		{"POST", "/cases/:id/close", "Avsluta ärendet / Close the case", "workflow", cases.CloseInput{}, okBody{}, nil, 200, s.apiClose},
		{"POST", "/cases/:id/reopen", "Återöppna ärendet / Reopen the case", "workflow", cases.ReopenInput{}, okBody{}, nil, 200, s.apiReopen},
		{"POST", "/notices/:id/send", "Markera anmälan som skickad / Mark a notice as sent", "notices", nil, okBody{}, nil, 200, s.apiSendNotice},
		{"POST", "/notices/:id/receive", "Kvittera mottagen anmälan / Acknowledge a notice", "notices", nil, okBody{}, nil, 200, s.apiReceiveNotice},
		{"GET", "/users", "Användare / Users", "admin", nil, []narvaro.User{}, nil, 200, s.apiUsers},
		{"POST", "/users", "Skapa användare / Create a user", "admin", postgres.UserInput{}, idBody{}, nil, 201, s.apiCreateUser},
		{"PUT", "/users/:id", "Ändra användare / Change a user", "admin", postgres.UserInput{}, okBody{}, nil, 200, s.apiUpdateUser},
		{"GET", "/tokens", "API-nycklar / API tokens", "admin", nil, []postgres.Token{}, nil, 200, s.apiTokens},
		{"POST", "/users/:id/tokens", "Skapa API-nyckel / Create an API token", "admin", postgres.TokenInput{}, tokenBody{}, nil, 201, s.apiCreateToken},
		{"DELETE", "/tokens/:id", "Återkalla API-nyckel / Revoke an API token", "admin", nil, okBody{}, nil, 200, s.apiRevokeToken},
	}
	s.engine.GET("/api/v1/openapi.json", s.openAPI)
	for _, r := range s.routes {
		s.api.Handle(r.Method, r.Path, r.Handle)
	}
}

// AddAPIRoute lets a feature package add an operation (registered and documented alike).
func (s *Server) AddAPIRoute(r apiRoute) {
	s.routes = append(s.routes, r)
	s.api.Handle(r.Method, r.Path, r.Handle)
}

type (
	idBody struct {
		ID int64 `json:"id"`
	}
	okBody struct {
		OK bool `json:"ok"`
	}
	versionBody struct {
		Version int `json:"version" binding:"required,gt=0"`
	}
	wheelBody struct {
		Occasion string `json:"occasion" binding:"required,oneof=report investigation"`
		Version  int    `json:"version" binding:"required,gt=0"`
		cases.AssessmentInput
	}
	tokenBody struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	meBody struct {
		ID        int64        `json:"id"`
		Name      string       `json:"name"`
		Title     string       `json:"title"`
		Role      narvaro.Role `json:"role"`
		SchoolIDs []int64      `json:"school_ids"`
	}
	searchQuery struct {
		Q string `form:"q" binding:"max=100"`
	}
)

// pathID reads :id; a malformed id is answered like a missing one.
func pathID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		apiError(c, notFoundError())
		return 0, false
	}
	return id, true
}

func bindQuery(c *gin.Context, into any) bool {
	if err := c.ShouldBindQuery(into); err != nil {
		apiError(c, validationError(err))
		return false
	}
	return true
}

func created(c *gin.Context, id int64, replay bool) {
	if replay {
		c.Header("Idempotent-Replayed", "true")
		c.JSON(http.StatusOK, idBody{id})
		return
	}
	c.JSON(http.StatusCreated, idBody{id})
}

func ok(c *gin.Context, err error) {
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, okBody{true})
}

func respond[T any](c *gin.Context, v T, err error) {
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) apiMe(c *gin.Context) {
	a := actor(c)
	c.JSON(http.StatusOK, meBody{a.UserID, a.Name, a.Title, a.Role, a.SchoolIDs})
}

func (s *Server) apiTasks(c *gin.Context) {
	t, err := s.store.Tasks(c.Request.Context(), actor(c))
	respond(c, t, err)
}

func (s *Server) apiSchools(c *gin.Context) {
	v, err := s.store.ListSchools(c.Request.Context(), actor(c))
	respond(c, v, err)
}

func (s *Server) apiCreateSchool(c *gin.Context) {
	var in postgres.SchoolInput
	if !bindJSON(c, &in) {
		return
	}
	id, err := s.store.CreateSchool(c.Request.Context(), actor(c), in)
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, id, false)
}

func (s *Server) apiSearchStudents(c *gin.Context) {
	var q searchQuery
	if !bindQuery(c, &q) {
		return
	}
	v, err := s.store.SearchStudents(c.Request.Context(), actor(c), q.Q, 50)
	respond(c, v, err)
}

func (s *Server) apiStudent(c *gin.Context) {
	id, okID := pathID(c)
	if !okID {
		return
	}
	v, err := s.store.GetStudent(c.Request.Context(), actor(c), id)
	respond(c, v, err)
}

func (s *Server) apiSignals(c *gin.Context) {
	var f postgres.SignalFilter
	if !bindQuery(c, &f) {
		return
	}
	v, err := s.store.ListSignals(c.Request.Context(), actor(c), f)
	respond(c, v, err)
}

func (s *Server) apiRaiseSignal(c *gin.Context) {
	var in postgres.RaiseInput
	if !bindJSON(c, &in) {
		return
	}
	id, err := s.store.RaiseSignal(c.Request.Context(), actor(c), in)
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, id, false)
}

func (s *Server) apiDismissSignal(c *gin.Context) {
	id, okID := pathID(c)
	var in postgres.DismissInput
	if !okID || !bindJSON(c, &in) {
		return
	}
	ok(c, s.store.DismissSignal(c.Request.Context(), actor(c), id, in))
}

func (s *Server) apiCases(c *gin.Context) {
	var f postgres.CaseFilter
	if !bindQuery(c, &f) {
		return
	}
	v, err := s.store.ListCases(c.Request.Context(), actor(c), f)
	respond(c, v, err)
}

func (s *Server) apiOpenCase(c *gin.Context) {
	var in cases.OpenInput
	if !bindJSON(c, &in) {
		return
	}
	id, replay, err := s.store.OpenCase(c.Request.Context(), actor(c), in, c.GetHeader("Idempotency-Key"))
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, id, replay)
}

func (s *Server) apiCase(c *gin.Context) {
	id, okID := pathID(c)
	if !okID {
		return
	}
	v, err := s.store.GetCase(c.Request.Context(), actor(c), id)
	if err == nil {
		c.Header("ETag", `"`+strconv.Itoa(v.Case.Version)+`"`)
	}
	respond(c, v, err)
}

// caseStep binds a step's body and runs it against the case in the path.
func caseStep[T any](c *gin.Context, run func(id int64, in T) error) {
	id, okID := pathID(c)
	var in T
	if !okID || !bindJSON(c, &in) {
		return
	}
	ok(c, run(id, in))
}

func (s *Server) apiAssess(c *gin.Context) {
	caseStep(c, func(id int64, in cases.AssessInput) error {
		return s.store.Assess(c.Request.Context(), actor(c), id, in)
	})
}

func (s *Server) apiSaveInvestigation(c *gin.Context) {
	caseStep(c, func(id int64, in cases.InvestigationInput) error {
		return s.store.SaveInvestigation(c.Request.Context(), actor(c), id, in)
	})
}

func (s *Server) apiCompleteInvestigation(c *gin.Context) {
	caseStep(c, func(id int64, in versionBody) error {
		return s.store.CompleteInvestigation(c.Request.Context(), actor(c), id, in.Version)
	})
}

func (s *Server) apiWheel(c *gin.Context) {
	id, okID := pathID(c)
	var in wheelBody
	if !okID || !bindJSON(c, &in) {
		return
	}
	wid, err := s.store.RecordAssessment(c.Request.Context(), actor(c), id, wheel.Occasion(in.Occasion), in.AssessmentInput, in.Version)
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, wid, false)
}

func (s *Server) apiSubmitPlan(c *gin.Context) {
	id, okID := pathID(c)
	var in cases.PlanInput
	if !okID || !bindJSON(c, &in) {
		return
	}
	pid, err := s.store.SubmitPlan(c.Request.Context(), actor(c), id, in)
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, pid, false)
}

func (s *Server) apiDecide(c *gin.Context) {
	caseStep(c, func(id int64, in cases.DecisionInput) error {
		return s.store.DecidePlan(c.Request.Context(), actor(c), id, in)
	})
}

func (s *Server) apiFollowUp(c *gin.Context) {
	id, okID := pathID(c)
	var in cases.FollowUpInput
	if !okID || !bindJSON(c, &in) {
		return
	}
	fid, replay, err := s.store.RecordFollowUp(c.Request.Context(), actor(c), id, in, c.GetHeader("Idempotency-Key"))
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, fid, replay)
}

func (s *Server) apiEscalate(c *gin.Context) {
	id, okID := pathID(c)
	var in cases.EscalationInput
	if !okID || !bindJSON(c, &in) {
		return
	}
	eid, replay, err := s.store.Escalate(c.Request.Context(), actor(c), id, in, c.GetHeader("Idempotency-Key"))
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, eid, replay)
}

func (s *Server) apiContact(c *gin.Context) {
	id, okID := pathID(c)
	var in cases.ContactInput
	if !okID || !bindJSON(c, &in) {
		return
	}
	cid, err := s.store.RecordContact(c.Request.Context(), actor(c), id, in)
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, cid, false)
}

func (s *Server) apiClose(c *gin.Context) {
	caseStep(c, func(id int64, in cases.CloseInput) error { return s.store.Close(c.Request.Context(), actor(c), id, in) })
}

func (s *Server) apiReopen(c *gin.Context) {
	caseStep(c, func(id int64, in cases.ReopenInput) error {
		return s.store.Reopen(c.Request.Context(), actor(c), id, in)
	})
}

func (s *Server) apiSendNotice(c *gin.Context) {
	if id, okID := pathID(c); okID {
		ok(c, s.store.SendNotice(c.Request.Context(), actor(c), id))
	}
}

func (s *Server) apiReceiveNotice(c *gin.Context) {
	if id, okID := pathID(c); okID {
		ok(c, s.store.ReceiveNotice(c.Request.Context(), actor(c), id))
	}
}

func (s *Server) apiUsers(c *gin.Context) {
	v, err := s.store.ListUsers(c.Request.Context(), actor(c))
	respond(c, v, err)
}

func (s *Server) apiCreateUser(c *gin.Context) {
	var in postgres.UserInput
	if !bindJSON(c, &in) {
		return
	}
	id, err := s.store.SaveUser(c.Request.Context(), actor(c), 0, in)
	if err != nil {
		apiError(c, err)
		return
	}
	created(c, id, false)
}

func (s *Server) apiUpdateUser(c *gin.Context) {
	caseStep(c, func(id int64, in postgres.UserInput) error {
		_, err := s.store.SaveUser(c.Request.Context(), actor(c), id, in)
		return err
	})
}

func (s *Server) apiTokens(c *gin.Context) {
	v, err := s.store.ListTokens(c.Request.Context(), actor(c))
	respond(c, v, err)
}

func (s *Server) apiCreateToken(c *gin.Context) {
	id, okID := pathID(c)
	var in postgres.TokenInput
	if !okID || !bindJSON(c, &in) {
		return
	}
	tid, secret, err := s.store.CreateToken(c.Request.Context(), actor(c), id, in)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusCreated, tokenBody{tid, secret})
}

func (s *Server) apiRevokeToken(c *gin.Context) {
	if id, okID := pathID(c); okID {
		ok(c, s.store.RevokeToken(c.Request.Context(), actor(c), id))
	}
}
