package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"sync/atomic"
	"time"
)

var pprofStarted atomic.Bool

// startPprof serves Go's profiler on the loopback address in NARVARO_PPROF (for example
// 127.0.0.1:6060), apart from the service's own listener, when that variable is set; it does
// nothing otherwise. Profiles show what the service is doing, so the listener refuses any
// address that is not loopback. `make bench` uses it to find where time goes. Only the first
// call does anything (narvaro-bench -profile may start it before serve does).
func startPprof(log *slog.Logger) error {
	addr := os.Getenv("NARVARO_PPROF")
	if addr == "" || !pprofStarted.CompareAndSwap(false, true) {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("NARVARO_PPROF=%q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("NARVARO_PPROF=%q: the profiler listens on loopback addresses only", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("NARVARO_PPROF: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil {
			log.Error("pprof listener stopped", "error", err)
		}
	}()
	log.Info("pprof listening", "addr", ln.Addr().String())
	return nil
}
