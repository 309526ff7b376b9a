import Environments
import GameKit
import Testing

/// Perft counts from OpenSpiel 2.0.2 (legal move sequences of exactly `depth` moves).
/// `scripts/compare_openspiel.py` recomputes them with OpenSpiel itself.
@Suite struct PerftTests {
    @Test func ticTacToe() {
        let expected = [1, 9, 72, 504, 3024, 15120, 54720, 148176, 200448, 127872]
        for (depth, count) in expected.enumerated() { #expect(perft(TicTacToe(), depth: depth) == count, "depth \(depth)") }
    }

    @Test func ticTacToeCompleteGames() {
        func games(_ state: TicTacToe) -> Int {
            if state.isTerminal { return 1 }
            return state.legalActions.reduce(0) { total, action in
                var child = state
                child.apply(action)
                return total + games(child)
            }
        }
        #expect(games(TicTacToe()) == 255_168)
    }

    @Test func connectFour() {
        let expected = [1, 7, 49, 343, 2401, 16807, 117_649, 823_536, 5_673_234]
        for (depth, count) in expected.enumerated() { #expect(perft(ConnectFour(), depth: depth) == count, "depth \(depth)") }
    }

    @Test func othello() {
        let expected = [1, 4, 12, 56, 244, 1396, 8200, 55092, 390_216]
        for (depth, count) in expected.enumerated() { #expect(perft(Othello(), depth: depth) == count, "depth \(depth)") }
    }
}
