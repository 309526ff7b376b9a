import GameKit

/// The games SelfPlay knows, by their command-line names.
public enum GameCatalog {
    /// Every environment, in the order `selfplay games` lists them.
    public static let all: [any GameState.Type] = [TicTacToe.self, ConnectFour.self, Othello.self]

    /// The game called `name`, or `nil`.
    public static func game(named name: String) -> (any GameState.Type)? {
        let key = name.lowercased()
        let aliases = ["ttt": "tictactoe", "tic-tac-toe": "tictactoe", "c4": "connect4", "connectfour": "connect4",
                       "connect-four": "connect4", "reversi": "othello"]
        let canonical = aliases[key] ?? key
        return all.first { $0.name == canonical }
    }

    /// The names accepted by `game(named:)`, for messages.
    public static var names: [String] { all.map { $0.name } }
}
