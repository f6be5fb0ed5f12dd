package web

// registerReports registers this feature's routes. Owned by the feature; see docs/architecture.md.
func (s *Server) registerReports() {}
