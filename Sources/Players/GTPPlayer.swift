import GameKit

/// A player that asks an engine speaking GTP for its moves (`gtp:gnugo --mode gtp --level 1`).
///
/// On start it sends `boardsize` and `komi`. Before each `genmove` the engine's board is brought
/// to the position: the moves it lacks are sent with `play b|w MOVE`, or, when the position does
/// not continue the engine's game (another game slot, a new game, an opening), `clear_board` and
/// all of its moves. One instance can therefore serve every game of a match. The engine's
/// `resign` resigns (`Game.resignAction`); a move that is not one of the game's legal moves,
/// and every engine failure (see `GTPEngine`), throws a one-line `PlayerError`.
public final class GTPPlayer<Game: GTPGame>: GamePlayer {
    public let name: String
    /// The running engine.
    public let engine: GTPEngine
    /// The moves on the engine's board since its last `clear_board`; nil before the first.
    private var played: [Int]?

    /// Starts the engine and sets up its board; throws if it is missing or refuses the setup.
    public init(name: String, commandLine: String, timeout: Double) throws(PlayerError) {
        self.name = name
        engine = try GTPEngine(commandLine: commandLine, timeout: timeout)
        try engine.send("boardsize \(Game.gtpBoardSize)")
        try engine.send("komi \(Game.gtpKomi)")
    }

    public func chooseAction(in state: Game) throws -> Int {
        try replay(state.history)
        let reply = try engine.send("genmove \(Self.colour(state.currentPlayer))")
        if reply.lowercased() == "resign" { return Game.resignAction }
        guard let action = Game.action(named: reply), state.legalActions.contains(action) else {
            let legality = Game.action(named: reply) == nil ? "not a move of \(Game.name)" : "illegal here"
            engine.quit()
            throw PlayerError(
                "gtp engine '\(abbreviated(engine.commandLine, limit: 40))' played '\(abbreviated(reply, limit: 40))' "
                    + "after \(state.moveCount == 0 ? "no moves" : "\(state.moveCount) moves"), "
                    + legality)
        }
        played?.append(action)
        return action
    }

    /// Brings the engine's board to the position reached by `history`.
    private func replay(_ history: [Int]) throws(PlayerError) {
        var start = 0
        if let played, history.starts(with: played) {
            start = played.count
        } else {
            try engine.send("clear_board")
            played = []
        }
        for index in start..<history.count {
            let mover: Player = index % 2 == 0 ? .first : .second
            try engine.send("play \(Self.colour(mover)) \(Game.actionName(history[index]))")
            played?.append(history[index])
        }
    }

    /// GTP's colour of `player`: the first player is Black.
    static func colour(_ player: Player) -> String { player == .first ? "b" : "w" }
}
