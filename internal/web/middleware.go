package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
)

const (
	keyRequestID = "request_id"
	keyLogger    = "logger"
	keyActor     = "actor"
)

// requestIDs gives every request an id, echoed in X-Request-ID and written to every log line.
func requestIDs(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if id == "" || len(id) > 64 || strings.ContainsAny(id, "\r\n\t ") {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(keyRequestID, id)
		c.Set(keyLogger, log.With("request_id", id))
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(keyLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// accessLog writes one structured line per request. The route pattern, not the raw path, is
// logged so ids and query strings do not end up in the log.
func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		logger(c).Info("request", "method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"duration_ms", float64(time.Since(start).Microseconds())/1000, "bytes", c.Writer.Size(), "ip", c.ClientIP())
	}
}

// recovery turns a panic into a 500 with a generic message and logs the detail.
func recovery() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		logger(c).Error("panic", "panic", err, "route", c.FullPath())
		if wantsHTML(c) {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		apiError(c, narvaro.Internal(nil))
	})
}

// securityHeaders sets the headers every response carries.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		c.Next()
	}
}

// noStore keeps pages with children's data out of shared caches and the browser's disk cache.
func noStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Next()
	}
}

// language picks Swedish (default) or English from ?lang, the lang cookie or Accept-Language.
func language(c *gin.Context) string {
	if l := c.Query("lang"); l == "en" || l == "sv" {
		return l
	}
	if l, err := c.Cookie("lang"); err == nil && (l == "en" || l == "sv") {
		return l
	}
	for _, part := range strings.Split(c.GetHeader("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		switch {
		case strings.HasPrefix(tag, "sv"):
			return "sv"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "sv"
}

func wantsHTML(c *gin.Context) bool {
	return !strings.HasPrefix(c.Request.URL.Path, "/api/")
}

// actor returns the signed-in actor (set by the authentication middleware).
func actor(c *gin.Context) *narvaro.Actor {
	if a, ok := c.Get(keyActor); ok {
		return a.(*narvaro.Actor)
	}
	return nil
}
