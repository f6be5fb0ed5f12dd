package web

import "io/fs"

// APIRouteTable lists the operations of the route table (every s.AddAPIRoute, every feature's)
// as "METHOD /path" with gin's :id, for the authorization matrix: a route without a row there
// fails the test.
func (s *Server) APIRouteTable() []string {
	out := make([]string, 0, len(s.routes))
	for _, r := range s.routes {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// PageRouteTable lists every other route the engine serves (pages, downloads), for the matrix.
func (s *Server) PageRouteTable() []string {
	var out []string
	for _, r := range s.engine.Routes() {
		if len(r.Path) >= 8 && r.Path[:8] == "/api/v1/" {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// UseConfigFilesForTest makes the server read its feature files (retention.yaml) from files.
func (s *Server) UseConfigFilesForTest(files fs.FS) { s.cfg.Files = files }
