import Environments
import Foundation
import GameKit
import Search
import Testing
import Training

@Suite struct SelfPlayTests {
    func play(
        fullSearchFraction: Double = 1, root: SearchConfiguration.RootSelection = .puct, games: Int = 40
    ) -> (SampleSet, SelfPlayStatistics) {
        var settings = TrainingConfiguration.SelfPlaySettings()
        settings.games = games
        settings.concurrentGames = 16
        settings.fullSearchFraction = fullSearchFraction
        settings.fastSimulations = 4
        var search = SearchConfiguration()
        search.simulations = 24
        search.dirichletFraction = 0.25
        search.root = root
        let runner = SelfPlayRunner<TicTacToe>(
            settings: settings, searchConfiguration: search,
            evaluator: UniformEvaluator(actionCount: 9), rng: Xoshiro256(seed: 99))
        return runner.play()!
    }

    @Test func everyMoveBecomesASampleWithConsistentTargets() {
        let (samples, statistics) = play()
        #expect(statistics.games == 40)
        #expect(samples.count == statistics.moves)
        #expect(statistics.samples == samples.count)
        for k in 0..<samples.count {
            let policy = samples.policies[(k * 9)..<((k + 1) * 9)]
            let mask = samples.masks[(k * 9)..<((k + 1) * 9)]
            #expect(abs(policy.reduce(0, +) - 1) < 1e-5)
            for (p, legal) in zip(policy, mask) where legal == 0 { #expect(p == 0) }
            #expect([-1, 0, 1].contains(samples.values[k]))
        }
        // Real root visits: exactly 24 per move unless the solver proved the root first.
        #expect(statistics.simulations <= statistics.moves * 24)
        #expect(statistics.simulations >= (statistics.moves - statistics.provenRoots) * 24)
        #expect(statistics.provenRoots > 0)
        #expect(statistics.firstMoves.values.reduce(0, +) == 40)
        #expect(statistics.distinctPositionFraction > 0 && statistics.distinctPositionFraction <= 1)
    }

    @Test func playoutCapRecordsOnlyFullSearches() {
        let (samples, statistics) = play(fullSearchFraction: 0.25, games: 80)
        let fraction = Double(samples.count) / Double(statistics.moves)
        #expect(fraction > 0.15 && fraction < 0.35, "recorded \(fraction) of the moves")
        #expect(statistics.simulations < statistics.moves * 24)
    }

    @Test func gumbelRootGivesImprovedPolicies() {
        let (samples, statistics) = play(root: .gumbel(sampledActions: 4))
        #expect(statistics.games == 40)
        for k in 0..<samples.count {
            #expect(abs(samples.policies[(k * 9)..<((k + 1) * 9)].reduce(0, +) - 1) < 1e-4)
        }
    }

    @Test func parallelWorkersAreDeterministic() {
        var settings = TrainingConfiguration.SelfPlaySettings()
        settings.games = 30
        settings.concurrentGames = 8
        var search = SearchConfiguration()
        search.simulations = 16
        search.dirichletFraction = 0.25
        func run() -> SampleSet {
            var rng = Xoshiro256(seed: 5)
            return ParallelSelfPlay.play(
                TicTacToe.self, settings: settings, search: search, workers: 2,
                makeEvaluator: { UniformEvaluator(actionCount: 9) }, rng: &rng,
                progress: { _, _ in }, shouldStop: { false })!.samples
        }
        let first = run(), second = run()
        #expect(first.count > 0)
        #expect(first.inputs == second.inputs && first.policies == second.policies && first.values == second.values)
    }

    @Test func theDefaultTemperatureScheduleNeverReachesZero() {
        let settings = TrainingConfiguration.defaults(for: "connect4").selfPlay
        #expect((0..<20).allSatisfy { settings.temperature(atMove: $0) == 1 })
        #expect(abs(settings.temperature(atMove: 24) - 0.65) < 1e-6)
        #expect(abs(settings.temperature(atMove: 29) - 0.3) < 1e-6)
        #expect((0..<42).allSatisfy { settings.temperature(atMove: $0) >= 0.3 })
    }

    /// Priors peaked on the centre column, like a confident network: with temperature 0 after a
    /// few moves (and no root noise, to make it plain), self-play repeats the same games.
    final class PeakedEvaluator: Evaluator {
        func evaluate(
            inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
            priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
        ) {
            for position in 0..<count {
                var total: Float = 0
                for action in 0..<7 {
                    let weight = legalMask[position * 7 + action] * expf(-6 * Float(abs(action - 3)))
                    priors[position * 7 + action] = weight
                    total += weight
                }
                for action in 0..<7 { priors[position * 7 + action] /= total }
                values[position] = 0
            }
        }
    }

    func connectFourGames(_ settings: TrainingConfiguration.SelfPlaySettings) -> SelfPlayStatistics {
        var settings = settings
        settings.games = 64
        settings.concurrentGames = 64
        var search = TrainingConfiguration.defaults(for: "connect4").search
        search.simulations = 32
        search.dirichletFraction = 0
        let runner = SelfPlayRunner<ConnectFour>(
            settings: settings, searchConfiguration: search,
            evaluator: PeakedEvaluator(), rng: Xoshiro256(seed: 17))
        return runner.play()!.statistics
    }

    @Test func defaultSelfPlayGamesAreDistinct() {
        let statistics = connectFourGames(TrainingConfiguration.defaults(for: "connect4").selfPlay)
        #expect(statistics.games == 64)
        #expect(statistics.duplicateGameRate < 0.05, "duplicate games: \(statistics.duplicateGameRate)")
        // The measure itself: the old schedule (τ = 1 for 8 moves, then 0) repeats games.
        var old = TrainingConfiguration.defaults(for: "connect4").selfPlay
        old.temperatureMoves = 8
        old.temperatureDecayMoves = 0
        old.finalTemperature = 0
        let repeated = connectFourGames(old)
        #expect(repeated.duplicateGameRate >= 0.05, "old schedule: \(repeated.duplicateGameRate)")
    }
}
