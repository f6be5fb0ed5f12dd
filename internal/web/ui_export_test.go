package web

import "github.com/narvaro/narvaro/internal/config"

// ConfigForTest exposes the server's configuration to the page tests.
func (s *Server) ConfigForTest() *config.Config { return s.cfg }
