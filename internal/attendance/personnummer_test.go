package attendance

import (
	"testing"
)

func TestPnrKeyIsUniquePerNumber(t *testing.T) {
	if pnrKey("20120315-2382") != 201203152382 || pnrKey("20120315-2382") == pnrKey("20120315-2390") {
		t.Error("pnrKey")
	}
}
