/// Comparisons whose running time does not reveal where two secrets differ.
///
/// An ordinary `==` returns at the first mismatching byte, so an attacker who can time many guesses learns how long
/// a correct prefix is. These functions always touch every byte position up to the longer length and decide only at
/// the end.
public enum ConstantTime {
    /// Returns whether `a` and `b` hold the same bytes, in time that depends only on their lengths.
    ///
    /// Every position up to the longer length is compared (the shorter side reads as zero past its end) and the
    /// differences are OR-accumulated, with a length mismatch folded in, so there is no data-dependent early exit.
    /// Inlinable so that callers in other modules get it specialized for their collection types (the
    /// generic version spent more time looking up type metadata than comparing).
    @inlinable
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let countA = a.count
        let countB = b.count
        var difference = UInt(bitPattern: countA ^ countB)
        var iteratorA = a.makeIterator()
        var iteratorB = b.makeIterator()
        for _ in 0..<max(countA, countB) {
            let byteA = iteratorA.next() ?? 0
            let byteB = iteratorB.next() ?? 0
            difference |= UInt(byteA ^ byteB)
        }
        return difference == 0
    }

    /// Returns whether two strings have identical UTF-8 bytes, in time that depends only on their lengths.
    ///
    /// Compares code units, not Unicode-canonical equivalence: for secrets, differently normalised input is a
    /// different secret.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(a.utf8, b.utf8)
    }
}
