/// Solvers: exact game values (tic-tac-toe minimax, Connect Four negamax) and a player that
/// plays them.
import GameKit

/// An exact solver of a game: the game-theoretic value of any position.
///
/// Scores are from the side to move's view and rank outcomes by distance: positive means the
/// side to move wins, 0 a draw, negative a loss, and a larger magnitude a faster win (or a
/// slower loss for negative scores), as in Pascal Pons's Connect Four convention (a win
/// completed with the winner's n-th stone scores 22 − n there, 6 − n in tic-tac-toe).
public protocol GameSolver<Game> {
    associatedtype Game: GameState

    /// The score of `state` for the side to move.
    func score(_ state: Game) -> Int

    /// Per action index: the score, for the side to move in `state`, of playing that action;
    /// `nil` for an illegal action. `state` must not be terminal.
    func actionValues(_ state: Game) -> [Int?]

    /// Per action index: the sign of `actionValues` (1 win, 0 draw, -1 loss), `nil` if illegal.
    /// A solver may compute this faster than the exact values.
    func actionOutcomes(_ state: Game) -> [Int?]

    /// The legal actions of `state` (not terminal) whose value (win, draw or loss) is worse
    /// than the best action's: the moves that are mistakes. A solver may compute this faster
    /// than `actionOutcomes`.
    func mistakes(in state: Game) -> ActionSet

    /// The number of positions searched so far (0 for a solver that looks values up).
    var nodeCount: Int { get }
}

extension GameSolver {
    public func actionOutcomes(_ state: Game) -> [Int?] {
        actionValues(state).map { $0?.signum() }
    }

    public func mistakes(in state: Game) -> ActionSet {
        let outcomes = actionOutcomes(state)
        guard let best = outcomes.compactMap({ $0 }).max() else { return ActionSet() }
        var result = ActionSet()
        for (action, outcome) in outcomes.enumerated() where outcome.map({ $0 < best }) == true {
            result.insert(action)
        }
        return result
    }
}

/// A player that always plays a move of the best score (the fastest win, else a draw, else the
/// slowest loss), choosing uniformly among equally scored moves with a seeded generator.
public final class PerfectPlayer<Solver: GameSolver>: GamePlayer {
    public typealias Game = Solver.Game

    public let name = "perfect"
    /// The solver that scores the moves.
    public let solver: Solver
    private var rng: Xoshiro256

    public init(solver: Solver, seed: UInt64) {
        self.solver = solver
        rng = Xoshiro256(seed: seed)
    }

    /// The legal actions of the best score in `state` (not terminal), in increasing order.
    public func bestActions(in state: Game) -> [Int] {
        let values = solver.actionValues(state)
        guard let best = values.compactMap({ $0 }).max() else { preconditionFailure("no legal action in \(state)") }
        return values.indices.filter { values[$0] == best }
    }

    public func chooseAction(in state: Game) -> Int {
        let best = bestActions(in: state)
        return best[Int.random(in: 0..<best.count, using: &rng)]
    }
}
