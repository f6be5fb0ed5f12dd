package attendance

import "runtime"

type runtimeMemStats struct{ runtime.MemStats }

// heapInUse returns the live heap after a full collection.
func (m *runtimeMemStats) heapInUse() uint64 {
	runtime.GC()
	runtime.ReadMemStats(&m.MemStats)
	return m.HeapInuse
}
