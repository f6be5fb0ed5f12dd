// Package pgsetup decides which PostgreSQL server Närvaro uses, so that a developer (or a test run)
// needs no setup beyond having PostgreSQL installed somewhere.
//
// [Resolve] tries, in order:
//
//  1. The DATABASE_URL environment variable, used as-is. It must connect; otherwise Resolve fails
//     and names the URL without its password. An empty DATABASE_URL counts as unset.
//  2. A local server on 127.0.0.1:5432 or on the unix sockets /var/run/postgresql and /tmp (port
//     5432), as $PGUSER, or else as postgres, or else as the OS user. Resolve connects to the
//     postgres database there and creates the target database (default "narvaro") if it is missing.
//  3. A private cluster under Options.PrivateDir (default ./var/postgres, relative to the working
//     directory), run with PostgreSQL binaries found on PATH or in the usual install directories
//     (/usr/lib/postgresql/*/bin, highest version first). The data directory is PrivateDir/data;
//     the server listens only on a unix socket in PrivateDir and logs to PrivateDir/postgres.log.
//     An already running cluster is reused. When the process runs as root, initdb and pg_ctl run
//     as the OS user postgres, which owns PrivateDir.
//  4. Otherwise an unavailable error that tells, in Swedish and English, how to install PostgreSQL
//     or set DATABASE_URL.
//
// The returned [Database] has a Stop function that is always safe to call: it stops the private
// cluster only if this call to Resolve started it, and does nothing otherwise. [StopPrivate]
// stops a private cluster whoever started it (used by "narvaro db stop").
//
// The private cluster is created with --no-locale (C collation, UTF8 encoding): it behaves the
// same on every machine. Queries that must sort Swedish names correctly use an explicit collation.
package pgsetup
