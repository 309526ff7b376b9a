import Environments
import GameKit
import Search
import Testing
import Training

@Suite struct SelfPlayTests {
    func play(fullSearchFraction: Double = 1, root: SearchConfiguration.RootSelection = .puct, games: Int = 40) -> (SampleSet, SelfPlayStatistics) {
        var settings = TrainingConfiguration.SelfPlaySettings()
        settings.games = games
        settings.concurrentGames = 16
        settings.fullSearchFraction = fullSearchFraction
        settings.fastSimulations = 4
        var search = SearchConfiguration()
        search.simulations = 24
        search.dirichletFraction = 0.25
        search.root = root
        let runner = SelfPlayRunner<TicTacToe>(settings: settings, searchConfiguration: search,
                                               evaluator: UniformEvaluator(actionCount: 9), rng: Xoshiro256(seed: 99))
        return runner.play()!
    }

    @Test func everyMoveBecomesASampleWithConsistentTargets() {
        let (samples, statistics) = play()
        #expect(statistics.games == 40)
        #expect(samples.count == statistics.moves)
        #expect(statistics.samples == samples.count)
        #expect(statistics.simulations == statistics.moves * 24)
        for k in 0..<samples.count {
            let policy = samples.policies[(k * 9)..<((k + 1) * 9)]
            let mask = samples.masks[(k * 9)..<((k + 1) * 9)]
            #expect(abs(policy.reduce(0, +) - 1) < 1e-5)
            for (p, legal) in zip(policy, mask) where legal == 0 { #expect(p == 0) }
            #expect([-1, 0, 1].contains(samples.values[k]))
        }
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
            return ParallelSelfPlay.play(TicTacToe.self, settings: settings, search: search, workers: 2,
                                         makeEvaluator: { UniformEvaluator(actionCount: 9) }, rng: &rng,
                                         progress: { _, _ in }, shouldStop: { false })!.samples
        }
        let first = run(), second = run()
        #expect(first.count > 0)
        #expect(first.inputs == second.inputs && first.policies == second.policies && first.values == second.values)
    }
}
