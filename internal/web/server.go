// Package web serves Närvaro over HTTP: the JSON API under /api/v1 and the server-rendered
// pages for student health teams, principals and administrators.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/metrics"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Deps are what the web layer is built on.
type Deps struct {
	Config   *config.Config
	Store    *postgres.Store
	Migrator *postgres.Migrator
	Log      *slog.Logger
	// Metrics is the Prometheus registry; nil creates one.
	Metrics *metrics.Registry
	// Extensions add routes owned by other features (PDFs, imports, reports).
	Extensions []func(*Server)
}

// Server holds the router and what handlers need.
type Server struct {
	cfg      *config.Config
	store    *postgres.Store
	db       *postgres.DB
	migrator *postgres.Migrator
	log      *slog.Logger
	sessions *scs.SessionManager
	engine   *gin.Engine
	api      *gin.RouterGroup
	pages    *gin.RouterGroup
	routes   []apiRoute
	limiter  *signInLimiter
	metrics  *metrics.Registry
	// notFoundPage renders HTML 404s once the pages are registered.
	notFoundPage gin.HandlerFunc
	openAPICache
}

// New builds the router with explicit middleware.
func New(d Deps) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: d.Config, store: d.Store, db: d.Store.DB, migrator: d.Migrator, log: d.Log}
	s.sessions = scs.New()
	s.sessions.Store = postgresstore.NewWithCleanupInterval(s.db.DB.DB, 10*time.Minute)
	s.sessions.IdleTimeout = d.Config.Session.IdleTimeout
	s.sessions.Lifetime = d.Config.Session.Lifetime
	s.sessions.Cookie.Name = "narvaro_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = d.Config.Server.SecureCookies
	s.limiter = newSignInLimiter()
	if s.metrics = d.Metrics; s.metrics == nil {
		s.metrics = metrics.New()
		s.metrics.WatchDB(s.db.DB.DB)
	}

	e := gin.New()
	if err := e.SetTrustedProxies(d.Config.Server.TrustedProxies); err != nil {
		return nil, err
	}
	e.HandleMethodNotAllowed = true
	e.Use(requestIDs(d.Log), recovery(), accessLog(), s.observe(), securityHeaders())
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	s.engine = e
	s.registerMetrics()
	s.api = e.Group("/api/v1", noStore(), s.authenticateAPI())
	s.registerAPI()
	s.pages = e.Group("/", noStore(), s.loadSession())
	// Each feature registers its own API routes and pages from its own file.
	if err := s.registerPages(); err != nil {
		return nil, err
	}
	s.registerDocuments()
	s.registerAttendance()
	s.registerReports()
	s.registerSecurity()
	for _, ext := range d.Extensions {
		ext(s)
	}
	e.NoRoute(s.notFound)
	return s, nil
}

// Handler is the whole service: the router behind cross-origin protection (CSRF) and the
// session middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	return cop.Handler(s.sessions.LoadAndSave(s.engine))
}

// HTTPServer returns an http.Server with the configured timeouts.
func (s *Server) HTTPServer() *http.Server {
	c := s.cfg.Server
	return &http.Server{
		Addr: c.Addr, Handler: s.Handler(),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: c.ReadTimeout, WriteTimeout: c.WriteTimeout, IdleTimeout: c.IdleTimeout,
		MaxHeaderBytes: 64 << 10,
	}
}

// Engine exposes the router to extensions and tests.
func (s *Server) Engine() *gin.Engine { return s.engine }

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 only when the database answers and every migration is applied, so a load
// balancer stops sending traffic while the database is away.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable"})
		return
	}
	if s.migrator != nil {
		current, err := s.migrator.Current(ctx)
		if err != nil || !current {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "migrations pending"})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

func (s *Server) notFound(c *gin.Context) {
	if wantsHTML(c) && s.notFoundPage != nil {
		s.notFoundPage(c)
		return
	}
	apiError(c, notFoundError())
}

// Metrics exposes the registry to features that time their work (imports, PDFs, detection).
func (s *Server) Metrics() *metrics.Registry { return s.metrics }
