import GameKit

/// Classic pure Monte Carlo tree search: UCB1 selection, full expansion, and random rollouts
/// to the end of the game as the leaf value. The baseline player `mcts:rollouts=N`.
public final class RolloutSearch<Game: GameState> {
    public let tree: SearchTree<Game>
    let uniformPriors: UnsafeMutableBufferPointer<Float>
    let uniformPriorsOwner: ScratchBuffer<Float>

    public init(explorationConstant c: Float = 1.4, solver: Bool = true) {
        var configuration = SearchConfiguration()
        configuration.solver = solver
        configuration.virtualLossValue = 0
        tree = SearchTree(configuration: configuration, rule: .uct(c: c))
        uniformPriorsOwner = ScratchBuffer(count: Game.actionCount, zero: 0)
        uniformPriors = uniformPriorsOwner.buffer
    }

    /// Runs `simulations` simulations from the tree's root (stopping early once the root is proven).
    public func search<R: RandomNumberGenerator>(simulations: Int, using rng: inout R) {
        guard !tree.rootState.isTerminal else { return }
        for _ in 0..<simulations {
            if tree[0].proof != .unknown { return }
            if case .needsEvaluation(let leaf, let state) = tree.descend(using: &rng) {
                tree.expand(
                    leaf, state: state, priors: UnsafeBufferPointer(uniformPriors),
                    value: state.randomPlayoutValue(using: &rng))
            }
        }
    }
}
