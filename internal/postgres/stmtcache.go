package postgres

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"

	"github.com/lib/pq"
)

// Every parameterised statement the service sends is prepared once per connection and then
// executed by name. lib/pq otherwise parses an unnamed statement on every call and waits for
// the server's description before it binds the arguments: two round trips, and parse, analysis
// and planning on the server each time. A case read runs some twenty statements, so this
// halves its round trips and takes most of PostgreSQL's work off the hot path (measured in
// docs/benchmarks.md). Execution is the driver's own: the arguments are typed by the server's
// description exactly as for unnamed statements.

// stmtCacheSize bounds the statements kept per connection; the least recently used goes first.
const stmtCacheSize = 200

type stmtCacheConnector struct {
	inner *pq.Connector
}

func (c stmtCacheConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &stmtCacheConn{inner: cn, lru: list.New(), byQuery: map[string]*list.Element{}}, nil
}

func (c stmtCacheConnector) Driver() driver.Driver { return c.inner.Driver() }

// stmtCacheConn is one connection with its prepared statements. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type stmtCacheConn struct {
	inner   driver.Conn
	lru     *list.List // of *cachedStmt, most recently used first
	byQuery map[string]*list.Element
	// stale is set when the server no longer accepts a cached statement (a migration changed
	// a table it reads); the pool then replaces the whole connection.
	stale bool
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
}

var (
	_ driver.QueryerContext     = (*stmtCacheConn)(nil)
	_ driver.ExecerContext      = (*stmtCacheConn)(nil)
	_ driver.ConnPrepareContext = (*stmtCacheConn)(nil)
	_ driver.ConnBeginTx        = (*stmtCacheConn)(nil)
	_ driver.NamedValueChecker  = (*stmtCacheConn)(nil)
	_ driver.SessionResetter    = (*stmtCacheConn)(nil)
	_ driver.Validator          = (*stmtCacheConn)(nil)
	_ driver.Pinger             = (*stmtCacheConn)(nil)
)

func (c *stmtCacheConn) prepared(ctx context.Context, query string) (driver.Stmt, error) {
	if e, ok := c.byQuery[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt).stmt, nil
	}
	st, err := c.inner.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.byQuery[query] = c.lru.PushFront(&cachedStmt{query: query, stmt: st})
	if c.lru.Len() > stmtCacheSize {
		old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.byQuery, old.query)
		_ = old.stmt.Close() // frees it on the server; an error here surfaces on the next use
	}
	return st, nil
}

// check notes errors that mean the cached statements can no longer be trusted.
func (c *stmtCacheConn) check(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) && (pe.Code == "0A000" || pe.Code == "26000") { // cached plan changed result type; statement gone
		c.stale = true
	}
	return err
}

func (c *stmtCacheConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 { // the simple protocol: one round trip already, and may hold several statements
		return c.inner.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	st, err := c.prepared(ctx, query)
	if err != nil {
		return nil, c.check(err)
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
	return rows, c.check(err)
}

func (c *stmtCacheConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.inner.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	st, err := c.prepared(ctx, query)
	if err != nil {
		return nil, c.check(err)
	}
	res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
	return res, c.check(err)
}

// PrepareContext is for explicit prepares (COPY among them); those are the caller's to close.
func (c *stmtCacheConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *stmtCacheConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }

//lint:ignore SA1019 driver.Conn still requires Begin; database/sql calls BeginTx
func (c *stmtCacheConn) Begin() (driver.Tx, error) { return c.inner.Begin() }

func (c *stmtCacheConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *stmtCacheConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.inner.(driver.NamedValueChecker).CheckNamedValue(nv)
}

func (c *stmtCacheConn) ResetSession(ctx context.Context) error {
	if c.stale {
		return driver.ErrBadConn
	}
	return c.inner.(driver.SessionResetter).ResetSession(ctx)
}

func (c *stmtCacheConn) IsValid() bool { return !c.stale && c.inner.(driver.Validator).IsValid() }

func (c *stmtCacheConn) Ping(ctx context.Context) error { return c.inner.(driver.Pinger).Ping(ctx) }

// Close closes the connection; its prepared statements end with it on the server.
func (c *stmtCacheConn) Close() error { return c.inner.Close() }
