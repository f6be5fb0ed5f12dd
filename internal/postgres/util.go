package postgres

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"github.com/lib/pq"
	"strings"
)

var driverBadConn = driver.ErrBadConn

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func int64s(ids []int64) any { return pq.Int64Array(ids) }
