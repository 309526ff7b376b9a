import Environments
import Foundation
import GameKit

extension TrainingConfiguration {
    /// The default configuration of `game`: the base configuration with the keys the game's
    /// `trainingDefaults` changes, applied as `--set` applies them.
    public static func defaults(for game: any GameState.Type) -> TrainingConfiguration {
        let encoder = JSONEncoder()
        do {
            let overrides = try game.trainingDefaults.settings.map { key, value in
                "\(key)=" + String(decoding: try encoder.encode(value), as: UTF8.self)
            }
            return try TrainingConfiguration(game: game.name).applying(overrides: overrides)
        } catch {
            preconditionFailure("\(game.name).trainingDefaults: \(error)")
        }
    }

    /// The default configuration of the catalog's game called `name`, which must exist.
    public static func defaults(for name: String) -> TrainingConfiguration {
        guard let game = GameCatalog.game(named: name) else { preconditionFailure("no game is called \(name)") }
        return defaults(for: game)
    }
}
