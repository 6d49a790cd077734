import CMemberLedgerAllocationCount

/// Heap allocations of this whole process (the server runs inside it), counted by the C target that
/// interposes malloc and friends; see its header.
enum AllocationCounter {
    /// Whether the counting malloc is the one the process calls: counts while the Swift runtime (a
    /// shared object of its own) allocates an array, and sees the count move.
    static let interposed: Bool = {
        cml_allocation_counting(true)
        defer { cml_allocation_counting(false) }
        let before = cml_allocation_count()
        let array = [UInt8](repeating: 1, count: 1000 + Int.random(in: 0..<1000))
        let after = withExtendedLifetime(array) { cml_allocation_count() }
        return after > before
    }()

    /// Starts counting; returns the count to subtract at the end.
    static func start() -> UInt64 {
        cml_allocation_counting(true)
        return cml_allocation_count()
    }

    /// Stops counting; returns the allocations since `start` returned `mark`.
    static func stop(since mark: UInt64) -> UInt64 {
        let count = cml_allocation_count()
        cml_allocation_counting(false)
        return count - mark
    }
}
