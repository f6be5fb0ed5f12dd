// Package metrics holds Närvaro's Prometheus metrics: HTTP requests by route pattern, the
// database pool, and the timings of imports and PDF rendering.
package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry is the service's own registry (not the global default), so tests can build several
// servers in one process.
type Registry struct {
	*prometheus.Registry
	Requests       *prometheus.CounterVec
	Latency        *prometheus.HistogramVec
	ImportRows     prometheus.Counter
	ImportDuration prometheus.Histogram
	PDFDuration    *prometheus.HistogramVec
	Detection      prometheus.Histogram
}

// New creates the registry with Go runtime and process collectors.
func New() *Registry {
	r := &Registry{Registry: prometheus.NewRegistry()}
	r.Requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "narvaro_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
	}, []string{"method", "route", "status"})
	r.Latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "narvaro_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route"})
	r.ImportRows = prometheus.NewCounter(prometheus.CounterOpts{Name: "narvaro_import_rows_total", Help: "Attendance rows imported."})
	r.ImportDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "narvaro_import_duration_seconds", Help: "Attendance import duration.",
		Buckets: prometheus.ExponentialBuckets(0.1, 2, 12)})
	r.PDFDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "narvaro_pdf_render_duration_seconds", Help: "PDF rendering duration by document kind.",
		Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1}}, []string{"kind"})
	r.Detection = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "narvaro_detection_duration_seconds", Help: "Detection run duration.",
		Buckets: prometheus.ExponentialBuckets(0.05, 2, 10)})
	r.MustRegister(r.Requests, r.Latency, r.ImportRows, r.ImportDuration, r.PDFDuration, r.Detection,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// WatchDB exports the connection pool's statistics.
func (r *Registry) WatchDB(db *sql.DB) {
	r.MustRegister(collectors.NewDBStatsCollector(db, "narvaro"))
}
