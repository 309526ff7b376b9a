/// What the tools need to know about a game besides its rules, stated by the game's own file so
/// that adding a game touches that file and `GameCatalog` only.
///
/// Symmetries are part of the rules (`GameState.symmetries`). A game with an exact solver
/// also conforms to `SolvableGame`, in its solver's file in the Solvers module.
public protocol GameDescription {
    /// Other names the command line accepts for the game, in lower case (none by default).
    static var aliases: [String] { get }
    /// How moves are written on the command line: the move names and an example sequence.
    static var notationHelp: String { get }
    /// The depth `selfplay bench games` counts by default, and the counts known for each depth.
    static var perft: PerftFigures { get }
    /// The configuration keys whose defaults this game changes for training.
    static var trainingDefaults: TrainingDefaults { get }
    /// Maps of the encoding (which is from the side to move's view) that turn a position of one side
    /// into a position of the other side with the same value and the mapped policy, such as Hex's
    /// transposition: training may map samples by them as it does by `symmetries`, so that each side
    /// learns from the other's games. The mapped position need not be reachable in play. None by default.
    static var sideSwappingSymmetries: [BoardSymmetry] { get }
}

extension GameDescription {
    public static var aliases: [String] { [] }
    public static var sideSwappingSymmetries: [BoardSymmetry] { [] }
}
