import GameKit

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
