import Environments
import GameKit
import Testing
import Training

/// Each game's default configuration, pinned when the defaults moved from a switch in Training
/// into the game files: the hash covers every key but the budget and thread count, checked apart.
/// A new configuration key changes every hash (re-pinned when `replay.augmentSideSwap`, `logCountWeights`
/// and the growing window's keys came, no-ops for these three games); Connect Four's re-pinned when it turned
/// position averaging on.
@Suite struct GameDefaultsTests {
    static let pinned: [(game: String, hash: String, generations: Int, wallSeconds: Double)] = [
        ("tictactoe", "e4cb4edeae312879", 12, 0),
        ("connect4", "cba8f1e28834e49e", 0, 3600),
        ("othello", "704df50b8bbf9422", 0, 3600),
    ]

    @Test(arguments: pinned.indices) func defaultsAreUnchanged(index: Int) {
        let expected = Self.pinned[index]
        let configuration = TrainingConfiguration.defaults(for: expected.game)
        #expect(configuration.game == expected.game)
        #expect(configuration.hash == expected.hash, "\(expected.game)")
        var budget = TrainingConfiguration.BudgetSettings()
        budget.generations = expected.generations
        budget.wallSeconds = expected.wallSeconds
        #expect(configuration.budget == budget, "\(expected.game)")
        #expect(configuration.blasThreads == 0)
    }

    /// A flag written as a Swift literal reaches the configuration: Connect Four averages positions.
    @Test func aFlagDefaultTakesEffect() {
        #expect(TrainingConfiguration.defaults(for: "connect4").replay.averagePositions)
        #expect(!TrainingConfiguration.defaults(for: "othello").replay.averagePositions)
    }

    /// Every key a game changes exists and takes its value: `defaults(for:)` would stop otherwise.
    @Test(arguments: GameCatalog.names) func everyGamesDefaultsAreValid(name: String) throws {
        let game = try #require(GameCatalog.game(named: name))
        let configuration = TrainingConfiguration.defaults(for: game)
        #expect(configuration.game == game.name)
        #expect(configuration.validationError() == nil)
        #expect(configuration.resourceError(for: game) == nil)
        #expect(TrainingConfiguration.defaults(for: name) == configuration)
    }
}
