import Environments
import Foundation
import GameKit
import Search
import Testing
import Training

/// Optional value and policy targets: the root's value mixed into the game result, and
/// position averaging in the replay window.
@Suite struct SampleTargetTests {
    func play(valueWeight: Double) -> SampleSet {
        var settings = TrainingConfiguration.SelfPlaySettings()
        settings.games = 20
        settings.concurrentGames = 10
        settings.valueTargetQWeight = valueWeight
        var search = SearchConfiguration()
        search.simulations = 24
        let runner = SelfPlayRunner<TicTacToe>(
            settings: settings, searchConfiguration: search,
            evaluator: UniformEvaluator(actionCount: 9), rng: Xoshiro256(seed: 8))
        return runner.play()!.samples
    }

    @Test func theRootValueMixesIntoTheValueTarget() {
        let results = play(valueWeight: 0)
        let mixed = play(valueWeight: 0.5)
        #expect(results.values.allSatisfy { [-1, 0, 1].contains($0) })
        #expect(mixed.count == results.count)
        #expect(mixed.values.contains { ![-1, 0, 1].contains($0) })
        // The same games (same seed): each mixed target lies within half a point of the result.
        for (z, v) in zip(results.values, mixed.values) { #expect(abs(v - z) <= 1.0001) }
    }

    func add(_ set: inout SampleSet, input: [Float], policy: [Float], value: Float) {
        input.withUnsafeBufferPointer { i in
            [Float](repeating: 1, count: 2).withUnsafeBufferPointer { m in
                policy.withUnsafeBufferPointer { set.append(input: i, mask: m, policy: $0, value: value) }
            }
        }
    }

    @Test func samplesOfOnePositionAverageTheirTargets() {
        var first = SampleSet(inputSize: 2, actionCount: 2)
        var second = SampleSet(inputSize: 2, actionCount: 2)
        add(&first, input: [1, 0], policy: [1, 0], value: 1)
        add(&first, input: [0, 1], policy: [0.5, 0.5], value: 0)
        add(&second, input: [1, 0], policy: [0, 1], value: -1)
        add(&second, input: [1, 0], policy: [0, 1], value: -1)
        let averaged = ReplayBuffer.averaged([first, second])
        #expect(averaged.count == 2)
        #expect(Array(averaged.inputs) == [1, 0, 0, 1])
        #expect(abs(averaged.policies[0] - 1.0 / 3) < 1e-6 && abs(averaged.policies[1] - 2.0 / 3) < 1e-6)
        #expect(abs(averaged.values[0] + 1.0 / 3) < 1e-6)
        #expect(Array(averaged.policies[2...3]) == [0.5, 0.5] && averaged.values[1] == 0)

        var buffer = ReplayBuffer(window: 4, averagePositions: true)
        buffer.add(generation: 1, samples: first)
        buffer.add(generation: 2, samples: second)
        #expect(buffer.sampleCount == 4)
        #expect(buffer.trainingSampleCount == 2)
    }

    /// Averaging merges exactly the samples of equal input and legal moves, in order of first appearance:
    /// against a reference that groups them by the arrays themselves, on self-play samples.
    @Test func averagingMergesExactlyEqualPositions() {
        let played = play(valueWeight: 0)
        let (inputSize, actionCount) = (played.inputSize, played.actionCount)
        var order: [[Float]] = [], sums: [[Float]: (value: Float, count: Float)] = [:]
        for k in 0..<played.count {
            let key =
                Array(played.inputs[(k * inputSize)..<((k + 1) * inputSize)])
                + Array(played.masks[(k * actionCount)..<((k + 1) * actionCount)])
            if sums[key] == nil { order.append(key) }
            sums[key, default: (0, 0)].value += played.values[k]
            sums[key, default: (0, 0)].count += 1
        }
        let averaged = ReplayBuffer.averaged([played])
        #expect(averaged.count == order.count && averaged.count < played.count)
        for (index, key) in order.enumerated() where index < averaged.count {
            #expect(Array(averaged.inputs[(index * inputSize)..<((index + 1) * inputSize)]) == Array(key[..<inputSize]))
            let sum = sums[key]!
            #expect(abs(averaged.values[index] - sum.value / sum.count) < 1e-6)
        }
    }

    /// With log-count weights a position merged from 100 samples is drawn in proportion to 1 + log2(100) against
    /// 1 for each of 100 single positions (AlphaZero.jl's `LOG_WEIGHT`); uniformly without them; and as its
    /// samples' share when positions are not merged.
    @Test func logCountWeightsDrawRepeatedPositionsMoreOften() {
        var set = SampleSet(inputSize: 2, actionCount: 2)
        for _ in 0..<100 { add(&set, input: [0, 0], policy: [1, 0], value: 1) }
        for k in 0..<100 { add(&set, input: [Float(k), 1], policy: [0, 1], value: 0) }
        let repeated = 1 + log2(100.0)
        for (averaging, weights, expected) in [
            (true, true, repeated / (repeated + 100)), (true, false, 1.0 / 101), (false, true, 0.5),
        ] {
            var buffer = ReplayBuffer(window: 1, averagePositions: averaging, logCountWeights: weights)
            buffer.add(generation: 1, samples: set)
            var batch = MiniBatch(inputSize: 2, actionCount: 2)
            var rng = Xoshiro256(seed: 12)
            let draws = 40_000
            buffer.fillBatch(&batch, count: draws, symmetries: [], using: &rng)
            let share = Double(batch.values.filter { $0 == 1 }.count) / Double(draws)
            let deviation = (expected * (1 - expected) / Double(draws)).squareRoot()
            #expect(abs(share - expected) < 5 * deviation, "averaging \(averaging), weights \(weights): \(share)")
        }
    }

    /// A run with position averaging starts, trains and resumes (its window is empty at the start).
    @Test func aRunTrainsWithAveragedPositions() throws {
        var configuration = tinyConfiguration(generations: 2)
        configuration.replay.averagePositions = true
        let url = temporaryFolder("averaged-run")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: configuration)
        try trainTinyRun(run, configuration: configuration)
        #expect(run.completeGenerations().last == 2)
        configuration.budget.generations = 3
        try trainTinyRun(run, configuration: configuration)
        #expect(run.completeGenerations().last == 3)
    }

    /// The growth fit merges positions as the replay window does when asked, and only then.
    @Test func theFitAveragesPositionsWhenAsked() {
        let played = play(valueWeight: 0)
        let training = [(generation: 1, samples: played), (generation: 2, samples: played)]
        let distinct = ReplayBuffer.averaged([played, played]).count
        #expect(distinct < played.count, "self-play repeats its opening position")
        let configuration = TrainingConfiguration.defaults(for: TicTacToe.self)
        let architecture = TrainingLoop<TicTacToe>.architecture(configuration.network)
        for averaging in [false, true] {
            let fit = SupervisedFit<TicTacToe>(
                architecture: architecture, settings: configuration.training, training: training,
                holdout: played, labels: nil, augmentation: [], averagePositions: averaging, seed: 1)
            #expect(fit.sampleCount == 2 * played.count)
            #expect(fit.trainingSampleCount == (averaging ? distinct : 2 * played.count))
        }
        var empty = ReplayBuffer(window: 1, averagePositions: true)
        empty.add([])  // a run's start: no generation to load yet
        #expect(empty.trainingSampleCount == 0)
        var oneByOne = ReplayBuffer(window: 1, averagePositions: true)
        var atOnce = ReplayBuffer(window: 1, averagePositions: true)
        for (generation, samples) in training { oneByOne.add(generation: generation, samples: samples) }
        atOnce.add(training)
        #expect(atOnce.generations.map(\.generation) == [2] && oneByOne.generations.map(\.generation) == [2])
        #expect(atOnce.trainingSampleCount == oneByOne.trainingSampleCount)
    }
}
