package web

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// observe records each request by its route pattern (never the raw path, which holds ids).
func (s *Server) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.Requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		s.metrics.Latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

func (s *Server) registerMetrics() {
	h := promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{})
	s.engine.GET("/metrics", gin.WrapH(h))
}
