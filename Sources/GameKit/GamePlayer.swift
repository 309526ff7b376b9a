/// Something that chooses moves in a game: a random player, a search, a solver.
///
/// Players are reference types because most carry state between moves (a search tree,
/// a network, a random generator). The arena calls `newGame(from:)` before each game, then
/// `chooseAction(in:)` on the player to move and `observe(_:resultingIn:)` on both after every move.
/// A player that drives another program may fail mid-game (`chooseAction(in:)` throws) or resign
/// (it returns `Game.resignAction`).
public protocol GamePlayer<Game>: AnyObject {
    associatedtype Game: GameState

    /// A short description, e.g. `mcts:rollouts=1000`.
    var name: String { get }

    /// Called before a game starts from `start` (the initial position, or an opening).
    func newGame(from start: Game)

    /// The action to play in `state`, which is not terminal and is the player's turn, or
    /// `Game.resignAction` to resign.
    func chooseAction(in state: Game) throws -> Int

    /// Called after any move (the player's own or the opponent's) with the action and the new state.
    func observe(_ action: Int, resultingIn state: Game)
}

extension GameState {
    /// What `GamePlayer.chooseAction(in:)` returns to resign: the side to move loses at once.
    public static var resignAction: Int { -1 }
}

extension GamePlayer {
    public func newGame(from start: Game) {}
    public func observe(_ action: Int, resultingIn state: Game) {}
}

/// The uniform random player: the Elo anchor (rating 0) of every run.
public final class RandomPlayer<Game: GameState>: GamePlayer {
    private var rng: Xoshiro256
    public let name = "random"

    public init(seed: UInt64) { rng = Xoshiro256(seed: seed) }

    public func chooseAction(in state: Game) -> Int {
        state.legalActions.randomElement(using: &rng)
    }
}
