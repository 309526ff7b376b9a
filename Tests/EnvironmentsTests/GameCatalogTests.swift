import Environments
import GameKit
import Testing

/// What every registered game must state, and how the catalog finds games.
@Suite struct GameCatalogTests {
    @Test func namesAndAliasesFindOneGameEach() {
        let keys = GameCatalog.all.flatMap { [$0.name] + $0.aliases }
        #expect(Set(keys).count == keys.count, "a name or alias is used twice: \(keys)")
        for game in GameCatalog.all {
            for key in [game.name, game.name.uppercased()] + game.aliases {
                #expect(GameCatalog.game(named: key)?.name == game.name, "\(key)")
            }
        }
        #expect(GameCatalog.game(named: "chess") == nil)
        #expect(GameCatalog.defaultGame.name == GameCatalog.all[0].name)
    }

    @Test(arguments: GameCatalog.names) func everyGameDescribesItself(name: String) throws {
        let game = try #require(GameCatalog.game(named: name))
        #expect(!game.notationHelp.isEmpty)
        #expect(game.perft.benchmarkDepth > 0)
        #expect(!game.trainingDefaults.settings.isEmpty)
        #expect(game.symmetries.first?.cellMap == Array(0..<game.encodingShape.cells), "identity first")
    }

    struct NameOfType: GameVisitor {
        func visit<Game: GameState>(_ game: Game.Type) -> String { Game.name }
    }

    @Test func visitCallsTheGameItIsGiven() throws {
        for game in GameCatalog.all { #expect(try GameCatalog.visit(game, with: NameOfType()) == game.name) }
    }
}
