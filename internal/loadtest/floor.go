package loadtest

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"
)

// FloorHandler is the stack's floor: the least a gin + sqlx + lib/pq service does for a
// request — route it, read one row by primary key, answer JSON — written the plain way
// (no middleware, no authentication, no audit row, no prepared statement). Every endpoint of
// the service is reported as a share of what this reaches on the same machine and database.
func FloorHandler(db *sqlx.DB) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/cases/:id", func(c *gin.Context) {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			c.Status(http.StatusNotFound)
			return
		}
		var row struct {
			ID         int64  `db:"id" json:"id"`
			CaseNumber string `db:"case_number" json:"case_number"`
			Status     string `db:"status" json:"status"`
		}
		if err := db.GetContext(c.Request.Context(), &row, `SELECT id, case_number, status FROM cases WHERE id = $1`, id); err != nil {
			c.Status(http.StatusNotFound)
			return
		}
		c.JSON(http.StatusOK, row)
	})
	return e
}
