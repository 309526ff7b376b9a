import GameKit

/// An exact solver of a game: the game-theoretic value of any position.
///
/// Scores are from the side to move's view and rank outcomes by distance: positive means the
/// side to move wins, 0 a draw, negative a loss, and a larger magnitude a faster win (or a
/// slower loss for negative scores), as in Pascal Pons's convention: a win completed with the
/// winner's n-th stone scores m + 1 − n, m being the most stones a player can place.
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
