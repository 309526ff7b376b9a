import Environments
import GameKit
import Search
import Solvers
import Testing
import Training

/// The search players' strength, measured in matches played by the match runner.
@Suite struct SearchPlayerMatchTests {
    /// A match of `games` games, one at a time, between single player instances.
    func match<Game: GameState>(
        _ a: any GamePlayer<Game>, _ b: any GamePlayer<Game>, games: Int
    ) throws -> MatchResult {
        try MatchRunner.play(
            PlayerSide(name: a.name, slots: 1) { _ in a }, PlayerSide(name: b.name, slots: 1) { _ in b },
            games: games, concurrent: 1, seed: 1)!
    }

    @Test func rolloutMCTSNeverLosesToPerfectPlayAtTicTacToe() throws {
        let mcts = RolloutMCTSPlayer<TicTacToe>(simulations: 2000, seed: 11)
        let perfect = PerfectPlayer(solver: TicTacToeSolver(), seed: 12)
        let result = try match(mcts, perfect, games: 100)
        #expect(result.total.losses == 0, "\(result)")
    }

    @Test func rolloutMCTSFirstPlayerNeverLosesToItselfAndBeatsRandom() throws {
        let a = RolloutMCTSPlayer<TicTacToe>(simulations: 2000, seed: 21)
        let b = RolloutMCTSPlayer<TicTacToe>(simulations: 2000, seed: 22)
        let selfPlay = try match(a, b, games: 100)
        #expect(selfPlay.asFirst.losses == 0 && selfPlay.asSecond.wins == 0, "\(selfPlay)")
        let againstRandom = try match(a, RandomPlayer<TicTacToe>(seed: 23), games: 200)
        #expect(againstRandom.asFirst.wins >= 95, "won \(againstRandom.asFirst.wins) of 100 as first player")
    }

    @Test func minimaxAtDepthFiveBeatsRandomAtConnectFour() throws {
        let minimax = MinimaxPlayer<ConnectFour>(depth: 5, seed: 71)
        let result = try match(minimax, RandomPlayer<ConnectFour>(seed: 72), games: 40)
        #expect(result.score >= 0.95, "\(result)")
    }
}
