import Environments
import GameKit
import Search
import Testing

@Suite struct MinimaxPlayerTests {
    @Test(arguments: [1, 2, 5])
    func takesAnImmediateWin(depth: Int) {
        let positions = connectFourPositions(count: 50, seed: 31) { !winningColumns($0).isEmpty }
        let player = MinimaxPlayer<ConnectFour>(depth: depth, seed: 32)
        for state in positions {
            #expect(winningColumns(state).contains(player.chooseAction(in: state)), "\(state)")
        }
    }

    @Test(arguments: [2, 3, 5])
    func blocksASingleThreat(depth: Int) {
        // No win of its own, exactly one column where the opponent would win, and that column
        // playable without handing over another win: blocking is the only move that does not lose.
        let positions = connectFourPositions(count: 50, seed: 41) { state in
            guard winningColumns(state).isEmpty else { return false }
            let threats = threatColumns(state)
            guard threats.count == 1 else { return false }
            var blocked = state
            blocked.apply(threats[0])
            return winningColumns(blocked).isEmpty
        }
        let player = MinimaxPlayer<ConnectFour>(depth: depth, seed: 42)
        for state in positions {
            #expect(player.chooseAction(in: state) == threatColumns(state)[0], "\(state)")
        }
    }

    @Test func ticTacToeWithoutHeuristicTakesWinsAndBlocks() {
        // X 1 2, O 4 5, X to move: 3 wins.
        let win = try! TicTacToe(notation: "1425")
        #expect(MinimaxPlayer<TicTacToe>(depth: 1, seed: 1).chooseAction(in: win) == TicTacToe.action(named: "3"))
        // X 1 2, O 5, O to move: only 3 stops X.
        let block = try! TicTacToe(notation: "152")
        #expect(MinimaxPlayer<TicTacToe>(depth: 2, seed: 1).chooseAction(in: block) == TicTacToe.action(named: "3"))
    }

    @Test func neverPlaysIllegallyInAnyGame() {
        func check<G: GameState>(_: G.Type, seed: UInt64) {
            var rng = Xoshiro256(seed: seed)
            for depth in 1...3 {
                let player = MinimaxPlayer<G>(depth: depth, seed: seed &+ UInt64(depth))
                for _ in 0..<10 {
                    var state = G()
                    while !state.isTerminal {
                        let action = player.chooseAction(in: state)
                        #expect(state.legalActions.contains(action), "\(G.name) depth \(depth): \(action) in\n\(state)")
                        guard state.legalActions.contains(action) else { return }
                        // Mix in random moves so that the positions vary.
                        state.apply(Bool.random(using: &rng) ? action : state.legalActions.randomElement(using: &rng))
                    }
                }
            }
        }
        for (index, game) in GameCatalog.all.enumerated() { check(game, seed: 51 + UInt64(index)) }
    }

    @Test func isDeterministicForASeedAndBreaksTiesAtRandom() throws {
        func game(seed: UInt64) throws -> [Int] {
            let players = [
                MinimaxPlayer<ConnectFour>(depth: 3, seed: seed), MinimaxPlayer<ConnectFour>(depth: 3, seed: seed &+ 1),
            ]
            var state = ConnectFour()
            var actions: [Int] = []
            while !state.isTerminal {
                actions.append(players[state.currentPlayer == .first ? 0 : 1].chooseAction(in: state))
                state.apply(actions.last!)
            }
            return actions
        }
        #expect(try game(seed: 61) == game(seed: 61))
        // Tic-tac-toe has no heuristic: at depth 1 every opening move scores 0.
        let player = MinimaxPlayer<TicTacToe>(depth: 1, seed: 62)
        #expect(player.bestActions(in: TicTacToe()) == Array(0..<9))
        let openings = Set((0..<20).map { _ in player.chooseAction(in: TicTacToe()) })
        #expect(openings.count > 1)
    }

    @Test func prefersTheFastestWin() {
        // X 1 2 4, O 5 6 9, X to move: 3 and 7 win at once; any other move lets O win at 3.
        let state = try! TicTacToe(notation: "152946")
        let best = MinimaxPlayer<TicTacToe>(depth: 5, seed: 1).bestActions(in: state)
        #expect(Set(best) == [TicTacToe.action(named: "3")!, TicTacToe.action(named: "7")!])
    }
}
