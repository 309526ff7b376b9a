import Foundation
import GameKit

extension SearchTree {
    /// Chooses the move to play from the root's visit counts.
    ///
    /// A proven win is always taken and a proven loss avoided while another move remains.
    /// With `temperature` 0 the most-visited move is played (ties broken at random);
    /// otherwise moves are sampled with probability proportional to visits^(1/temperature).
    public func chooseAction<R: RandomNumberGenerator>(temperature: Float, using rng: inout R) -> Int {
        let moves = decidingMoves().moves
        precondition(!moves.isEmpty, "chooseAction needs an expanded root")
        if temperature <= 0.01 {
            let most = moves.map(\.visits).max()!
            let best = moves.filter { $0.visits == most }
            return best.randomElement(using: &rng)!.action
        }
        let weights = moves.map { powf(Float(max($0.visits, 0)), 1 / temperature) }
        let total = weights.reduce(0, +)
        guard total > 0 else { return moves.randomElement(using: &rng)!.action }
        var u = Float.random(in: 0..<total, using: &rng)
        for (move, weight) in zip(moves, weights) {
            u -= weight
            if u < 0 { return move.action }
        }
        return moves.last!.action
    }

    /// Writes the policy target into `policy` (`actionCount` floats; zero for moves not at the
    /// root): the root's visit distribution (AlphaZero), except where the solver has proven
    /// moves: with a proven win the target is uniform over the proven wins, and proven losses get
    /// no mass while another move remains. Moves left without visits share the mass uniformly.
    public func visitDistribution(into policy: UnsafeMutableBufferPointer<Float>) {
        for k in 0..<policy.count { policy[k] = 0 }
        let (moves, provenWin) = decidingMoves()
        guard !moves.isEmpty else { return }
        if provenWin {
            for move in moves { policy[move.action] = 1 / Float(moves.count) }
            return
        }
        let total = moves.reduce(0) { $0 + $1.visits }
        for move in moves {
            policy[move.action] = total > 0 ? Float(move.visits) / Float(total) : 1 / Float(moves.count)
        }
    }

    /// The root moves a choice or a target may use: with the solver on, the proven wins if there
    /// are any (`provenWin`), else every move but the proven losses while another move remains.
    public func decidingMoves() -> (moves: [RootMove], provenWin: Bool) {
        let moves = rootMoves
        guard configuration.solver else { return (moves, false) }
        let wins = moves.filter { $0.proof == .win }
        if !wins.isEmpty { return (wins, true) }
        return moves.contains { $0.proof != .loss } ? (moves.filter { $0.proof != .loss }, false) : (moves, false)
    }
}
