package attendance

// pnrKey packs a canonical personnummer into a number, so the duplicate checks keep 8 bytes per
// student instead of a string.
func pnrKey(canonical string) uint64 {
	var k uint64
	for i := 0; i < len(canonical); i++ {
		if c := canonical[i]; c >= '0' && c <= '9' {
			k = k*10 + uint64(c-'0')
		}
	}
	return k
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
