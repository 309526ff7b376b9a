import GameKit

/// The games SelfPlay knows, by their command-line names.
public enum GameCatalog {
    /// Every environment, in the order `selfplay games` lists them.
    public static let all: [any GameState.Type] = [TicTacToe.self, ConnectFour.self, Othello.self]

    /// The game called `name` (or one of its aliases), or `nil`.
    public static func game(named name: String) -> (any GameState.Type)? {
        let key = name.lowercased()
        let aliases = ["ttt": "tictactoe", "tic-tac-toe": "tictactoe", "c4": "connect4", "connectfour": "connect4",
                       "connect-four": "connect4", "reversi": "othello"]
        let canonical = aliases[key] ?? key
        return all.first { $0.name == canonical }
    }

    /// The names accepted by `game(named:)`, for messages.
    public static var names: [String] { all.map { $0.name } }

    /// Calls `visitor` with the concrete type of `game`.
    ///
    /// Use this rather than opening `any GameState.Type` directly: the call names each game's
    /// type statically, so generic search and training code is specialized for it (an opened
    /// existential runs the unspecialized generic code, several times slower).
    @inlinable
    public static func visit<Visitor: GameVisitor>(_ game: any GameState.Type, with visitor: Visitor) throws -> Visitor.Result {
        switch game {
        case is TicTacToe.Type: return try visitor.visit(TicTacToe.self)
        case is ConnectFour.Type: return try visitor.visit(ConnectFour.self)
        case is Othello.Type: return try visitor.visit(Othello.self)
        default: preconditionFailure("\(game.name) is missing from GameCatalog.visit")
        }
    }
}

/// Work to do with one game's concrete type (see `GameCatalog.visit(_:with:)`).
public protocol GameVisitor {
    associatedtype Result
    func visit<Game: GameState>(_ game: Game.Type) throws -> Result
}
