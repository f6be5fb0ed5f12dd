package web

import (
	"fmt"
	"io/fs"
	"net/http"

	"github.com/narvaro/narvaro/templates"
)

// registerPages parses every page's templates and registers the pages. A missing or broken
// template stops start-up here, with the file named, rather than failing at request time.
func (s *Server) registerPages() error {
	u, err := newUI(s, templates.FS)
	if err != nil {
		return fmt.Errorf("web pages: %w", err)
	}
	static, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return fmt.Errorf("web pages: static files: %w", err)
	}
	s.engine.StaticFS("/static", http.FS(static))
	s.notFoundPage = u.notFound
	uis.Store(s, u)

	g := s.pages
	g.GET("/login", u.loginPage)
	g.POST("/login", u.login)
	g.GET("/lang", u.setLanguage)

	in := s.pagesGroup()
	in.POST("/logout", u.logout)
	in.GET("/", u.home)
	in.POST("/notices/:id/send", u.sendNotice)
	in.POST("/notices/:id/receive", u.receiveNotice)

	in.GET("/students", u.searchStudents)
	in.GET("/students/:id", u.student)
	in.POST("/signals", u.raiseSignal)
	in.POST("/signals/:id/dismiss", u.dismissSignal)

	in.GET("/cases", u.caseList)
	in.GET("/cases/new", u.newCase)
	in.POST("/cases", u.openCase)
	in.GET("/cases/:id", u.casePage)
	in.POST("/cases/:id/assess", u.assess)
	in.GET("/cases/:id/investigation", u.investigationPage)
	in.POST("/cases/:id/investigation", u.saveInvestigation)
	in.POST("/cases/:id/investigation/complete", u.completeInvestigation)
	in.GET("/cases/:id/wheel", u.wheelPage)
	in.POST("/cases/:id/wheel", u.recordWheel)
	in.GET("/cases/:id/plan", u.planPage)
	in.POST("/cases/:id/plan", u.submitPlan)
	in.POST("/cases/:id/decision", u.decide)
	in.GET("/cases/:id/followup", u.followUpPage)
	in.POST("/cases/:id/followup", u.recordFollowUp)
	in.POST("/cases/:id/escalations", u.escalate)
	in.POST("/cases/:id/contacts", u.contact)
	in.POST("/cases/:id/close", u.closeCase)
	in.POST("/cases/:id/reopen", u.reopen)

	u.registerAdminPages(in)
	return nil
}
