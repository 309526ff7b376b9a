import Environments
import GameKit
import Testing

/// Perft counts (legal move sequences of exactly `depth` moves) against each game's known counts.
@Suite struct PerftTests {
    struct KnownCounts: GameVisitor {
        func visit<Game: GameState>(_ game: Game.Type) -> [Int] {
            Game.perft.knownCounts.indices.map { perft(Game(), depth: $0) }
        }
    }

    @Test(arguments: GameCatalog.names) func matchesTheKnownCounts(name: String) throws {
        let game = try #require(GameCatalog.game(named: name))
        #expect(try GameCatalog.visit(game, with: KnownCounts()) == game.perft.knownCounts)
        #expect(game.perft.knownCounts.first.map { $0 == 1 } ?? true, "depth 0 counts the start position")
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
}
