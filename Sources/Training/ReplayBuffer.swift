import Foundation
import GameKit

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
        add([(generation, samples)])
    }

    /// Adds several generations' samples at once (merging positions once, not once per generation)
    /// and drops generations older than the window.
    public mutating func add(_ added: [(generation: Int, samples: SampleSet)]) {
        guard !added.isEmpty else { return }
        generations.append(contentsOf: added)
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
                    for a in 0..<actionCount {
                        merged.policies[index * actionCount + a] += set.policies[k * actionCount + a]
                    }
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
    public func fillBatch<R: RandomNumberGenerator>(
        _ batch: inout MiniBatch, count: Int, symmetries: [BoardSymmetry], using rng: inout R
    ) {
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
