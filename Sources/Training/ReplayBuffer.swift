import Foundation
import GameKit

/// The sliding window of recent generations' samples that training draws from.
public struct ReplayBuffer {
    public private(set) var generations: [(generation: Int, samples: SampleSet)] = []
    /// Generations in the window (the first window, when it grows).
    public let window: Int
    /// β of the growing window (see `windowLength(at:)`); 0 keeps `window` generations throughout.
    public let windowGrowth: Double
    /// The most generations a growing window holds.
    public let maxWindow: Int
    /// Whether training draws from the window with samples of one position merged (see `averaged(_:)`).
    public let averagePositions: Bool
    /// Whether, with `averagePositions`, a merged position is drawn in proportion to 1 + log2 of the number
    /// of samples merged into it (AlphaZero.jl's `LOG_WEIGHT`) rather than uniformly.
    public let logCountWeights: Bool
    /// The samples training draws from: the window's, or their position averages.
    private(set) var sources: [SampleSet] = []
    /// With `logCountWeights`, the running sums of the merged positions' weights (empty otherwise).
    private var cumulativeWeights: [Double] = []

    public init(
        window: Int, averagePositions: Bool = false, logCountWeights: Bool = false, windowGrowth: Double = 0,
        maxWindow: Int = Int.max / 2
    ) {
        self.window = window
        self.averagePositions = averagePositions
        self.logCountWeights = averagePositions && logCountWeights
        self.windowGrowth = windowGrowth
        self.maxWindow = max(window, maxWindow)
    }

    /// The replay window a run's settings ask for.
    public init(settings: TrainingConfiguration.ReplaySettings) {
        self.init(
            window: settings.windowGenerations, averagePositions: settings.averagePositions,
            logCountWeights: settings.logCountWeights, windowGrowth: settings.windowGrowth,
            maxWindow: settings.maxWindowGenerations)
    }

    /// The generations the window holds once `generation` is the newest: `window` while `generation` is at
    /// most `window`, then KataGo's growing window w·(1 + β((g/w)^α − 1)/α) with α = 0.75 and β =
    /// `windowGrowth` (the window's samples grow as the 0.75th power of those played), at most `maxWindow`.
    public func windowLength(at generation: Int) -> Int {
        guard windowGrowth > 0, generation > window else { return window }
        let w = Double(window), alpha = 0.75
        let length = w * (1 + windowGrowth * (pow(Double(generation) / w, alpha) - 1) / alpha)
        return min(maxWindow, max(window, Int(length)))
    }

    public var sampleCount: Int { generations.reduce(0) { $0 + $1.samples.count } }

    /// The number of samples training draws from.
    public var trainingSampleCount: Int { sources.reduce(0) { $0 + $1.count } }

    /// Adds a generation's samples and drops generations older than the window.
    public mutating func add(generation: Int, samples: SampleSet) {
        add([(generation, samples)])
    }

    /// Adds several generations' samples at once (merging positions once, not once per generation)
    /// and drops generations older than the window.
    public mutating func add(_ added: [(generation: Int, samples: SampleSet)]) {
        guard !added.isEmpty else { return }
        generations.append(contentsOf: added)
        generations.sort { $0.generation < $1.generation }
        if let newest = generations.last?.generation {
            let oldest = newest - windowLength(at: newest)
            generations.removeAll { $0.generation <= oldest }
        }
        guard averagePositions else {
            sources = generations.map(\.samples)
            return
        }
        let (merged, counts) = Self.merged(generations.map(\.samples))
        sources = [merged]
        guard logCountWeights else { return }
        var total = 0.0
        cumulativeWeights = counts.map { count in
            total += 1 + log2(Double(count))
            return total
        }
    }

    /// One sample per distinct position (same input and legal moves), in order of first
    /// appearance, with the mean of its policy and value targets.
    public static func averaged(_ sets: [SampleSet]) -> SampleSet { merged(sets).samples }

    /// `averaged(_:)`'s samples, and how many samples each one merges.
    static func merged(_ sets: [SampleSet]) -> (samples: SampleSet, counts: [Float]) {
        guard let first = sets.first else { preconditionFailure("no samples to average") }
        let inputSize = first.inputSize, actionCount = first.actionCount
        var merged = SampleSet(inputSize: inputSize, actionCount: actionCount)
        var slot: [UInt64: Int] = [:]
        var counts: [Float] = []
        for set in sets {
            let input = { (k: Int) in set.inputs[(k * inputSize)..<((k + 1) * inputSize)] }
            let mask = { (k: Int) in set.masks[(k * actionCount)..<((k + 1) * actionCount)] }
            for k in 0..<set.count {
                var key = positionKey(input(k), mask(k))
                // Equal keys of different positions (improbable) take the next free key.
                while let index = slot[key],
                    !merged.inputs[(index * inputSize)..<((index + 1) * inputSize)].elementsEqual(input(k))
                        || !merged.masks[(index * actionCount)..<((index + 1) * actionCount)].elementsEqual(mask(k))
                {
                    key &+= 1
                }
                if let index = slot[key] {
                    for a in 0..<actionCount {
                        merged.policies[index * actionCount + a] += set.policies[k * actionCount + a]
                    }
                    merged.values[index] += set.values[k]
                    counts[index] += 1
                } else {
                    slot[key] = merged.count
                    counts.append(1)
                    merged.inputs.append(contentsOf: input(k))
                    merged.masks.append(contentsOf: mask(k))
                    merged.policies.append(contentsOf: set.policies[(k * actionCount)..<((k + 1) * actionCount)])
                    merged.values.append(set.values[k])
                }
            }
        }
        for index in 0..<merged.count where counts[index] > 1 {
            for a in 0..<actionCount { merged.policies[index * actionCount + a] /= counts[index] }
            merged.values[index] /= counts[index]
        }
        return (merged, counts)
    }

    /// A 64-bit hash of a position's input and legal moves, every bit depending on every value.
    static func positionKey(_ input: ArraySlice<Float>, _ mask: ArraySlice<Float>) -> UInt64 {
        var key: UInt64 = 0xCBF2_9CE4_8422_2325
        for x in input { key = mix(key ^ UInt64(x.bitPattern)) }
        for x in mask { key = mix(key ^ UInt64(x.bitPattern)) }
        return key
    }

    /// Multiplication carries only upward, so the high half is folded back down each time.
    @inline(__always) private static func mix(_ x: UInt64) -> UInt64 {
        let y = x &* 0x9E37_79B9_7F4A_7C15
        return y ^ (y >> 32)
    }

    /// The index of a training sample: uniform, or by `cumulativeWeights` when they are kept.
    private func drawIndex<R: RandomNumberGenerator>(total: Int, using rng: inout R) -> Int {
        guard let totalWeight = cumulativeWeights.last else { return Int.random(in: 0..<total, using: &rng) }
        let target = Double.random(in: 0..<totalWeight, using: &rng)
        var low = 0, high = cumulativeWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeWeights[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Fills a minibatch with `count` samples drawn with replacement (uniformly, or by the log-count
    /// weights), each mapped by a random one of `symmetries` when given.
    public func fillBatch<R: RandomNumberGenerator>(
        _ batch: inout MiniBatch, count: Int, symmetries: [BoardSymmetry], using rng: inout R
    ) {
        let total = trainingSampleCount
        precondition(total > 0, "empty replay buffer")
        batch.resize(count: count)
        let inputSize = batch.inputSize, actionCount = batch.actionCount
        for k in 0..<count {
            var index = drawIndex(total: total, using: &rng)
            var set = 0
            while index >= sources[set].count { index -= sources[set].count; set += 1 }
            let samples = sources[set]
            let symmetry = symmetries.isEmpty ? nil : symmetries[Int.random(in: 0..<symmetries.count, using: &rng)]
            samples.inputs.withUnsafeBufferPointer { source in
                let from = UnsafeBufferPointer(rebasing: source[(index * inputSize)..<((index + 1) * inputSize)])
                batch.inputs.withUnsafeMutableBufferPointer { target in
                    let to = UnsafeMutableBufferPointer(rebasing: target[(k * inputSize)..<((k + 1) * inputSize)])
                    if let symmetry {
                        symmetry.transformPlanes(from, into: to)
                    } else {
                        _ = to.initialize(fromContentsOf: from)
                    }
                }
            }
            for (source, target) in [(samples.masks, \MiniBatch.masks), (samples.policies, \MiniBatch.policies)] {
                source.withUnsafeBufferPointer { source in
                    let from = UnsafeBufferPointer(
                        rebasing: source[(index * actionCount)..<((index + 1) * actionCount)])
                    batch[keyPath: target].withUnsafeMutableBufferPointer { target in
                        let to = UnsafeMutableBufferPointer(
                            rebasing: target[(k * actionCount)..<((k + 1) * actionCount)])
                        if let symmetry {
                            symmetry.transformPolicy(from, into: to)
                        } else {
                            _ = to.initialize(fromContentsOf: from)
                        }
                    }
                }
            }
            batch.values[k] = samples.values[index]
        }
    }
}
