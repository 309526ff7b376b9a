import GameKit
import Search
import Solvers

/// A player whose move distribution is known, so that its expected mistake rate is computable.
public protocol KnownPolicy<Game>: GamePlayer {
    /// The probability of each action index in `state` (not terminal).
    func actionProbabilities(in state: Game) -> [Double]
}

extension RandomPlayer: KnownPolicy {
    public func actionProbabilities(in state: Game) -> [Double] {
        let legal = state.legalActions
        return (0..<Game.actionCount).map { legal.contains($0) ? 1 / Double(legal.count) : 0 }
    }
}

extension PerfectPlayer: KnownPolicy {
    public func actionProbabilities(in state: Game) -> [Double] {
        uniform(over: bestActions(in: state))
    }
}

extension MinimaxPlayer: KnownPolicy {
    public func actionProbabilities(in state: Game) -> [Double] {
        uniform(over: bestActions(in: state))
    }
}

extension GamePlayer {
    /// Equal probabilities for `actions`, none for the other action indices.
    fileprivate func uniform(over actions: [Int]) -> [Double] {
        (0..<Game.actionCount).map { actions.contains($0) ? 1 / Double(actions.count) : 0 }
    }
}
