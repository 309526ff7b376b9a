import GameKit

/// Evaluates every position under each of the game's board symmetries in one batch and returns
/// the mean: each image's priors mapped back to the position's actions, then averaged, and the mean
/// of the values. A network trained on symmetry-augmented samples is only approximately invariant;
/// this makes its answers exactly invariant at the price of one evaluation per symmetry.
public final class SymmetrizedEvaluator: Evaluator {
    public let inner: any Evaluator
    public let symmetries: [BoardSymmetry]
    let inputSize: Int
    let actionCount: Int
    private var inputs: ScratchBuffer<Float>
    private var masks: ScratchBuffer<Float>
    private var priors: ScratchBuffer<Float>
    private var values: ScratchBuffer<Float>
    private var capacity = 0

    /// - Parameters:
    ///   - symmetries: the game's symmetries, the identity among them.
    ///   - inputSize: floats per encoding, a whole number of board planes.
    public init(_ inner: any Evaluator, symmetries: [BoardSymmetry], inputSize: Int, actionCount: Int) {
        precondition(!symmetries.isEmpty && symmetries.allSatisfy { $0.actionMap.count == actionCount })
        precondition(symmetries.allSatisfy { inputSize % $0.cellMap.count == 0 })
        self.inner = inner
        self.symmetries = symmetries
        self.inputSize = inputSize
        self.actionCount = actionCount
        inputs = ScratchBuffer(count: 0, zero: 0)
        masks = ScratchBuffer(count: 0, zero: 0)
        priors = ScratchBuffer(count: 0, zero: 0)
        values = ScratchBuffer(count: 0, zero: 0)
    }

    private func reserve(_ count: Int) {
        guard count > capacity else { return }
        capacity = max(count, 2 * capacity)
        let images = capacity * symmetries.count
        inputs = ScratchBuffer(count: images * inputSize, zero: 0)
        masks = ScratchBuffer(count: images * actionCount, zero: 0)
        priors = ScratchBuffer(count: images * actionCount, zero: 0)
        values = ScratchBuffer(count: images, zero: 0)
    }

    public func evaluate(
        inputs source: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        priors target: UnsafeMutableBufferPointer<Float>, values targetValues: UnsafeMutableBufferPointer<Float>
    ) {
        reserve(count)
        let images = count * symmetries.count
        for (s, symmetry) in symmetries.enumerated() {
            for position in 0..<count {
                let image = s * count + position
                symmetry.transformPlanes(
                    UnsafeBufferPointer(rebasing: source[position * inputSize..<(position + 1) * inputSize]),
                    into: UnsafeMutableBufferPointer(
                        rebasing: inputs.buffer[image * inputSize..<(image + 1) * inputSize]))
                symmetry.transformPolicy(
                    UnsafeBufferPointer(rebasing: legalMask[position * actionCount..<(position + 1) * actionCount]),
                    into: UnsafeMutableBufferPointer(
                        rebasing: masks.buffer[image * actionCount..<(image + 1) * actionCount]))
            }
        }
        inner.evaluate(
            inputs: UnsafeBufferPointer(rebasing: inputs.buffer[0..<images * inputSize]),
            legalMask: UnsafeBufferPointer(rebasing: masks.buffer[0..<images * actionCount]), count: images,
            priors: UnsafeMutableBufferPointer(rebasing: priors.buffer[0..<images * actionCount]),
            values: UnsafeMutableBufferPointer(rebasing: values.buffer[0..<images]))
        let share = 1 / Float(symmetries.count)
        for position in 0..<count {
            var value: Float = 0
            for action in 0..<actionCount { target[position * actionCount + action] = 0 }
            for (s, symmetry) in symmetries.enumerated() {
                let image = s * count + position
                value += values.buffer[image]
                for action in 0..<actionCount {
                    target[position * actionCount + action] +=
                        share * priors.buffer[image * actionCount + symmetry.actionMap[action]]
                }
            }
            targetValues[position] = value * share
        }
    }
}
