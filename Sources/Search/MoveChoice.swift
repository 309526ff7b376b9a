import Foundation
import GameKit

extension SearchTree {
    /// Chooses the move to play from the root's visit counts.
    ///
    /// A proven win is always taken and a proven loss avoided while another move remains.
    /// With `temperature` 0 the most-visited move is played (ties broken at random);
    /// otherwise moves are sampled with probability proportional to visits^(1/temperature).
    public func chooseAction<R: RandomNumberGenerator>(temperature: Float, using rng: inout R) -> Int {
        var moves = rootMoves
        precondition(!moves.isEmpty, "chooseAction needs an expanded root")
        if configuration.solver {
            let wins = moves.filter { $0.proof == .win }
            if !wins.isEmpty { moves = wins }
            else if moves.contains(where: { $0.proof != .loss }) { moves.removeAll { $0.proof == .loss } }
        }
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

    /// Writes the root's visit distribution (the AlphaZero policy target) into `policy`
    /// (`actionCount` floats; zero for moves not at the root).
    public func visitDistribution(into policy: UnsafeMutableBufferPointer<Float>) {
        for k in 0..<policy.count { policy[k] = 0 }
        let moves = rootMoves
        let total = moves.reduce(0) { $0 + $1.visits }
        guard total > 0 else { return }
        for move in moves { policy[move.action] = Float(move.visits) / Float(total) }
    }
}
