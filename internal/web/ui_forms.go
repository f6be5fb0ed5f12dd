package web

import (
	"encoding"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// formState is one form as the person filled it in, with the problems found, so a rejected
// form is shown again with the input kept and each message next to its field.
type formState struct {
	Name    string
	Values  url.Values
	Code    narvaro.Code
	Message narvaro.Text
	Stale   bool
	errs    []narvaro.FieldError
	byField map[string]narvaro.Text
	// alias maps a field path in an error ("measures[0].domains") to the input that shows it
	// ("measures[3].domains") when the input's name differs.
	alias map[string]string
	lang  string
	// flash overrides the step's success message.
	flash string
	// prefill asks the page to fill the fields the post did not carry from the record.
	prefill bool
}

func newFormState(name string, vals url.Values) *formState {
	if vals == nil {
		vals = url.Values{}
	}
	return &formState{Name: name, Values: vals, byField: map[string]narvaro.Text{}, alias: map[string]string{}}
}

// fail records an error from validation or the store on the form.
func (f *formState) fail(e *narvaro.Error) {
	f.Code, f.Message = e.Code, e.Message
	f.Stale = e.Code == narvaro.CodeConflict && e.Message == narvaro.Stale().Message
	for _, fe := range e.Fields {
		field := fe.Field
		if a, ok := f.alias[field]; ok {
			field = a
		}
		f.errs = append(f.errs, narvaro.FieldError{Field: field, Message: fe.Message})
		if prev, ok := f.byField[field]; ok {
			fe.Message = narvaro.Text{SV: prev.SV + " " + fe.Message.SV, EN: prev.EN + " " + fe.Message.EN}
		}
		f.byField[field] = fe.Message
	}
}

// Failed reports whether the form was rejected.
func (f *formState) Failed() bool { return f.Code != "" }

// Msg is the form's overall message.
func (f *formState) Msg() string { return f.Message.In(f.lang) }

// V is the value the person gave for a field.
func (f *formState) V(name string) string { return f.Values.Get(name) }

// Checked reports whether a checkbox or radio button with the value was chosen.
func (f *formState) Checked(name, value string) bool { return slices.Contains(f.Values[name], value) }

// Err is the message for a field, "" when there is none.
func (f *formState) Err(name string) string {
	if t, ok := f.byField[name]; ok {
		return t.In(f.lang)
	}
	return ""
}

// ID is the element id of a field's input, unique on the page.
func (f *formState) ID(name string) string { return f.Name + "-" + idSafe.ReplaceAllString(name, "-") }

var idSafe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// Problem is one line of the error summary at the top of a form.
type Problem struct {
	Field, Anchor, Message string
}

// Problems lists every field message, linked to its input, in the order they were found.
func (f *formState) Problems() []Problem {
	var out []Problem
	for _, e := range f.errs {
		out = append(out, Problem{Field: e.Field, Anchor: f.ID(e.Field), Message: e.Message.In(f.lang)})
	}
	return out
}

// field is what the input partials render: a labelled input with its value and message.
type field struct {
	ID, Name, Label, Value, Error, Type, Hint, Inputmode, Autocomplete string
	Rows, Max                                                          int
	Required                                                           bool
}

// newField builds a field for the "input" and "textarea" partials. Options: "req", "rows=N",
// "max=N", "hint=text-id", "type=date", "inputmode=decimal", "autocomplete=x", "label=literal".
func newField(p *page, f *formState, name, labelID string, opts ...string) field {
	fl := field{ID: f.ID(name), Name: name, Label: p.T(labelID), Value: f.V(name), Error: f.Err(name), Type: "text"}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "req":
			fl.Required = true
		case "rows":
			fl.Rows, _ = strconv.Atoi(v)
		case "max":
			fl.Max, _ = strconv.Atoi(v)
		case "hint":
			fl.Hint = p.T(v)
		case "type":
			fl.Type = v
		case "inputmode":
			fl.Inputmode = v
		case "autocomplete":
			fl.Autocomplete = v
		case "label":
			fl.Label = v
		}
	}
	return fl
}

// readForm reads a posted form (at most 1 MiB).
func readForm(c *gin.Context) (url.Values, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20)
	if err := c.Request.ParseForm(); err != nil {
		return nil, narvaro.Errorf(narvaro.CodeInvalid, "Formuläret kunde inte läsas.", "The form could not be read.").Wrap(err)
	}
	return c.Request.PostForm, nil
}

// bindForm fills one of the API's input types from a form by its `form` tags and checks it
// with the same validator and messages as the API.
func bindForm(vals url.Values, into any) error {
	parsed := decodeForm(vals, into, "")
	return checkInput(into, parsed)
}

// checkInput runs the `binding` tags. A field that could not be read at all keeps that message
// instead of a second one about the same field.
func checkInput(in any, parsed []narvaro.FieldError) error {
	var p narvaro.Problems
	seen := map[string]bool{}
	for _, fe := range parsed {
		p.Add(fe.Field, fe.Message.SV, fe.Message.EN)
		seen[fe.Field] = true
	}
	if err := binding.Validator.ValidateStruct(in); err != nil {
		e := narvaro.AsError(validationError(err))
		if len(e.Fields) == 0 {
			return e
		}
		for _, fe := range e.Fields {
			if !seen[fe.Field] {
				p.Add(fe.Field, fe.Message.SV, fe.Message.EN)
			}
		}
	}
	return p.Err()
}

// mergeErrors joins the problems of several checks into one invalid-input error; a field
// keeps the first message found for it.
func mergeErrors(errs ...error) error {
	var p narvaro.Problems
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		e := narvaro.AsError(err)
		if e.Code != narvaro.CodeInvalid || len(e.Fields) == 0 {
			return err
		}
		for _, fe := range e.Fields {
			if !seen[fe.Field] {
				seen[fe.Field] = true
				p.Add(fe.Field, fe.Message.SV, fe.Message.EN)
			}
		}
	}
	return p.Err()
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// decodeForm sets the struct's fields that have a `form` tag from vals (names prefixed with
// prefix). Empty values leave optional fields unset; values that cannot be read become field
// problems named like the input.
func decodeForm(vals url.Values, into any, prefix string) []narvaro.FieldError {
	var problems []narvaro.FieldError
	v := reflect.ValueOf(into).Elem()
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			problems = append(problems, decodeForm(vals, v.Field(i).Addr().Interface(), prefix)...)
			continue
		}
		tag := strings.Split(sf.Tag.Get("form"), ",")[0]
		if tag == "" || tag == "-" || !sf.IsExported() {
			continue
		}
		name := prefix + tag
		raw := vals[name]
		if fe := setField(v.Field(i), name, raw); fe != nil {
			problems = append(problems, *fe)
		}
	}
	return problems
}

func setField(fv reflect.Value, name string, raw []string) *narvaro.FieldError {
	first := ""
	if len(raw) > 0 {
		first = strings.TrimSpace(raw[0])
	}
	ft := fv.Type()
	if ft.Kind() == reflect.Slice {
		// No values leaves the slice nil, as a JSON body without the field would.
		fv.Set(reflect.Zero(ft))
		for _, r := range raw {
			if strings.TrimSpace(r) == "" {
				continue
			}
			el := reflect.New(ft.Elem()).Elem()
			if fe := setScalar(el, name, r); fe != nil {
				return fe
			}
			fv.Set(reflect.Append(fv, el))
		}
		return nil
	}
	if ft.Kind() == reflect.Pointer {
		if first == "" {
			fv.Set(reflect.Zero(ft))
			return nil
		}
		el := reflect.New(ft.Elem())
		if fe := setScalar(el.Elem(), name, raw[0]); fe != nil {
			return fe
		}
		fv.Set(el)
		return nil
	}
	if len(raw) == 0 {
		return nil
	}
	return setScalar(fv, name, raw[0])
}

func setScalar(fv reflect.Value, name, raw string) *narvaro.FieldError {
	trimmed := strings.TrimSpace(raw)
	if fv.CanAddr() && fv.Addr().Type().Implements(textUnmarshaler) {
		if err := fv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(trimmed)); err != nil {
			return &narvaro.FieldError{Field: name, Message: narvaro.Text{SV: "Ange datumet som ÅÅÅÅ-MM-DD.", EN: "Give the date as YYYY-MM-DD."}}
		}
		return nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(raw)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if trimmed == "" {
			fv.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(trimmed, 10, 64)
		if err != nil {
			return &narvaro.FieldError{Field: name, Message: narvaro.Text{SV: "Ange ett heltal.", EN: "Give a whole number."}}
		}
		fv.SetInt(n)
	case reflect.Float64:
		if trimmed == "" {
			fv.SetFloat(0)
			return nil
		}
		x, err := strconv.ParseFloat(strings.Replace(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(trimmed, "%")), " "), ",", ".", 1), 64)
		if err != nil {
			return &narvaro.FieldError{Field: name, Message: narvaro.Text{SV: "Ange ett tal, t.ex. 92,5.", EN: "Give a number, e.g. 92.5."}}
		}
		fv.SetFloat(x)
	case reflect.Bool:
		switch strings.ToLower(trimmed) {
		case "true", "on", "1", "yes", "ja":
			fv.SetBool(true)
		case "", "false", "off", "0", "no", "nej":
			fv.SetBool(false)
		default:
			return &narvaro.FieldError{Field: name, Message: narvaro.Text{SV: "Välj ja eller nej.", EN: "Choose yes or no."}}
		}
	}
	return nil
}
