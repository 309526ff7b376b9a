import Environments
import GameKit
import Search
import Testing
import Training

@Suite struct MatchRunnerTests {
    /// Issue 13, item 2: a huge game count allocates nothing per requested game up front.
    @Test func hugeGameCountsStartAtOnce() throws {
        let a = PlayerSide<TicTacToe>(name: "a", slots: 2) { RandomPlayer<TicTacToe>(seed: UInt64($0)) }
        let b = PlayerSide<TicTacToe>(name: "b", slots: 2) { RandomPlayer<TicTacToe>(seed: UInt64($0) + 2) }
        var finished = 0
        let result = try MatchRunner.play(
            a, b, games: Int.max - 1, concurrent: 2, openingMoves: 2, seed: 1,
            progress: { done, _ in finished = done }, shouldStop: { finished >= 10 })
        #expect(result == nil && finished >= 10)
    }
}
