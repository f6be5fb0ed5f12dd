package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// statusOf is the one mapping from the domain's error codes to HTTP statuses.
func statusOf(code narvaro.Code) int {
	switch code {
	case narvaro.CodeInvalid:
		return http.StatusUnprocessableEntity
	case narvaro.CodeNotFound:
		return http.StatusNotFound
	case narvaro.CodeConflict:
		return http.StatusConflict
	case narvaro.CodeForbidden:
		return http.StatusForbidden
	case narvaro.CodeUnauthorized:
		return http.StatusUnauthorized
	case narvaro.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code      narvaro.Code   `json:"code"`
		Message   string         `json:"message"`
		Fields    []fieldMessage `json:"fields,omitempty"`
		RequestID string         `json:"request_id"`
	} `json:"error"`
}

type fieldMessage struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// logError writes the detail behind an error to the log, with the request id; the person
// only ever sees the domain message.
func logError(c *gin.Context, e *narvaro.Error) {
	level := slog.LevelInfo
	if e.Code == narvaro.CodeInternal || e.Code == narvaro.CodeUnavailable {
		level = slog.LevelError
	}
	logger(c).Log(c.Request.Context(), level, "request failed", "code", e.Code, "error", e.Error(), "request_id", requestID(c))
}

// apiError answers an API request with the error in the caller's language.
func apiError(c *gin.Context, err error) {
	e := narvaro.AsError(err)
	logError(c, e)
	lang := language(c)
	var body errorBody
	body.Error.Code = e.Code
	body.Error.Message = e.Message.In(lang)
	body.Error.RequestID = requestID(c)
	for _, f := range e.Fields {
		body.Error.Fields = append(body.Error.Fields, fieldMessage{Field: f.Field, Message: f.Message.In(lang)})
	}
	if e.Code == narvaro.CodeUnavailable {
		c.Header("Retry-After", "5")
	}
	c.AbortWithStatusJSON(statusOf(e.Code), body)
}

// badRequest marks a body that could not be read at all (not JSON, wrong types, unknown fields).
func badRequest(c *gin.Context, err error) {
	e := narvaro.Errorf(narvaro.CodeInvalid, "Begäran kunde inte läsas: kontrollera att det är giltig JSON med rätt fält och typer.",
		"The request could not be read: check that it is valid JSON with the right fields and types.").Wrap(err)
	if msg := decodeProblem(err); msg != nil {
		e.Fields = append(e.Fields, *msg)
	}
	logError(c, e)
	lang := language(c)
	var body errorBody
	body.Error.Code = e.Code
	body.Error.Message = e.Message.In(lang)
	body.Error.RequestID = requestID(c)
	for _, f := range e.Fields {
		body.Error.Fields = append(body.Error.Fields, fieldMessage{Field: f.Field, Message: f.Message.In(lang)})
	}
	c.AbortWithStatusJSON(http.StatusBadRequest, body)
}

var errNoBody = errors.New("empty body")
