package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"github.com/narvaro/narvaro/internal/narvaro"
)

func init() {
	// Field names in messages are the JSON names the caller sent.
	if v, ok := binding.Validator.Engine().(*validator.Validate); ok {
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "-" || name == "" {
				return f.Name
			}
			return name
		})
	}
	// Unknown fields are refused rather than silently dropped.
	binding.EnableDecoderDisallowUnknownFields = true
}

// bindJSON reads a JSON body strictly and validates it: unreadable bodies get 400, invalid
// values 422 with a message per field in Swedish and English.
func bindJSON(c *gin.Context, into any) bool {
	if c.Request.Body == nil || c.Request.ContentLength == 0 {
		badRequest(c, errNoBody)
		return false
	}
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, 2<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		badRequest(c, err)
		return false
	}
	return validate(c, into)
}

// validate runs validator/v10 (the `binding` tags) and answers 422 on failure.
func validate(c *gin.Context, v any) bool {
	if err := binding.Validator.ValidateStruct(v); err != nil {
		apiError(c, validationError(err))
		return false
	}
	return true
}

// validationError translates validator errors into the domain's field errors.
func validationError(err error) error {
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return narvaro.Errorf(narvaro.CodeInvalid, "Uppgifterna är inte giltiga.", "The input is not valid.").Wrap(err)
	}
	var p narvaro.Problems
	for _, fe := range verrs {
		field := fieldPath(fe.Namespace())
		msg := translate(fe)
		p.Add(field, msg.SV, msg.EN)
	}
	return p.Err()
}

// fieldPath turns "OpenInput.measures[0].domains" into "measures[0].domains".
func fieldPath(ns string) string {
	if i := strings.Index(ns, "."); i >= 0 {
		return ns[i+1:]
	}
	return ns
}

// translate gives a validator failure in words, in Swedish and English.
func translate(fe validator.FieldError) narvaro.Text {
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		return narvaro.Text{SV: "Fältet måste fyllas i.", EN: "This field is required."}
	case "min":
		if fe.Kind() == reflect.String {
			return narvaro.Text{SV: fmt.Sprintf("Skriv minst %s tecken.", p), EN: fmt.Sprintf("Write at least %s characters.", p)}
		}
		if fe.Kind() == reflect.Slice {
			return narvaro.Text{SV: fmt.Sprintf("Välj minst %s.", p), EN: fmt.Sprintf("Choose at least %s.", p)}
		}
		return narvaro.Text{SV: fmt.Sprintf("Värdet måste vara minst %s.", p), EN: fmt.Sprintf("The value must be at least %s.", p)}
	case "max":
		if fe.Kind() == reflect.String {
			return narvaro.Text{SV: fmt.Sprintf("Skriv högst %s tecken.", p), EN: fmt.Sprintf("Write at most %s characters.", p)}
		}
		if fe.Kind() == reflect.Slice {
			return narvaro.Text{SV: fmt.Sprintf("Högst %s får anges.", p), EN: fmt.Sprintf("At most %s may be given.", p)}
		}
		return narvaro.Text{SV: fmt.Sprintf("Värdet får vara högst %s.", p), EN: fmt.Sprintf("The value must be at most %s.", p)}
	case "gt":
		return narvaro.Text{SV: fmt.Sprintf("Värdet måste vara större än %s.", p), EN: fmt.Sprintf("The value must be greater than %s.", p)}
	case "oneof":
		return narvaro.Text{SV: "Välj ett av: " + strings.ReplaceAll(p, " ", ", ") + ".", EN: "Choose one of: " + strings.ReplaceAll(p, " ", ", ") + "."}
	case "email":
		return narvaro.Text{SV: "Ange en giltig e-postadress.", EN: "Give a valid email address."}
	case "len":
		if fe.Kind() == reflect.String {
			return narvaro.Text{SV: fmt.Sprintf("Skriv exakt %s tecken.", p), EN: fmt.Sprintf("Write exactly %s characters.", p)}
		}
		return narvaro.Text{SV: fmt.Sprintf("Exakt %s ska anges.", p), EN: fmt.Sprintf("Exactly %s must be given.", p)}
	case "numeric":
		return narvaro.Text{SV: "Använd bara siffror.", EN: "Use digits only."}
	case "datetime":
		return narvaro.Text{SV: "Ange datum som ÅÅÅÅ-MM-DD.", EN: "Give the date as YYYY-MM-DD."}
	case "gte":
		return narvaro.Text{SV: fmt.Sprintf("Värdet måste vara minst %s.", p), EN: fmt.Sprintf("The value must be at least %s.", p)}
	case "lte":
		return narvaro.Text{SV: fmt.Sprintf("Värdet får vara högst %s.", p), EN: fmt.Sprintf("The value must be at most %s.", p)}
	}
	return narvaro.Text{SV: "Värdet är inte giltigt (" + fe.Tag() + ").", EN: "The value is not valid (" + fe.Tag() + ")."}
}

// decodeProblem names the field of a JSON type error.
func decodeProblem(err error) *narvaro.FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &narvaro.FieldError{Field: te.Field, Message: narvaro.Text{
			SV: "Fel typ: väntade " + te.Type.String() + ".", EN: "Wrong type: expected " + te.Type.String() + "."}}
	}
	if err != nil && strings.HasPrefix(err.Error(), "json: unknown field ") {
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &narvaro.FieldError{Field: name, Message: narvaro.Text{SV: "Okänt fält.", EN: "Unknown field."}}
	}
	return nil
}
