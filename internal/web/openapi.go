package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// openAPI serves the OpenAPI 3 document built from the route table.
func (s *Server) openAPI(c *gin.Context) {
	s.openAPIOnce.Do(func() { s.openAPIDoc, _ = json.Marshal(s.buildOpenAPI()) })
	c.Data(http.StatusOK, "application/json", s.openAPIDoc)
}

type openAPICache struct {
	openAPIOnce sync.Once
	openAPIDoc  []byte
}

func (s *Server) buildOpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	schemas := map[string]any{}
	for _, r := range s.routes {
		path := "/api/v1" + openAPIPath(r.Path)
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		op := map[string]any{
			"summary":     r.Summary,
			"tags":        []string{r.Tag},
			"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", "-", "_").Replace(r.Path),
			"responses": map[string]any{
				itoa(r.Status): successResponse(r.Response, schemas),
				"400":          ref("Error", "Begäran kunde inte läsas / Unreadable request"),
				"401":          ref("Error", "Inte inloggad / Not signed in"),
				"403":          ref("Error", "Ingen behörighet / Forbidden"),
				"404":          ref("Error", "Finns inte (eller inte synligt för dig) / Not found"),
				"409":          ref("Error", "Konflikt, t.ex. inaktuell version / Conflict, e.g. stale version"),
				"422":          ref("Error", "Ogiltiga uppgifter per fält / Invalid input per field"),
				"503":          ref("Error", "Databasen är inte tillgänglig / Database unavailable"),
			},
		}
		var params []any
		for _, seg := range strings.Split(r.Path, "/") {
			name, ok := strings.CutPrefix(seg, ":")
			if !ok {
				continue
			}
			schema := map[string]any{"type": "string"}
			if name == "id" {
				schema = map[string]any{"type": "integer", "format": "int64"}
			}
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": schema})
		}
		if r.Query != nil {
			t := reflect.TypeOf(r.Query)
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if name := f.Tag.Get("form"); name != "" {
					params = append(params, map[string]any{"name": name, "in": "query", "schema": schemaOf(f.Type, schemas)})
				}
			}
		}
		if r.Method == "POST" && (strings.HasSuffix(r.Path, "/cases") || strings.HasSuffix(r.Path, "/followups") || strings.HasSuffix(r.Path, "/escalations")) {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string", "maxLength": 200},
				"description": "En upprepad begäran med samma nyckel skapar inget nytt / A retry with the same key creates nothing new"})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.Request), schemas)}}}
		}
		paths[path][strings.ToLower(r.Method)] = op
	}
	schemas["Error"] = map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
		"code":       map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "conflict", "forbidden", "unauthorized", "unavailable", "internal"}},
		"message":    map[string]any{"type": "string"},
		"request_id": map[string]any{"type": "string"},
		"fields": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"field": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}},
	}}}}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Närvaro API", "version": "1",
			"description": "Hantering av elevers omfattande frånvaro / Handling students' extensive school absence. Meddelanden på svenska eller engelska enligt Accept-Language."},
		"servers":    []any{map[string]any{"url": s.cfg.Server.BaseURL}},
		"security":   []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}, "session": map[string]any{"type": "apiKey", "in": "cookie", "name": "narvaro_session"}}},
	}
}

func ref(name, desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + name}}}}
}

func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

var (
	timeType = reflect.TypeOf(time.Time{})
	dateType = reflect.TypeOf(narvaro.Date{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// schemaOf describes a Go type as an OpenAPI schema; named structs go to components.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateType:
		return map[string]any{"type": "string", "format": "date"}
	case rawType:
		return map[string]any{"type": "object"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Struct:
		name := t.Name()
		if name != "" {
			name = strings.TrimPrefix(t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]+"."+name, "web.")
			if _, done := schemas[name]; !done {
				schemas[name] = map[string]any{} // break cycles
				schemas[name] = structSchema(t, schemas)
			}
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		return structSchema(t, schemas)
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
				walk(f.Type)
				continue
			}
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if !f.IsExported() || name == "-" || name == "" {
				continue
			}
			sch := schemaOf(f.Type, schemas)
			binding := f.Tag.Get("binding")
			for _, rule := range strings.Split(binding, ",") {
				if v, ok := strings.CutPrefix(rule, "oneof="); ok && sch["type"] == "string" {
					sch = map[string]any{"type": "string", "enum": strings.Fields(v)}
				}
				if rule == "required" {
					required = append(required, name)
				}
			}
			props[name] = sch
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if required != nil {
		out["required"] = required
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// contentTyper is a response type that is not JSON (e.g. a PDF file).
type contentTyper interface{ OpenAPIContentType() string }

func successResponse(body any, schemas map[string]any) map[string]any {
	if ct, ok := body.(contentTyper); ok {
		return map[string]any{"description": "OK", "content": map[string]any{ct.OpenAPIContentType(): map[string]any{
			"schema": map[string]any{"type": "string", "format": "binary"}}}}
	}
	return map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(body), schemas)}}}
}
