// Package attendance reads attendance exports from school systems, computes absence figures and
// evaluates the detection rules that raise advisory signals.
//
// It is pure domain code: no HTTP, no SQL. The import job feeds a *Reader (optionally through
// MergeLessons or SumLessons) into the database; the detection job loads each student's days and
// calls Evaluate with the rule set of the student's huvudman.
//
// The law (skollagen 7 kap. 19 a §) sets no threshold for "repeated or long absence". The rules
// here only raise a signal that a person looks at; the rektor decides whether to investigate.
package attendance
