import Environments
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
            for _ in 0..<Int.random(in: 2...6, using: &rng) where !state.isTerminal { state.apply(state.legalActions.randomElement(using: &rng)) }
            guard !state.isTerminal, oracle.value(state) == 1, state.legalActions.count > 2 else { continue }
            // Positions with an immediate win; any move that keeps the win is right.
            let immediate = state.legalActions.contains { action in
                var child = state
                child.apply(action)
                return child.outcome == .win(state.currentPlayer)
            }
            guard immediate else { continue }
            let wins = oracle.bestActions(state)
            let search = BatchedSearch<TicTacToe>(treeCount: 1, configuration: SearchConfiguration(), evaluator: UniformEvaluator(actionCount: 9))
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
        let search = BatchedSearch<ConnectFour>(treeCount: 32, configuration: SearchConfiguration(), evaluator: evaluator)
        let choices = search.searchGumbel(trees: Array(0..<32), simulations: 16, sampledActions: 4, using: &rng)
        #expect(choices.count == 32)
        #expect(evaluator.batchSizes.max()! == 32)
        for tree in search.trees {
            #expect(tree[0].visits >= 14 && tree[0].visits <= 17)
            #expect(tree.outstandingVirtualVisits == 0)
        }
    }
}
