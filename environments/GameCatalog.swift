import GameKit

/// The games SelfPlay knows, by their command-line names.
public enum GameCatalog {
    /// Calls `visitor` with each game's concrete type, in the order `selfplay games` lists them.
    ///
    /// The one place a game is registered: `all` and `visit(_:with:)` are built on it.
    @inlinable
    static func visitEach<Visitor: GameVisitor>(with visitor: Visitor) throws -> [Visitor.Result] {
        [
            try visitor.visit(TicTacToe.self), try visitor.visit(ConnectFour.self), try visitor.visit(Othello.self),
            try visitor.visit(Hex.self), try visitor.visit(Hex7.self), try visitor.visit(HexSwap.self),
            try visitor.visit(Hex7Swap.self),
            try visitor.visit(Go9.self), try visitor.visit(Go7.self),
        ]
    }

    /// Every environment, in the order `selfplay games` lists them.
    public static let all: [any GameState.Type] = try! visitEach(with: TypeOfGame())

    /// The game every command plays unless told otherwise: the first registered.
    public static var defaultGame: any GameState.Type { all[0] }

    /// The game called `name` (or one of its aliases, case-insensitive), or `nil`.
    public static func game(named name: String) -> (any GameState.Type)? {
        let key = name.lowercased()
        return all.first { $0.name == key || $0.aliases.contains(key) }
    }

    /// The names accepted by `game(named:)`, for messages.
    public static var names: [String] { all.map { $0.name } }

    /// The games engines speaking GTP can play (`gtp:` players).
    public static var namesSpeakingGTP: [String] { all.filter { $0 is any GTPGame.Type }.map { $0.name } }

    /// Calls `visitor` with the concrete type of `game`.
    ///
    /// Use this rather than opening `any GameState.Type` directly: the call names each game's
    /// type statically, so generic search and training code is specialized for it (an opened
    /// existential runs the unspecialized generic code, several times slower).
    @inlinable
    public static func visit<Visitor: GameVisitor>(
        _ game: any GameState.Type, with visitor: Visitor
    ) throws
        -> Visitor.Result
    {
        let results = try visitEach(with: OnlyFor(game: game, visitor: visitor))
        guard let result = results.first(where: { $0 != nil }) else {
            preconditionFailure("\(game.name) is not registered in GameCatalog")
        }
        return result!
    }
}

/// Work to do with one game's concrete type (see `GameCatalog.visit(_:with:)`).
public protocol GameVisitor {
    associatedtype Result
    func visit<Game: GameState>(_ game: Game.Type) throws -> Result
}

/// The visited game's type, for `GameCatalog.all`.
struct TypeOfGame: GameVisitor {
    func visit<Game: GameState>(_ game: Game.Type) -> any GameState.Type { game }
}

/// Passes one game on to `visitor` and skips the others (whose result is `nil`).
@usableFromInline
struct OnlyFor<Visitor: GameVisitor>: GameVisitor {
    @usableFromInline let game: any GameState.Type
    @usableFromInline let visitor: Visitor

    @inlinable
    init(game: any GameState.Type, visitor: Visitor) {
        self.game = game
        self.visitor = visitor
    }

    @inlinable
    func visit<Game: GameState>(_ type: Game.Type) throws -> Visitor.Result? {
        ObjectIdentifier(type) == ObjectIdentifier(game) ? try visitor.visit(type) : nil
    }
}
