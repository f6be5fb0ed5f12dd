# Närvaro — the two commands a newcomer needs are `make run` and `make test`.
GO       ?= go
NARVARO  := $(GO) run ./cmd/narvaro
PKGS     := ./...
# Tests get their own databases cloned from a template on this server (see internal/pgtest).
DB_URL    = $(shell $(NARVARO) db url -name narvaro_test)

.PHONY: run test test-short check bench bench-import bench-load tools build fuzz clean

## run: start the service with demo data on the default database and print the URL and logins
run:
	$(NARVARO) serve -demo

## build: build the binary into bin/narvaro
build:
	$(GO) build -o bin/narvaro ./cmd/narvaro

## tools: install what the tests need (PostgreSQL if none is found, poppler-utils, qpdf, chromium)
tools:
	@scripts/ensure-tools.sh

## test: every test, against a real PostgreSQL and a real headless Chromium
test: tools
	@url="$$($(NARVARO) db url -name narvaro_test)" && \
	  DATABASE_URL="$$url" $(GO) test -count=1 -timeout 20m $(PKGS)

## check: static checks, the vulnerability scan and the race detector over the whole suite
check: tools
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)
	@$(GO) run golang.org/x/vuln/cmd/govulncheck@v1.1.4 $(PKGS) || echo "govulncheck: skipped or failed (is the vulnerability database reachable?)"
	@url="$$($(NARVARO) db url -name narvaro_test)" && \
	  DATABASE_URL="$$url" $(GO) test -race -count=1 -timeout 30m $(PKGS)

## bench: every benchmark at municipal scale, one line per figure (see docs/benchmarks.md)
bench: tools
	@url="$$($(NARVARO) db url -name narvaro_test)" && \
	  DATABASE_URL="$$url" $(GO) run ./cmd/narvaro-bench all

## bench-load: the loopback load test on generated municipal data, side by side with the floor
bench-load: tools
	@url="$$($(NARVARO) db url -name narvaro_test)" && \
	  DATABASE_URL="$$url" $(GO) run ./cmd/narvaro-bench load

## bench-import: import a school year of 20,000 students (3.6 M rows) next to a bare COPY; detection
bench-import: tools
	@url="$$($(NARVARO) db url -name narvaro_test)" && \
	  DATABASE_URL="$$url" $(GO) test -run '^$$' -bench 'BenchmarkAttendanceImport|BenchmarkDetection' -benchtime 1x -count=1 -timeout 60m ./internal/postgres/

## fuzz: run each fuzz target for a short while (the seed corpora also run in `make test`)
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReader -fuzztime 30s ./internal/attendance/
	$(GO) test -run '^$$' -fuzz FuzzParsePersonnummer -fuzztime 30s ./internal/narvaro/
	@url="$$($(NARVARO) db url -name narvaro_test)" && \
	  DATABASE_URL="$$url" $(GO) test -run '^$$' -fuzz FuzzOpenCaseBody -fuzztime 30s ./internal/web/

clean:
	rm -rf bin
