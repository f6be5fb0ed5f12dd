package attendance

// daySet is a bitmap of day numbers, growing to cover the span of days added. For one student
// over a school year it is six words: the duplicate check costs memory per student, not per row.
type daySet struct {
	first int32 // day number of bit 0, a multiple of 64
	bits  []uint64
}

// add marks day n and reports whether it was already marked.
func (s *daySet) add(n int32) bool {
	base := n &^ 63
	if len(s.bits) == 0 {
		s.first = base
		s.bits = append(s.bits, 0)
	}
	if base < s.first {
		grow := int((s.first - base) / 64)
		bits := make([]uint64, grow+len(s.bits))
		copy(bits[grow:], s.bits)
		s.bits, s.first = bits, base
	}
	w := int((n - s.first) / 64)
	for w >= len(s.bits) {
		s.bits = append(s.bits, 0)
	}
	mask := uint64(1) << uint(n&63)
	had := s.bits[w]&mask != 0
	s.bits[w] |= mask
	return had
}
