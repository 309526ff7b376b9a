import Environments
import GameKit
import Search
import Testing

@Suite struct RolloutSearchTests {
    @Test(arguments: [true, false])
    func takesAnImmediateWin(solver: Bool) {
        let positions = connectFourPositions(count: 30, seed: 101) { !winningColumns($0).isEmpty }
        let player = RolloutMCTSPlayer<ConnectFour>(simulations: 1000, solver: solver, seed: 1)
        for position in positions {
            let move = player.chooseAction(in: position)
            #expect(winningColumns(position).contains(move), "\(position)")
        }
    }

    @Test(arguments: [true, false])
    func blocksASingleThreat(solver: Bool) {
        let positions = connectFourPositions(count: 30, seed: 202) {
            winningColumns($0).isEmpty && threatColumns($0).count == 1
        }
        let player = RolloutMCTSPlayer<ConnectFour>(simulations: 1000, solver: solver, seed: 2)
        for position in positions {
            #expect(player.chooseAction(in: position) == threatColumns(position)[0], "\(position)")
        }
    }

    /// Positions where the side to move wins with its second move whatever the opponent does
    /// (checked by brute force); the solver proves the root and plays a winning move.
    @Test func solverProvesShortWins() {
        func winsWithin(_ state: ConnectFour, ownMoves: Int) -> Bool {
            if !winningColumns(state).isEmpty { return true }
            guard ownMoves > 1 else { return false }
            return state.legalActions.contains { column in
                var child = state
                child.apply(column)
                if child.isTerminal { return false }
                return child.legalActions.allSatisfy { reply in
                    var grandchild = child
                    grandchild.apply(reply)
                    return !grandchild.isTerminal && winsWithin(grandchild, ownMoves: ownMoves - 1)
                }
            }
        }
        let positions = connectFourPositions(count: 15, seed: 303) {
            winningColumns($0).isEmpty && winsWithin($0, ownMoves: 2)
        }
        var rng = Xoshiro256(seed: 4)
        for position in positions {
            let search = RolloutSearch<ConnectFour>(solver: true)
            search.tree.reset(to: position)
            search.search(simulations: 20_000, using: &rng)
            // Proven lost for the player who moved into it.
            #expect(search.tree[0].proof == .loss, "root not proven: \(position)")
            let move = search.tree.chooseAction(temperature: 0, using: &rng)
            var child = position
            child.apply(move)
            #expect(!child.isTerminal || child.outcome == .win(position.currentPlayer))
            #expect(
                child.isTerminal
                    || child.legalActions.allSatisfy { reply in
                        var next = child
                        next.apply(reply)
                        return winsWithin(next, ownMoves: 1)
                    }, "move \(move + 1) does not keep the win in \(position)")
        }
    }
}
