import Environments
import GameKit
import Testing

@Suite struct ConnectFourHeuristicTests {
    @Test func countsOpenLinesForTheSideToMove() throws {
        #expect(ConnectFour().heuristicValue == 0)
        // The first stone, bottom of column 4, lies on 7 lines (4 horizontal, 1 vertical,
        // 2 diagonal), each worth 0.01 to the first player; the second player is to move.
        #expect(try ConnectFour(notation: "4").heuristicValue == -0.07)
        // Then the second player's stone on it lies on 9 open lines (4 horizontal, 1 vertical,
        // 4 diagonal) and leaves the first stone 6 (its vertical line is blocked).
        #expect(try ConnectFour(notation: "44").heuristicValue == -0.03)
    }

    @Test func isMirrorSymmetricAndAntisymmetricInThePlayers() {
        var rng = Xoshiro256(seed: 81)
        for _ in 0..<200 {
            var state = ConnectFour()
            for _ in 0..<Int.random(in: 1...30, using: &rng) where !state.isTerminal {
                state.apply(state.legalActions.randomElement(using: &rng))
            }
            if state.isTerminal { continue }
            let mirrored = state.transformed(by: ConnectFour.symmetries[1])
            #expect(state.heuristicValue == mirrored.heuristicValue)
            // Swapping the colours negates the value.
            let swapped = ConnectFour(
                current: state.current ^ state.mask, mask: state.mask,
                moveCount: state.moveCount, lastMoveWon: false)
            #expect(swapped.heuristicValue == -state.heuristicValue)
        }
    }
}
