/// Turns a batch of encoded positions into move priors and values: the search's only view
/// of a network. The search module never imports the network module; the training module
/// adapts a network to this protocol.
public protocol Evaluator: AnyObject {
    /// Evaluates `count` positions.
    ///
    /// - Parameters:
    ///   - inputs: `count` encodings of `inputSize` floats each (the game's `encodingShape.count`).
    ///   - legalMask: `count × actionCount` values, 1 for a legal action and 0 otherwise.
    ///   - priors: receives `count × actionCount` probabilities, zero on illegal actions.
    ///   - values: receives `count` values in [-1, 1], from the side to move's view.
    func evaluate(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>)
}

/// Uniform priors over the legal actions and value 0: PUCT with this evaluator is
/// plain UCT-style search with no rollouts. Useful in tests and as a baseline.
public final class UniformEvaluator: Evaluator {
    public let actionCount: Int

    public init(actionCount: Int) { self.actionCount = actionCount }

    public func evaluate(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
    ) {
        for position in 0..<count {
            let base = position * actionCount
            var legal: Float = 0
            for action in 0..<actionCount { legal += legalMask[base + action] }
            let share = legal > 0 ? 1 / legal : 0
            for action in 0..<actionCount { priors[base + action] = legalMask[base + action] * share }
            values[position] = 0
        }
    }
}
