package web

// RoutesForTest lists the served API routes as "METHOD /api/v1/path/{id}".
func (s *Server) RoutesForTest() []string {
	var out []string
	for _, r := range s.engine.Routes() {
		if len(r.Path) > 8 && r.Path[:8] == "/api/v1/" && r.Path != "/api/v1/openapi.json" {
			out = append(out, r.Method+" "+openAPIPath(r.Path))
		}
	}
	return out
}
