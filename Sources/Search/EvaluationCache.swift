import GameKit

/// The evaluator's answers for recently evaluated positions, so that a position met again (a
/// transposition in one tree, the same opening in another game of the batch) is not evaluated
/// twice. An evaluator's answer depends on the encoded position and its legal mask only, so
/// the key is a 64-bit hash of both; a search owns its cache, and a search keeps one
/// evaluator, so a cached answer is always the current evaluator's.
///
/// Direct-mapped: a key's low bits pick its slot and a newer position takes the slot. A slot
/// can also be reserved for a position waiting in the current batch, so that copies of it in
/// the same batch share the one evaluation.
final class EvaluationCache {
    let actionCount: Int
    let capacity: Int
    /// 0 marks an empty slot (a key that hashes to 0 is stored as 1).
    private let keys: ScratchBuffer<UInt64>
    /// The batch row whose evaluation a reserved slot waits for, or -1.
    private let waiting: ScratchBuffer<Int32>
    private let values: ScratchBuffer<Float>
    private let priors: ScratchBuffer<Float>

    /// Slots for at most `bytes` of stored answers (a power of two, at least 64 and at most
    /// `capacity`).
    init(actionCount: Int, capacity: Int, bytes: Int) {
        let entryBytes = 8 + 4 + 4 + 4 * actionCount
        var slots = 64
        while slots * 2 <= capacity && slots * 2 * entryBytes <= bytes { slots *= 2 }
        self.actionCount = actionCount
        self.capacity = slots
        keys = ScratchBuffer(count: slots, zero: 0)
        waiting = ScratchBuffer(count: slots, zero: -1)
        values = ScratchBuffer(count: slots, zero: 0)
        priors = ScratchBuffer(count: slots * actionCount, zero: 0)
    }

    /// The key of one encoded position and its legal mask: four hash lanes, each mixing every fourth pair
    /// of floats, so that the lanes' multiplications overlap instead of waiting on each other (one lane
    /// made a Connect Four key a chain of 46 mixes), then folded into one.
    static func key(input: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>) -> UInt64 {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (
            0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344, 0xA409_3822_299F_31D0, 0x082E_FA98_EC4E_6C89
        )
        @inline(__always) func pair(_ buffer: UnsafeBufferPointer<Float>, _ index: Int) -> UInt64 {
            UInt64(buffer[index].bitPattern) | UInt64(buffer[index + 1].bitPattern) << 32
        }
        @inline(__always) func add(_ buffer: UnsafeBufferPointer<Float>) {
            var index = 0
            while index + 8 <= buffer.count {
                lanes.0 = mix64(lanes.0 ^ pair(buffer, index))
                lanes.1 = mix64(lanes.1 ^ pair(buffer, index + 2))
                lanes.2 = mix64(lanes.2 ^ pair(buffer, index + 4))
                lanes.3 = mix64(lanes.3 ^ pair(buffer, index + 6))
                index += 8
            }
            // At most three pairs and a single float remain: one to a lane.
            if index + 2 <= buffer.count { lanes.0 = mix64(lanes.0 ^ pair(buffer, index)) }
            if index + 4 <= buffer.count { lanes.1 = mix64(lanes.1 ^ pair(buffer, index + 2)) }
            if index + 6 <= buffer.count { lanes.2 = mix64(lanes.2 ^ pair(buffer, index + 4)) }
            let single = buffer.count % 2 == 1 ? UInt64(buffer[buffer.count - 1].bitPattern) : 0
            lanes.3 = mix64(lanes.3 ^ single ^ UInt64(buffer.count) << 32)
        }
        add(input)
        add(mask)
        let hash = mix64(lanes.0 ^ mix64(lanes.1 ^ mix64(lanes.2 ^ mix64(lanes.3))))
        return hash == 0 ? 1 : hash
    }

    /// What a lookup found.
    enum Lookup {
        /// The answer was copied out.
        case hit
        /// The position waits for the evaluation of batch row `row`.
        case waiting(row: Int32)
        /// Unknown; the slot is now reserved for batch row `row`.
        case miss
    }

    /// Looks `key` up: on a hit copies the stored answer to `priorsOut` and `valueOut`; on a miss
    /// reserves the key's slot for the evaluation of batch row `row`.
    func lookup(
        _ key: UInt64, reservingFor row: Int32, priorsOut: UnsafeMutableBufferPointer<Float>,
        valueOut: UnsafeMutablePointer<Float>
    ) -> Lookup {
        let slot = Int(truncatingIfNeeded: key) & (capacity - 1)
        if keys.buffer[slot] == key {
            let pending = waiting.buffer[slot]
            if pending >= 0 { return .waiting(row: pending) }
            _ = priorsOut.update(fromContentsOf: storedPriors(slot))
            valueOut.pointee = values.buffer[slot]
            return .hit
        }
        keys.buffer[slot] = key
        waiting.buffer[slot] = row
        return .miss
    }

    /// Stores the evaluation of batch row `row` under `key`, unless a newer position took its slot.
    func store(_ key: UInt64, row: Int32, priors answer: UnsafeBufferPointer<Float>, value: Float) {
        let slot = Int(truncatingIfNeeded: key) & (capacity - 1)
        guard keys.buffer[slot] == key, waiting.buffer[slot] == row else { return }
        waiting.buffer[slot] = -1
        values.buffer[slot] = value
        _ = storedPriors(slot).update(fromContentsOf: answer)
    }

    private func storedPriors(_ slot: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: priors.buffer[(slot * actionCount)..<((slot + 1) * actionCount)])
    }
}
