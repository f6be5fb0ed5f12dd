package web

import (
	"crypto/sha256"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
)

const sessionUserKey = "user_id"

// authenticateAPI accepts a per-user API token (Authorization: Bearer …) or the browser session.
func (s *Server) authenticateAPI() gin.HandlerFunc {
	return func(c *gin.Context) {
		if h := c.GetHeader("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || token == "" {
				apiError(c, narvaro.Unauthorized())
				return
			}
			sum := sha256.Sum256([]byte(token))
			a, err := s.db.ActorByToken(c.Request.Context(), sum[:])
			if err != nil {
				apiError(c, err)
				return
			}
			s.setActor(c, a, true)
			c.Next()
			return
		}
		if !s.sessionActor(c) {
			apiError(c, narvaro.Unauthorized())
			return
		}
		c.Next()
	}
}

// sessionActor loads the actor from the browser session, if there is one.
func (s *Server) sessionActor(c *gin.Context) bool {
	id := s.sessions.GetInt64(c.Request.Context(), sessionUserKey)
	if id == 0 {
		return false
	}
	a, err := s.db.Actor(c.Request.Context(), id)
	if err != nil {
		return false
	}
	s.setActor(c, a, false)
	return true
}

func (s *Server) setActor(c *gin.Context, a *narvaro.Actor, viaToken bool) {
	a.IP, a.RequestID, a.ViaToken = c.ClientIP(), requestID(c), viaToken
	c.Set(keyActor, a)
	c.Set(keyLogger, logger(c).With("user_id", a.UserID))
}

// loadSession puts the signed-in actor (if any) on page requests.
func (s *Server) loadSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		s.sessionActor(c)
		c.Next()
	}
}

// signInLimiter slows repeated failed sign-ins from one address, on top of the per-account
// lockout kept in the database.
type signInLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

func newSignInLimiter() *signInLimiter { return &signInLimiter{failures: map[string][]time.Time{}} }

// delay is how long to wait before answering a sign-in from ip: it grows with recent failures.
func (l *signInLimiter) delay(ip string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.failures[ip][:0]
	for _, t := range l.failures[ip] {
		if time.Since(t) < 15*time.Minute {
			recent = append(recent, t)
		}
	}
	l.failures[ip] = recent
	if n := len(recent); n > 2 {
		return min(time.Duration(n-2)*250*time.Millisecond, 3*time.Second)
	}
	return 0
}

func (l *signInLimiter) fail(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[ip] = append(l.failures[ip], time.Now())
}

func (l *signInLimiter) succeed(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, ip)
}

func notFoundError() error {
	return narvaro.Errorf(narvaro.CodeNotFound, "Sidan eller resursen finns inte.", "The page or resource does not exist.")
}
