import Environments
import Foundation
import GameKit
import Search
import Testing

/// A deliberately naive PUCT (dictionary of positions, recursion, no virtual loss) with the
/// same formula and tie-breaking: with uniform priors and zero leaf values, the arena-based
/// search must produce exactly the same visit counts.
final class NaivePUCT {
    struct Stats { var visits = 0; var valueSum: Float = 0 }
    var stats: [[Int]: Stats] = [:]  // keyed by the move path
    var expanded: Set<[Int]> = []
    let cInit: Float = 1.25, cBase: Float = 19_652

    func simulate(_ state: TicTacToe, path: [Int]) -> Float {  // returns value for state's side to move
        if let outcome = state.outcome {
            let v = outcome.value(for: state.currentPlayer)
            record(path, moverValue: -v)
            return v
        }
        if !expanded.contains(path) {
            expanded.insert(path)
            record(path, moverValue: 0)
            return 0
        }
        let parent = stats[path]!
        let n = Float(parent.visits)
        let explore = (cInit + logf((n + cBase + 1) / cBase)) * max(n, 1).squareRoot()
        let prior = 1 / Float(state.legalActions.count)
        var best = -1, bestScore = -Float.infinity
        for action in state.legalActions {
            let child = stats[path + [action]] ?? Stats()
            let q = child.visits > 0 ? child.valueSum / Float(child.visits) : 0
            let score = q + explore * prior / (1 + Float(child.visits))
            if score > bestScore { bestScore = score; best = action }
        }
        var next = state
        next.apply(best)
        let v = -simulate(next, path: path + [best])
        record(path, moverValue: -v)
        return v
    }

    func record(_ path: [Int], moverValue: Float) {
        stats[path, default: Stats()].visits += 1
        stats[path, default: Stats()].valueSum += moverValue
    }
}

@Suite struct PUCTTests {
    @Test func uniformEvaluatorMatchesANaiveReferenceExactly() {
        var rng = Xoshiro256(seed: 606)
        for _ in 0..<40 {
            var state = TicTacToe()
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                state.apply(state.legalActions.randomElement(using: &rng))
            }
            var configuration = SearchConfiguration()
            configuration.solver = false
            let search = BatchedSearch<TicTacToe>(
                treeCount: 1, configuration: configuration, evaluator: UniformEvaluator(actionCount: 9))
            search.trees[0].reset(to: state)
            search.search(trees: [0], simulations: 300, rootNoise: false, using: &rng)
            let reference = NaivePUCT()
            for _ in 0..<301 { _ = reference.simulate(state, path: []) }  // root expansion + 300
            for move in search.trees[0].rootMoves {
                #expect(move.visits == reference.stats[[move.action]]?.visits ?? 0, "\(state) action \(move.action)")
            }
        }
    }

    @Test func batchesAndEvaluationCountsFollowTheConfiguration() {
        var rng = Xoshiro256(seed: 707)
        for (trees, leaves) in [(1, 1), (1, 8), (16, 1), (64, 4)] {
            var configuration = SearchConfiguration()
            configuration.leavesPerTree = leaves
            let evaluator = CountingEvaluator(actionCount: 7)
            let search = BatchedSearch<ConnectFour>(
                treeCount: trees, configuration: configuration, evaluator: evaluator, cacheBytes: 0)
            search.search(trees: Array(0..<trees), simulations: 100, rootNoise: false, using: &rng)
            // The first batch expands every root; no batch exceeds trees × leaves.
            #expect(evaluator.batchSizes.first == trees)
            #expect(evaluator.batchSizes.allSatisfy { $0 <= trees * leaves })
            // Each root got exactly 1 + 100 visits, each from one evaluation or one exact leaf.
            for tree in search.trees { #expect(tree[0].visits == 101) }
            #expect(evaluator.batchSizes.reduce(0, +) + search.statistics.exactLeaves == trees * 101)
            #expect(search.statistics.evaluatedPositions == evaluator.batchSizes.reduce(0, +))
            // Virtual loss leaves nothing behind.
            for tree in search.trees { #expect(tree.outstandingVirtualVisits == 0) }
            if trees * leaves > 1 { #expect(search.statistics.meanBatchSize > Double(trees * leaves) / 2) }
        }
    }

    @Test func treeReuseKeepsTheChosenSubtree() {
        var rng = Xoshiro256(seed: 808)
        let search = BatchedSearch<ConnectFour>(
            treeCount: 1, configuration: SearchConfiguration(), evaluator: UniformEvaluator(actionCount: 7))
        let tree = search.trees[0]
        search.search(trees: [0], simulations: 500, rootNoise: false, using: &rng)
        let action = tree.chooseAction(temperature: 0, using: &rng)
        let child = tree[tree.rootChild(for: action)]
        let grandchildVisits = tree.rootMoves.count
        tree.advance(by: action)
        #expect(tree[0].visits == child.visits)
        #expect(Int(tree[0].childCount) == 7)
        #expect(tree.rootMoves.reduce(0) { $0 + $1.visits } == Int(child.visits) - 1)
        #expect(grandchildVisits == 7)
        var expected = ConnectFour()
        expected.apply(action)
        #expect(tree.rootState == expected)
        // Searching on from the reused root adds the requested simulations.
        search.search(trees: [0], simulations: 100, rootNoise: false, using: &rng)
        #expect(tree[0].visits == child.visits + 100)
        #expect(tree.outstandingVirtualVisits == 0)
    }

    @Test func rootNoiseKeepsPriorsADistribution() {
        var rng = Xoshiro256(seed: 909)
        var configuration = SearchConfiguration()
        configuration.dirichletFraction = 0.25
        configuration.dirichletAlpha = 0.3
        let search = BatchedSearch<Othello>(
            treeCount: 1, configuration: configuration, evaluator: UniformEvaluator(actionCount: 65))
        search.search(trees: [0], simulations: 10, rootNoise: true, using: &rng)
        let priors = search.trees[0].rootMoves.map(\.prior)
        #expect(abs(priors.reduce(0, +) - 1) < 1e-4)
        #expect(Set(priors).count > 1)
    }

    @Test func puctWithUniformPriorsFindsTicTacToeWins() {
        var rng = Xoshiro256(seed: 1001)
        let oracle = TicTacToeOracle()
        var configuration = SearchConfiguration()
        configuration.simulations = 400
        let player = PUCTPlayer<TicTacToe>(
            name: "puct", evaluator: UniformEvaluator(actionCount: 9), configuration: configuration, seed: 5)
        var checked = 0
        while checked < 30 {
            var state = TicTacToe()
            for _ in 0..<Int.random(in: 2...6, using: &rng) where !state.isTerminal {
                state.apply(state.legalActions.randomElement(using: &rng))
            }
            guard !state.isTerminal, oracle.value(state) == 1 else { continue }
            let move = player.chooseAction(in: state)
            #expect(oracle.bestActions(state).contains(move), "\(state)")
            checked += 1
        }
    }
}
