/// A set of action indices below `ActionSet.capacity`, stored as a 128-bit mask.
///
/// Legal-move generation writes into this value type, so asking for the legal actions
/// never allocates. Iterating yields the indices in increasing order.
public struct ActionSet: Sequence, Hashable, Sendable {
    /// The largest action count a game may have.
    public static let capacity = 128

    /// Bits of actions 0–63.
    public var low: UInt64
    /// Bits of actions 64–127.
    public var high: UInt64

    /// The empty set.
    @inlinable public init() { low = 0; high = 0 }

    /// The set whose mask is `high:low`.
    @inlinable public init(low: UInt64, high: UInt64 = 0) { self.low = low; self.high = high }

    /// The number of actions in the set.
    @inlinable public var count: Int { low.nonzeroBitCount + high.nonzeroBitCount }

    @inlinable public var isEmpty: Bool { (low | high) == 0 }

    /// Whether `action` is in the set (false for any index out of range).
    @inlinable public func contains(_ action: Int) -> Bool {
        guard action >= 0 && action < ActionSet.capacity else { return false }
        return action < 64 ? (low >> UInt64(action)) & 1 != 0 : (high >> UInt64(action - 64)) & 1 != 0
    }

    /// Adds `action`, which must be in `0..<capacity`.
    @inlinable public mutating func insert(_ action: Int) {
        precondition(action >= 0 && action < ActionSet.capacity, "action \(action) out of range")
        if action < 64 { low |= 1 << UInt64(action) } else { high |= 1 << UInt64(action - 64) }
    }

    /// Removes `action` if it is in the set (an index out of range changes nothing).
    @inlinable public mutating func remove(_ action: Int) {
        guard action >= 0 && action < ActionSet.capacity else { return }
        if action < 64 { low &= ~(1 << UInt64(action)) } else { high &= ~(1 << UInt64(action - 64)) }
    }

    /// The `index`-th smallest action in the set (0-based); `index` must be below `count`.
    @inlinable public func element(at index: Int) -> Int {
        let lowCount = low.nonzeroBitCount
        if index < lowCount { return Self.select(index, in: low) }
        precondition(index - lowCount < high.nonzeroBitCount, "index \(index) out of range")
        return 64 + Self.select(index - lowCount, in: high)
    }

    /// The position of the `rank`-th lowest set bit of `word` (0-based; `word` has more than `rank`):
    /// the bytes' bit counts, summed by one multiplication and compared with `rank` bytewise, give
    /// the byte that holds it; then the bits below it in that byte are cleared.
    @inlinable @inline(__always) static func select(_ rank: Int, in word: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var counts = word &- ((word >> 1) & 0x5555_5555_5555_5555)
        counts = (counts & 0x3333_3333_3333_3333) &+ ((counts >> 2) & 0x3333_3333_3333_3333)
        counts = (counts &+ (counts >> 4)) & 0x0F0F_0F0F_0F0F_0F0F
        // Byte i: the set bits in bytes 0...i (at most 64, so the bytewise subtraction below never borrows).
        let sums = counts &* ones
        // A high bit for every byte whose sum is at most `rank`: those bytes lie below the wanted bit.
        let below = ((UInt64(rank) &* ones | highs) &- sums) & highs
        let shift = (((below >> 7) &* ones) >> 56) << 3
        var byte = (word &>> shift) & 0xFF
        var rest = rank - Int(truncatingIfNeeded: ((sums << 8) &>> shift) & 0xFF)
        while rest > 0 {
            byte &= byte &- 1
            rest -= 1
        }
        return Int(shift) + byte.trailingZeroBitCount
    }

    /// A uniformly random member; the set must not be empty. When members fill at least a quarter
    /// of the range up to the largest, random indices in that range are drawn until one is a member
    /// (fewer than four draws on average, no bit counting); otherwise the k-th member is looked up.
    @inlinable public func randomElement<R: RandomNumberGenerator>(using rng: inout R) -> Int {
        let size = count
        precondition(size > 0, "a random element of an empty action set")
        let bound = high != 0 ? 128 - high.leadingZeroBitCount : 64 - low.leadingZeroBitCount
        if 4 * size >= bound {
            while true {
                let action = Self.random(below: bound, using: &rng)
                if action < 64 ? (low >> UInt64(action)) & 1 != 0 : (high >> UInt64(action - 64)) & 1 != 0 {
                    return action
                }
            }
        }
        return element(at: Self.random(below: size, using: &rng))
    }

    /// The draw of `Int.random(in: 0..<bound, using: &rng)` (the standard library's `next(upperBound:)`,
    /// the same numbers) without its range checks.
    @inlinable @inline(__always)
    static func random<R: RandomNumberGenerator>(below bound: Int, using rng: inout R) -> Int {
        Int(truncatingIfNeeded: rng.next(upperBound: UInt64(bound)))
    }

    public struct Iterator: IteratorProtocol {
        @usableFromInline var low: UInt64
        @usableFromInline var high: UInt64

        @inlinable init(low: UInt64, high: UInt64) { self.low = low; self.high = high }

        @inlinable public mutating func next() -> Int? {
            if low != 0 {
                let bit = low.trailingZeroBitCount
                low &= low &- 1
                return bit
            }
            if high != 0 {
                let bit = high.trailingZeroBitCount
                high &= high &- 1
                return 64 + bit
            }
            return nil
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(low: low, high: high) }

    @inlinable public var underestimatedCount: Int { count }
}
