/// A set of action indices below `ActionSet.capacity`, stored as a 128-bit mask.
///
/// Legal-move generation writes into this value type, so asking for the legal actions
/// never allocates. Iterating yields the indices in increasing order.
public struct ActionSet: Sequence, Hashable, Sendable {
    /// The largest action count a game may have.
    public static let capacity = 128

    public var low: UInt64
    public var high: UInt64

    @inlinable public init() { low = 0; high = 0 }

    @inlinable public init(low: UInt64, high: UInt64 = 0) { self.low = low; self.high = high }

    /// The number of actions in the set.
    @inlinable public var count: Int { low.nonzeroBitCount + high.nonzeroBitCount }

    @inlinable public var isEmpty: Bool { (low | high) == 0 }

    @inlinable public func contains(_ action: Int) -> Bool {
        guard action >= 0 && action < ActionSet.capacity else { return false }
        return action < 64 ? (low >> UInt64(action)) & 1 != 0 : (high >> UInt64(action - 64)) & 1 != 0
    }

    @inlinable public mutating func insert(_ action: Int) {
        precondition(action >= 0 && action < ActionSet.capacity, "action \(action) out of range")
        if action < 64 { low |= 1 << UInt64(action) } else { high |= 1 << UInt64(action - 64) }
    }

    @inlinable public mutating func remove(_ action: Int) {
        if action < 64 { low &= ~(1 << UInt64(action)) } else { high &= ~(1 << UInt64(action - 64)) }
    }

    /// The `index`-th smallest action in the set (0-based); `index` must be below `count`.
    @inlinable public func element(at index: Int) -> Int {
        var remaining = index
        let lowCount = low.nonzeroBitCount
        var word = low
        var base = 0
        if remaining >= lowCount { remaining -= lowCount; word = high; base = 64 }
        precondition(remaining < word.nonzeroBitCount, "index \(index) out of range")
        // Narrow the word towards the wanted bit (by 32, 16, 8 bits), then clear the few below it.
        Self.narrow(&word, &remaining, &base, width: 32)
        Self.narrow(&word, &remaining, &base, width: 16)
        Self.narrow(&word, &remaining, &base, width: 8)
        for _ in 0..<remaining { word &= word &- 1 }
        return base + word.trailingZeroBitCount
    }

    /// Drops the low `width` bits of `word` when the wanted bit lies above them.
    @inlinable @inline(__always)
    static func narrow(_ word: inout UInt64, _ remaining: inout Int, _ base: inout Int, width: UInt64) {
        let lowerCount = (word & ((1 << width) - 1)).nonzeroBitCount
        let skip = remaining >= lowerCount
        remaining -= skip ? lowerCount : 0
        word >>= skip ? width : 0
        base += skip ? Int(width) : 0
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
                let action = Int.random(in: 0..<bound, using: &rng)
                if action < 64 ? (low >> UInt64(action)) & 1 != 0 : (high >> UInt64(action - 64)) & 1 != 0 {
                    return action
                }
            }
        }
        return element(at: Int.random(in: 0..<size, using: &rng))
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
