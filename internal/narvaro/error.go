// Package narvaro holds the domain types shared by every part of the service: the error type,
// the organisation (huvudman, school units), people (students, guardians, users) and roles.
// It imports nothing from HTTP, SQL or PDF; those layers depend on it.
package narvaro

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error by what the caller can do about it. Each code maps to one HTTP status,
// in one place (internal/web).
type Code string

const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeForbidden    Code = "forbidden"
	CodeUnauthorized Code = "unauthorized"
	CodeUnavailable  Code = "unavailable"
	CodeInternal     Code = "internal"
)

// Text is a message a person understands, in Swedish (the default) and English.
type Text struct {
	SV string `json:"sv"`
	EN string `json:"en"`
}

// In returns the text in the given language ("en" or anything else for Swedish).
func (t Text) In(lang string) string {
	if strings.HasPrefix(lang, "en") && t.EN != "" {
		return t.EN
	}
	return t.SV
}

// FieldError is a problem with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Message Text   `json:"message"`
}

// Error is the domain's one error type. Message is shown to the user; Err carries the detail for
// the log and is never shown.
type Error struct {
	Code    Code
	Message Text
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	b.WriteString(": ")
	b.WriteString(e.Message.EN)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message.EN)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an error with a code and a message in both languages.
func Errorf(code Code, sv, en string) *Error {
	return &Error{Code: code, Message: Text{SV: sv, EN: en}}
}

// Invalid reports bad input in one field.
func Invalid(field, sv, en string) *Error {
	return &Error{
		Code:    CodeInvalid,
		Message: Text{SV: "Uppgifterna är inte giltiga.", EN: "The input is not valid."},
		Fields:  []FieldError{{Field: field, Message: Text{SV: sv, EN: en}}},
	}
}

// NotFound says that a thing does not exist, or that the user may not know it exists.
func NotFound(whatSV, whatEN string) *Error {
	return Errorf(CodeNotFound, whatSV+" hittades inte.", whatEN+" was not found.")
}

// Forbidden says that the user may not do this.
func Forbidden() *Error {
	return Errorf(CodeForbidden, "Du har inte behörighet att göra detta.", "You are not allowed to do this.")
}

// Unauthorized says that the user must sign in.
func Unauthorized() *Error {
	return Errorf(CodeUnauthorized, "Du måste logga in.", "You must sign in.")
}

// Stale says that somebody else changed the record since the user read it.
func Stale() *Error {
	return Errorf(CodeConflict,
		"Någon annan har ändrat uppgifterna sedan du läste dem. Ladda om och försök igen; inget har sparats.",
		"Somebody else changed this since you read it. Reload and try again; nothing was saved.")
}

// Internal wraps an unexpected failure. The user sees a generic message; the log sees err.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: Text{
		SV: "Ett internt fel inträffade. Försök igen eller kontakta support.",
		EN: "An internal error occurred. Try again or contact support.",
	}, Err: err}
}

// WithField adds a field problem to an invalid-input error.
func (e *Error) WithField(field, sv, en string) *Error {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: Text{SV: sv, EN: en}})
	return e
}

// Wrap keeps the user-facing message and records err as the detail.
func (e *Error) Wrap(err error) *Error {
	e.Err = err
	return e
}

// ErrorCode returns the code of err, CodeInternal for errors that are not domain errors.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns err as a domain error, wrapping unknown errors as internal ones.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Problems collects field errors from several checks and returns them as one invalid-input error.
type Problems struct{ fields []FieldError }

// Add records a problem with a field.
func (p *Problems) Add(field, sv, en string) {
	p.fields = append(p.fields, FieldError{Field: field, Message: Text{SV: sv, EN: en}})
}

// Err returns nil when no problem was recorded.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &Error{
		Code:    CodeInvalid,
		Message: Text{SV: "Uppgifterna är inte giltiga.", EN: "The input is not valid."},
		Fields:  p.fields,
	}
}
