import Foundation
import GameKit

/// Training samples in flat arrays: for each position its encoding, legal-action mask,
/// search policy (visit distribution) and game result from the side to move's view.
public struct SampleSet: Sendable {
    public let inputSize: Int
    public let actionCount: Int
    public internal(set) var inputs: ContiguousArray<Float> = []
    public internal(set) var masks: ContiguousArray<Float> = []
    public internal(set) var policies: ContiguousArray<Float> = []
    public internal(set) var values: ContiguousArray<Float> = []

    public init(inputSize: Int, actionCount: Int) {
        self.inputSize = inputSize
        self.actionCount = actionCount
    }

    public var count: Int { values.count }

    /// Appends one sample.
    public mutating func append(input: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>, policy: UnsafeBufferPointer<Float>, value: Float) {
        precondition(input.count == inputSize && mask.count == actionCount && policy.count == actionCount)
        inputs.append(contentsOf: input)
        masks.append(contentsOf: mask)
        policies.append(contentsOf: policy)
        values.append(value)
    }

    /// `count` samples drawn without replacement, in their original order.
    public func randomSubset(_ count: Int, seed: UInt64) -> SampleSet {
        var rng = Xoshiro256(seed: seed)
        var indices = Array(0..<self.count)
        let picked = min(count, self.count)
        for k in 0..<picked { indices.swapAt(k, Int.random(in: k..<self.count, using: &rng)) }
        var subset = SampleSet(inputSize: inputSize, actionCount: actionCount)
        for index in indices[0..<picked].sorted() {
            inputs.withUnsafeBufferPointer { i in
                masks.withUnsafeBufferPointer { m in
                    policies.withUnsafeBufferPointer { p in
                        subset.append(input: UnsafeBufferPointer(rebasing: i[(index * inputSize)..<((index + 1) * inputSize)]),
                                      mask: UnsafeBufferPointer(rebasing: m[(index * actionCount)..<((index + 1) * actionCount)]),
                                      policy: UnsafeBufferPointer(rebasing: p[(index * actionCount)..<((index + 1) * actionCount)]),
                                      value: values[index])
                    }
                }
            }
        }
        return subset
    }

    public mutating func append(contentsOf other: SampleSet) {
        precondition(other.inputSize == inputSize && other.actionCount == actionCount)
        inputs.append(contentsOf: other.inputs)
        masks.append(contentsOf: other.masks)
        policies.append(contentsOf: other.policies)
        values.append(contentsOf: other.values)
    }

    // MARK: File format

    static let magic = Array("SELFPLAY-SAMPLES\u{1}".utf8)

    /// The on-disk form: magic, a JSON header line, the float arrays (little-endian), and an
    /// FNV-1a checksum of everything before it.
    public func encoded(game: String) -> Data {
        var data = Data(Self.magic)
        let header = #"{"game":"\#(game)","inputSize":\#(inputSize),"actionCount":\#(actionCount),"count":\#(count)}"# + "\n"
        data.append(contentsOf: Array(header.utf8))
        for array in [inputs, masks, policies, values] {
            array.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        }
        var checksum = FNV1a.hash(data).littleEndian
        withUnsafeBytes(of: &checksum) { data.append(contentsOf: $0) }
        return data
    }

    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a sample file, refusing foreign, truncated or corrupted ones.
    public static func decode(_ data: Data, expectedGame game: String, inputSize: Int, actionCount: Int, source: String) throws -> SampleSet {
        func fail(_ why: String) -> FormatError { FormatError(description: "\(source): \(why)") }
        guard data.count > magic.count + 8, Array(data.prefix(magic.count)) == magic else { throw fail("not a SelfPlay sample file") }
        let body = data.prefix(data.count - 8)
        let stored = data.suffix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        guard UInt64(littleEndian: stored) == FNV1a.hash(body) else { throw fail("checksum mismatch (the file is corrupted or truncated)") }
        guard let newline = body[magic.count...].firstIndex(of: UInt8(ascii: "\n")) else { throw fail("missing header") }
        struct Header: Decodable { var game: String; var inputSize: Int; var actionCount: Int; var count: Int }
        guard let header = try? JSONDecoder().decode(Header.self, from: body[magic.count..<newline]) else { throw fail("unreadable header") }
        guard header.game == game else { throw fail("samples of \(header.game), not \(game)") }
        guard header.inputSize == inputSize, header.actionCount == actionCount else { throw fail("sample shapes do not match the game") }
        let floats = header.count * (inputSize + 2 * actionCount + 1)
        let payload = body[(newline + 1)...]
        guard payload.count == floats * 4 else { throw fail("size does not match its header") }
        var set = SampleSet(inputSize: inputSize, actionCount: actionCount)
        payload.withUnsafeBytes { raw in
            var offset = 0
            func read(_ n: Int) -> ContiguousArray<Float> {
                var out = ContiguousArray<Float>(repeating: 0, count: n)
                out.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n * 4)])) }
                offset += n * 4
                return out
            }
            set.inputs = read(header.count * inputSize)
            set.masks = read(header.count * actionCount)
            set.policies = read(header.count * actionCount)
            set.values = read(header.count)
        }
        return set
    }
}

/// The sliding window of recent generations' samples that training draws from.
public struct ReplayBuffer {
    public private(set) var generations: [(generation: Int, samples: SampleSet)] = []
    public let window: Int
    /// Whether training draws from the window with samples of one position merged (see `averaged(_:)`).
    public let averagePositions: Bool
    /// The samples training draws from: the window's, or their position averages.
    private(set) var sources: [SampleSet] = []

    public init(window: Int, averagePositions: Bool = false) {
        self.window = window
        self.averagePositions = averagePositions
    }

    public var sampleCount: Int { generations.reduce(0) { $0 + $1.samples.count } }

    /// The number of samples training draws from.
    public var trainingSampleCount: Int { sources.reduce(0) { $0 + $1.count } }

    /// Adds a generation's samples and drops generations older than the window.
    public mutating func add(generation: Int, samples: SampleSet) {
        generations.append((generation, samples))
        generations.sort { $0.generation < $1.generation }
        if let newest = generations.last?.generation {
            generations.removeAll { $0.generation <= newest - window }
        }
        sources = averagePositions ? [Self.averaged(generations.map(\.samples))] : generations.map(\.samples)
    }

    /// One sample per distinct position (same input and legal moves), in order of first
    /// appearance, with the mean of its policy and value targets.
    public static func averaged(_ sets: [SampleSet]) -> SampleSet {
        guard let first = sets.first else { preconditionFailure("no samples to average") }
        let inputSize = first.inputSize, actionCount = first.actionCount
        var merged = SampleSet(inputSize: inputSize, actionCount: actionCount)
        var slot: [UInt64: Int] = [:]
        var counts: [Float] = []
        for set in sets {
            for k in 0..<set.count {
                var key: UInt64 = 0xCBF2_9CE4_8422_2325
                for x in set.inputs[(k * inputSize)..<((k + 1) * inputSize)] {
                    key = (key ^ UInt64(x.bitPattern)) &* 0x0000_0100_0000_01B3
                }
                for x in set.masks[(k * actionCount)..<((k + 1) * actionCount)] {
                    key = (key ^ UInt64(x.bitPattern)) &* 0x0000_0100_0000_01B3
                }
                if let index = slot[key] {
                    for a in 0..<actionCount { merged.policies[index * actionCount + a] += set.policies[k * actionCount + a] }
                    merged.values[index] += set.values[k]
                    counts[index] += 1
                } else {
                    slot[key] = merged.count
                    counts.append(1)
                    merged.inputs.append(contentsOf: set.inputs[(k * inputSize)..<((k + 1) * inputSize)])
                    merged.masks.append(contentsOf: set.masks[(k * actionCount)..<((k + 1) * actionCount)])
                    merged.policies.append(contentsOf: set.policies[(k * actionCount)..<((k + 1) * actionCount)])
                    merged.values.append(set.values[k])
                }
            }
        }
        for index in 0..<merged.count where counts[index] > 1 {
            for a in 0..<actionCount { merged.policies[index * actionCount + a] /= counts[index] }
            merged.values[index] /= counts[index]
        }
        return merged
    }

    /// Fills a minibatch with `count` samples drawn uniformly with replacement, each mapped
    /// by a random one of `symmetries` when given.
    public func fillBatch<R: RandomNumberGenerator>(_ batch: inout MiniBatch, count: Int, symmetries: [BoardSymmetry], using rng: inout R) {
        let total = trainingSampleCount
        precondition(total > 0, "empty replay buffer")
        batch.resize(count: count)
        let inputSize = batch.inputSize, actionCount = batch.actionCount
        for k in 0..<count {
            var index = Int.random(in: 0..<total, using: &rng)
            var set = 0
            while index >= sources[set].count { index -= sources[set].count; set += 1 }
            let samples = sources[set]
            let symmetry = symmetries.isEmpty ? nil : symmetries[Int.random(in: 0..<symmetries.count, using: &rng)]
            samples.inputs.withUnsafeBufferPointer { source in
                let from = UnsafeBufferPointer(rebasing: source[(index * inputSize)..<((index + 1) * inputSize)])
                batch.inputs.withUnsafeMutableBufferPointer { target in
                    let to = UnsafeMutableBufferPointer(rebasing: target[(k * inputSize)..<((k + 1) * inputSize)])
                    if let symmetry { symmetry.transformPlanes(from, into: to) } else { _ = to.initialize(fromContentsOf: from) }
                }
            }
            for (source, target) in [(samples.masks, \MiniBatch.masks), (samples.policies, \MiniBatch.policies)] {
                source.withUnsafeBufferPointer { source in
                    let from = UnsafeBufferPointer(rebasing: source[(index * actionCount)..<((index + 1) * actionCount)])
                    batch[keyPath: target].withUnsafeMutableBufferPointer { target in
                        let to = UnsafeMutableBufferPointer(rebasing: target[(k * actionCount)..<((k + 1) * actionCount)])
                        if let symmetry { symmetry.transformPolicy(from, into: to) } else { _ = to.initialize(fromContentsOf: from) }
                    }
                }
            }
            batch.values[k] = samples.values[index]
        }
    }
}

/// A minibatch's buffers, reused from step to step.
public struct MiniBatch {
    public let inputSize: Int
    public let actionCount: Int
    public var inputs: ContiguousArray<Float> = []
    public var masks: ContiguousArray<Float> = []
    public var policies: ContiguousArray<Float> = []
    public var values: ContiguousArray<Float> = []
    public private(set) var count = 0

    public init(inputSize: Int, actionCount: Int) {
        self.inputSize = inputSize
        self.actionCount = actionCount
    }

    mutating func resize(count: Int) {
        self.count = count
        if values.count != count {
            inputs = ContiguousArray(repeating: 0, count: count * inputSize)
            masks = ContiguousArray(repeating: 0, count: count * actionCount)
            policies = ContiguousArray(repeating: 0, count: count * actionCount)
            values = ContiguousArray(repeating: 0, count: count)
        }
    }
}
