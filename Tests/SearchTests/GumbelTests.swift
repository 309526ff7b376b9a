import Environments
import Foundation
import GameKit
import Search
import Testing

@Suite struct GumbelTests {
    @Test func selectsWinsAndSpendsTheBudget() {
        var rng = Xoshiro256(seed: 0x6B)
        let oracle = TicTacToeOracle()
        var checked = 0
        while checked < 20 {
            var state = TicTacToe()
            for _ in 0..<Int.random(in: 2...6, using: &rng) where !state.isTerminal {
                state.apply(state.legalActions.randomElement(using: &rng))
            }
            guard !state.isTerminal, oracle.value(state) == 1, state.legalActions.count > 2 else { continue }
            // Positions with an immediate win; any move that keeps the win is right.
            let immediate = state.legalActions.contains { action in
                var child = state
                child.apply(action)
                return child.outcome == .win(state.currentPlayer)
            }
            guard immediate else { continue }
            let wins = oracle.bestActions(state)
            let search = BatchedSearch<TicTacToe>(
                treeCount: 1, configuration: SearchConfiguration(), evaluator: UniformEvaluator(actionCount: 9))
            search.trees[0].reset(to: state)
            let choice = search.searchGumbel(trees: [0], simulations: 32, sampledActions: 16, using: &rng)[0]
            #expect(wins.contains(choice.action), "\(state)")
            #expect(abs(choice.policy.reduce(0, +) - 1) < 1e-4)
            for action in 0..<9 where !state.legalActions.contains(action) { #expect(choice.policy[action] == 0) }
            let best = choice.policy.indices.max { choice.policy[$0] < choice.policy[$1] }!
            #expect(wins.contains(best))
            #expect(search.trees[0][0].visits <= 33)
            #expect(search.trees[0].outstandingVirtualVisits == 0)
            checked += 1
        }
    }

    @Test func batchesAcrossTrees() {
        var rng = Xoshiro256(seed: 0x6C)
        let evaluator = CountingEvaluator(actionCount: 7)
        let search = BatchedSearch<ConnectFour>(
            treeCount: 32, configuration: SearchConfiguration(), evaluator: evaluator, cacheBytes: 0)
        let choices = search.searchGumbel(trees: Array(0..<32), simulations: 16, sampledActions: 4, using: &rng)
        #expect(choices.count == 32)
        #expect(evaluator.batchSizes.max()! == 32)
        for tree in search.trees {
            #expect(tree[0].visits >= 14 && tree[0].visits <= 17)
            #expect(tree.outstandingVirtualVisits == 0)
        }
    }

    /// Priors from the encoding's position and a constant value: the network's root value is known.
    final class ConstantValueEvaluator: Evaluator {
        let value: Float
        init(value: Float) { self.value = value }
        func evaluate(
            inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
            priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
        ) {
            for position in 0..<count {
                var total: Float = 0
                for action in 0..<7 {
                    priors[position * 7 + action] = legalMask[position * 7 + action] * Float(action + 1)
                    total += priors[position * 7 + action]
                }
                for action in 0..<7 { priors[position * 7 + action] /= total }
                values[position] = position % 3 == 0 ? value : -value
            }
        }
    }

    @Test func improvedPolicyFollowsThePapersCompletedQ() throws {
        var rng = Xoshiro256(seed: 0x6D)
        var configuration = SearchConfiguration()
        configuration.solver = false
        let search = BatchedSearch<ConnectFour>(
            treeCount: 1, configuration: configuration,
            evaluator: ConstantValueEvaluator(value: 0.3))
        search.trees[0].reset(to: try ConnectFour(notation: "44"))
        let choice = search.searchGumbel(trees: [0], simulations: 12, sampledActions: 4, using: &rng)[0]
        // Recomputed from the tree with the paper's formulas, written out plainly.
        let tree = search.trees[0]
        let moves = tree.rootMoves
        let visited = moves.filter { $0.visits > 0 }
        #expect(visited.count < moves.count, "some actions stay unvisited")
        let visitSum = Float(visited.reduce(0) { $0 + $1.visits })
        let priorVisited = visited.reduce(Float(0)) { $0 + $1.prior }
        let weightedQ = visited.reduce(Float(0)) { $0 + $1.prior * $1.value } / priorVisited
        let mixed = (tree[0].rawValue + visitSum * weightedQ) / (1 + visitSum)
        let completed = moves.map { $0.visits > 0 ? $0.value : mixed }
        let low = completed.min()!, high = completed.max()!
        let maxVisits = Float(moves.map(\.visits).max()!)
        let logits = zip(moves, completed).map { move, q in
            log(move.prior) + (50 + maxVisits) * 0.1 * (q - low) / (high - low)
        }
        let largest = logits.max()!
        let weights = logits.map { exp($0 - largest) }
        let total = weights.reduce(0, +)
        for (move, weight) in zip(moves, weights) {
            #expect(abs(choice.policy[move.action] - weight / total) < 1e-5, "action \(move.action)")
        }
    }

    @Test func aProvenWinIsPlayedEvenWhenNotSampled() throws {
        var rng = Xoshiro256(seed: 0x6E)
        let search = BatchedSearch<ConnectFour>(
            treeCount: 1, configuration: SearchConfiguration(),
            evaluator: UniformEvaluator(actionCount: 7))
        // Proven by an earlier search (as tree reuse hands it over): column 1 wins at once.
        search.trees[0].reset(to: try ConnectFour(notation: "4141415"))
        search.search(trees: [0], simulations: 50, rootNoise: false, using: &rng)
        #expect(search.trees[0][0].proof != .unknown)
        for _ in 0..<20 {
            let choice = search.searchGumbel(trees: [0], simulations: 8, sampledActions: 2, using: &rng)[0]
            #expect(choice.action == 0)
            #expect(choice.policy[0] == 1)
        }
    }
}
