// Package loadtest measures Närvaro at municipal scale: it generates a municipality's records
// in PostgreSQL (20,000 students, a school year of daily attendance, about 1,000 cases in every
// status, a year of audit log) in set-based SQL, drives the running service over loopback with
// a fixed pool of authenticated workers, and measures the stack's own floor (one gin + sqlx +
// lib/pq handler reading one row by primary key) under the same load, so every figure is
// reported as a share of what the stack itself can do on the machine at hand.
//
// The heavy parts run from cmd/narvaro-bench (`make bench`); the tests here are small.
package loadtest
