import Environments
import Foundation
import GameKit
import NeuralNet
import Solvers
import Testing
import Training

/// A network fitted on stored samples learns what carries over to positions it never saw.
@Suite struct SupervisedFitTests {
    /// Positions of random tic-tac-toe games (seeded) with the solver's targets: the policy spread
    /// over the best moves, the value of the position for the side to move.
    func solvedSamples(games: Int, seed: UInt64) -> SampleSet {
        let solver = TicTacToeSolver()
        var samples = SampleSet(inputSize: TicTacToe.encodingShape.count, actionCount: TicTacToe.actionCount)
        var rng = Xoshiro256(seed: seed)
        for _ in 0..<games {
            var state = TicTacToe()
            while state.outcome == nil {
                let outcomes = solver.actionOutcomes(state)
                let best = outcomes.compactMap { $0 }.max()!
                var input = [Float](repeating: 0, count: TicTacToe.encodingShape.count)
                input.withUnsafeMutableBufferPointer { state.encode(into: $0) }
                let mask = outcomes.map { $0 == nil ? Float(0) : 1 }
                let winners = outcomes.filter { $0 == best }.count
                let policy = outcomes.map { $0 == best ? 1 / Float(winners) : 0 }
                input.withUnsafeBufferPointer { i in
                    mask.withUnsafeBufferPointer { m in
                        policy.withUnsafeBufferPointer {
                            samples.append(input: i, mask: m, policy: $0, value: Float(best))
                        }
                    }
                }
                state.apply(state.legalActions.randomElement(using: &rng))
            }
        }
        return samples
    }

    @Test func aFitPredictsHeldOutPositionsBetterThanAConstant() throws {
        var settings = TrainingConfiguration.defaults(for: TicTacToe.self).training
        settings.batchSize = 64
        settings.finalRateFactor = 0.1
        let architecture = TrainingLoop<TicTacToe>.architecture(
            TrainingConfiguration.defaults(for: TicTacToe.self).network)
        let training = (1...3).map { (generation: $0, samples: solvedSamples(games: 100, seed: UInt64($0))) }
        var fit = SupervisedFit<TicTacToe>(
            architecture: architecture, settings: settings, training: training,
            holdout: solvedSamples(games: 100, seed: 99), labels: LabelledPositions.solverLabelled(TicTacToe.self),
            augmentation: TicTacToe.symmetries, seed: 5)
        #expect(fit.sampleCount == training.reduce(0) { $0 + $1.samples.count })
        let before = fit.measure()
        let first = try fit.train(steps: 50, totalSteps: 1000)
        let last = try fit.train(steps: 950, totalSteps: 1000)
        let after = fit.measure()
        #expect(fit.steps == 1000)
        #expect(last.value < first.value && last.policy < first.policy)
        let constant = try #require(after.constantValueLoss)
        let heldOut = try #require(after.holdout)
        #expect(Double(heldOut.value) < 0.7 * constant, "held-out value loss \(heldOut.value), constant \(constant)")
        let mistakesBefore = try #require(before.mistakes).all
        let mistakesAfter = try #require(after.mistakes).all
        #expect(mistakesAfter < mistakesBefore / 2, "mistakes \(mistakesBefore) -> \(mistakesAfter)")
    }
}

/// A run can start from given weights (a fitted network) instead of random ones.
@Suite struct InitialWeightsTests {
    @Test func generationZeroIsTheGivenNetworkAndAnotherArchitectureIsRefused() throws {
        var configuration = tinyConfiguration(generations: 1)
        let architecture = TrainingLoop<TicTacToe>.architecture(configuration.network)
        let given = PolicyValueNetwork(architecture: architecture, seed: 4242)
        let file = temporaryFolder("initial-weights").appendingPathExtension("safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try given.save(to: file)
        configuration.network.initialWeights = file.path
        let url = temporaryFolder("initial-weights-run")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: configuration)
        try trainTinyRun(run, configuration: configuration)
        let zero = try PolicyValueNetwork.load(from: run.modelURL(0)).network
        #expect(zero.parametersEqual(given))
        let fresh = try TrainingLoop<TicTacToe>.initialNetwork(tinyConfiguration(generations: 1).network, seed: 4242)
        #expect(fresh.parametersEqual(given))

        configuration.network.hidden = [8]
        #expect(throws: RunDirectoryError.self) {
            _ = try TrainingLoop<TicTacToe>.initialNetwork(configuration.network, seed: 1)
        }
    }
}
