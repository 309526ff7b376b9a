import Environments
import GameKit
import Search

/// Exact tic-tac-toe values by plain minimax (for the side to move), memoized.
final class TicTacToeOracle {
    private var memo: [TicTacToe: Int] = [:]

    func value(_ state: TicTacToe) -> Int {
        if let outcome = state.outcome { return Int(outcome.value(for: state.currentPlayer)) }
        if let known = memo[state] { return known }
        var best = -2
        for action in state.legalActions {
            var child = state
            child.apply(action)
            best = max(best, -value(child))
        }
        memo[state] = best
        return best
    }

    func bestActions(_ state: TicTacToe) -> [Int] {
        let values = state.legalActions.map { action -> (Int, Int) in
            var child = state
            child.apply(action)
            return (action, -value(child))
        }
        let best = values.map(\.1).max()!
        return values.filter { $0.1 == best }.map(\.0)
    }
}

/// An evaluator that records the batch sizes it is called with.
final class CountingEvaluator: Evaluator {
    let inner: UniformEvaluator
    var batchSizes: [Int] = []
    init(actionCount: Int) { inner = UniformEvaluator(actionCount: actionCount) }
    func evaluate(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
    ) {
        batchSizes.append(count)
        inner.evaluate(inputs: inputs, legalMask: legalMask, count: count, priors: priors, values: values)
    }
}

/// Random Connect Four positions (recorded seed) that satisfy `condition`.
func connectFourPositions(count: Int, seed: UInt64, where condition: (ConnectFour) -> Bool) -> [ConnectFour] {
    var rng = Xoshiro256(seed: seed)
    var found: [ConnectFour] = []
    while found.count < count {
        var state = ConnectFour()
        let length = Int.random(in: 4...30, using: &rng)
        while !state.isTerminal && state.moveCount < length {
            state.apply(state.legalActions.randomElement(using: &rng))
        }
        if !state.isTerminal && condition(state) { found.append(state) }
    }
    return found
}

/// Columns where the side to move wins at once.
func winningColumns(_ state: ConnectFour) -> [Int] {
    state.legalActions.filter { column in
        var child = state
        child.apply(column)
        return child.outcome != nil && child.outcome != .draw
    }
}

/// Columns where the opponent would win at once if it were its turn.
func threatColumns(_ state: ConnectFour) -> [Int] {
    state.legalActions.filter { column in
        let theirs = state.current ^ state.mask
        let move = (state.mask &+ ConnectFour.bottomMask(column: column)) & ConnectFour.columnMask(column: column)
        return ConnectFour.hasFour(theirs | move)
    }
}
