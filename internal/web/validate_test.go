package web

import (
	"strings"
	"testing"

	"github.com/gin-gonic/gin/binding"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Every validation rule used in the input types has a message of its own in both languages,
// never the generic fallback.
func TestEveryValidationRuleHasAMessage(t *testing.T) {
	type input struct {
		Code  string `json:"code" binding:"len=8"`
		Digit string `json:"digit" binding:"numeric"`
		Email string `json:"email" binding:"email"`
		Low   int    `json:"low" binding:"gte=1"`
		High  int    `json:"high" binding:"lte=5"`
	}
	err := binding.Validator.ValidateStruct(&input{Code: "123", Digit: "12a", Email: "nej", Low: 0, High: 9})
	if err == nil {
		t.Fatal("invalid input passed")
	}
	fields := narvaro.AsError(validationError(err)).Fields
	if len(fields) != 5 {
		t.Fatalf("got %d field errors, want 5: %+v", len(fields), fields)
	}
	for _, f := range fields {
		if strings.Contains(f.Message.SV, "(") || strings.Contains(f.Message.EN, "(") || f.Message.SV == "" || f.Message.EN == "" {
			t.Errorf("%s: generic or missing message %+v", f.Field, f.Message)
		}
	}
}
