import Environments
import GameKit

/// A game with an exact solver. The conformance lives in the solver's file, which sees both the
/// game and the solver; the perfect player, `selfplay solve` and the training loop's mistake-rate
/// diagnostic find the solver through it.
public protocol SolvableGame: GameState {
    associatedtype Solver: GameSolver where Solver.Game == Self

    /// A new solver; one with a transposition table gives it `2^tableSizeLog2` entries.
    static func makeSolver(tableSizeLog2: Int) -> Solver

    /// The positions (not terminal) whose best moves measure a network's mistake rate in
    /// training: all of them for a small game, else about `count` drawn with `seed`.
    static func diagnosticPositions(count: Int, seed: UInt64) -> [Self]

    /// Whether the solver answers every position at once (a table look-up), so that a training
    /// run can end with a long match against the perfect player.
    static var solvesInstantly: Bool { get }

    /// Published test positions labelled once and shipped with the game, each with its set's name;
    /// where there are any, training measures mistakes on them instead of `diagnosticPositions`.
    static var labelledTestPositions: [(set: String, position: LabelledPosition<Self>)] { get }
}

extension SolvableGame {
    public static var solvesInstantly: Bool { false }
    public static var labelledTestPositions: [(set: String, position: LabelledPosition<Self>)] { [] }
}

/// The exact solver of `game`, or `nil` for a game without one.
public func exactSolver<Game: GameState>(for game: Game.Type, tableSizeLog2: Int) -> (any GameSolver<Game>)? {
    guard let solvable = game as? any SolvableGame.Type else { return nil }
    return solvable.makeSolver(tableSizeLog2: tableSizeLog2) as? any GameSolver<Game>
}

extension GameCatalog {
    /// The names of the games that have an exact solver, for messages.
    public static var namesWithSolver: [String] { all.filter { $0 is any SolvableGame.Type }.map { $0.name } }
}
