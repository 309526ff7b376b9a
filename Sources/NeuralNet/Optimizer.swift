import Foundation
import VectorKernels

/// SGD with momentum or Adam, with a learning-rate schedule, L2 weight decay on dense and
/// convolution weights (added to the gradient, as PyTorch's `weight_decay`), and optional
/// clipping of the gradient's global norm.
///
/// `Codable` covers the hyper-parameters and `step` (what a configuration file needs); the
/// moment tensors travel in checkpoints (`PolicyValueNetwork.save(to:metadata:optimizer:)`).
/// The moments are sized to one network's parameters at the first step.
public struct Optimizer: Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case sgd
        case adam
    }

    /// How the learning rate changes with the step count (after the warm-up).
    public enum Schedule: Codable, Sendable, Hashable {
        case constant
        /// Multiplied by `factor` every `every` steps.
        case step(every: Int, factor: Float)
        /// Cosine decay from the base rate to `finalFactor` × base rate at `totalSteps`, then flat.
        case cosine(totalSteps: Int, finalFactor: Float)
    }

    public var kind: Kind
    /// The base learning rate.
    public var learningRate: Float
    /// SGD's momentum, or Adam's β₁.
    public var momentum: Float
    /// Adam's β₂.
    public var beta2: Float
    /// Adam's ε.
    public var epsilon: Float
    /// L2 coefficient λ: the loss gains `λ/2 · Σ w²` and the gradient `λ · w`.
    public var weightDecay: Float
    /// If set, gradients are scaled down so that their global L2 norm is at most this.
    public var clipNorm: Float?
    public var schedule: Schedule
    /// Steps of linear warm-up from `learningRate / warmupSteps` to `learningRate`.
    public var warmupSteps: Int
    /// The number of steps taken.
    public var step: Int
    /// A factor on the scheduled rate that the caller sets from outside the step count (the training loop
    /// sets it from the share of the run's budget spent); not encoded, so it is set anew after loading.
    public var rateScale: Float = 1
    /// SGD's velocity or Adam's first moment: one float per parameter float of the network
    /// (its flat, 64-byte-padded layout); empty before the first step.
    public internal(set) var firstMoment: ContiguousArray<Float> = []
    /// Adam's second moment, laid out as `firstMoment`; empty for SGD.
    public internal(set) var secondMoment: ContiguousArray<Float> = []
    /// The global L2 norm of the last step's loss gradient, before clipping and weight decay.
    public internal(set) var lastGradientNorm: Float = 0

    private enum CodingKeys: String, CodingKey {
        case kind, learningRate, momentum, beta2, epsilon, weightDecay, clipNorm, schedule, warmupSteps, step
    }

    public init(
        kind: Kind = .sgd, learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 1e-4,
        clipNorm: Float? = nil, schedule: Schedule = .constant, warmupSteps: Int = 0,
        beta2: Float = 0.999, epsilon: Float = 1e-8
    ) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.clipNorm = clipNorm
        self.schedule = schedule
        self.warmupSteps = warmupSteps
        self.beta2 = beta2
        self.epsilon = epsilon
        step = 0
    }

    /// The learning rate used for step number `step` (0-based).
    public func learningRate(atStep step: Int) -> Float {
        let warmup: Float = step < warmupSteps ? Float(step + 1) / Float(warmupSteps) : 1
        let factor: Float
        switch schedule {
        case .constant:
            factor = 1
        case .step(let every, let decay):
            factor = pow(decay, Float(step / max(1, every)))
        case .cosine(let totalSteps, let finalFactor):
            let progress = Float(min(step, totalSteps)) / Float(max(1, totalSteps))
            factor = Float(Self.cosineFactor(progress: Double(progress), finalFactor: Double(finalFactor)))
        }
        return learningRate * warmup * factor * rateScale
    }

    /// A cosine from 1 at `progress` 0 down to `finalFactor` at `progress` 1 (clamped to 0...1).
    public static func cosineFactor(progress: Double, finalFactor: Double) -> Double {
        let progress = min(1, max(0, progress))
        return finalFactor + (1 - finalFactor) * 0.5 * (1 + cos(Double.pi * progress))
    }

    /// Applies one step to `parameters` from `gradients` (same layout) and returns the L2 penalty
    /// `weightDecay/2 · Σ w²` of the weights before it. First checks that the gradients and the
    /// penalty are finite (one pass over both), then computes the whole update without writing
    /// it and checks that the new weights and moments are finite; only then writes. Throws
    /// `NetworkError.nonFinite` naming the tensor otherwise, with nothing changed.
    mutating func update(
        parameters: TensorStore, gradients: UnsafeMutablePointer<Float>
    ) throws(NetworkError) -> Float {
        let total = parameters.storage.count
        var sumOfSquares = 0.0, sumOfWeightSquares = 0.0
        for index in parameters.specs.indices {
            let offset = parameters.offsets[index], count = parameters.specs[index].count
            let tensorSum = NeuralNet.sumOfSquares(gradients + offset, count: count)
            guard tensorSum.isFinite else { throw .nonFinite("gradient of \(parameters.specs[index].name)") }
            sumOfSquares += Double(tensorSum)
            if weightDecay != 0 && parameters.specs[index].role.decays {
                sumOfWeightSquares += Double(NeuralNet.sumOfSquares(parameters.storage.pointer + offset, count: count))
            }
        }
        let penalty = Float(0.5 * Double(weightDecay) * sumOfWeightSquares)
        guard penalty.isFinite else { throw .nonFinite("L2 penalty") }
        let norm = Float(sumOfSquares.squareRoot())
        let fresh = firstMoment.isEmpty
        if fresh {
            firstMoment = ContiguousArray(repeating: 0, count: total)
            secondMoment = kind == .adam ? ContiguousArray(repeating: 0, count: total) : []
        }
        precondition(
            firstMoment.count == total && secondMoment.count == (kind == .adam ? total : 0),
            "the optimizer's state is for another network (\(firstMoment.count) floats, this one has \(total))")
        let rule = UpdateRule(optimizer: self, gradientScale: clipNorm.map { norm > $0 ? $0 / norm : 1 } ?? 1)
        let bad: String? = firstMoment.withUnsafeMutableBufferPointer { first in
            secondMoment.withUnsafeMutableBufferPointer { second in
                if let bad = rule.apply(parameters, gradients, first.baseAddress!, second.baseAddress, commit: false) {
                    return bad
                }
                _ = rule.apply(parameters, gradients, first.baseAddress!, second.baseAddress, commit: true)
                return nil
            }
        }
        if let bad {
            if fresh {
                firstMoment = []
                secondMoment = []
            }
            throw .nonFinite(bad)
        }
        lastGradientNorm = norm
        step += 1
        return penalty
    }
}

/// The arithmetic of one optimizer step, the same in the checking and the writing pass.
private struct UpdateRule {
    let kind: Optimizer.Kind
    let rate, momentum, beta2, epsilon, weightDecay, gradientScale: Float
    /// Adam's bias corrections 1/(1 − β₁ᵗ) and 1/(1 − β₂ᵗ).
    let firstCorrection, secondCorrection: Float

    init(optimizer: Optimizer, gradientScale: Float) {
        kind = optimizer.kind
        rate = optimizer.learningRate(atStep: optimizer.step)
        momentum = optimizer.momentum
        beta2 = optimizer.beta2
        epsilon = optimizer.epsilon
        weightDecay = optimizer.weightDecay
        self.gradientScale = gradientScale
        let t = Double(optimizer.step + 1)
        firstCorrection = Float(1 / (1 - pow(Double(optimizer.momentum), t)))
        secondCorrection = Float(1 / (1 - pow(Double(optimizer.beta2), t)))
    }

    /// With `commit` false, returns the name of the first tensor whose update would not be
    /// finite; with `commit` true, writes the update.
    func apply(
        _ parameters: TensorStore, _ gradients: UnsafeMutablePointer<Float>, _ first: UnsafeMutablePointer<Float>,
        _ second: UnsafeMutablePointer<Float>?, commit: Bool
    ) -> String? {
        for index in parameters.specs.indices {
            let offset = parameters.offsets[index], count = parameters.specs[index].count
            let w = parameters.storage.pointer + offset, g = gradients + offset, m = first + offset
            let v = second.map { $0 + offset } ?? m  // SGD reads and writes no second moment
            let decay = parameters.specs[index].role.decays ? weightDecay : 0
            // Plain loops that the compiler vectorizes: the check ORs together a flag per value
            // rather than stopping at the first non-finite one.
            var flags: UInt32 = 0
            switch (kind, commit) {
            case (.sgd, false):
                for i in 0..<count {
                    let (moment, weight) = sgd(w[i], g[i], m[i], decay)
                    flags |= Self.nonFiniteFlag(moment) | Self.nonFiniteFlag(weight)
                }
            case (.sgd, true):
                for i in 0..<count { (m[i], w[i]) = sgd(w[i], g[i], m[i], decay) }
            case (.adam, false):
                var nonFinite: Int32 = 0
                selfplay_adam_check(w, g, m, v, count, adamStep(decay), &nonFinite)
                if nonFinite != 0 { flags = 1 }
            case (.adam, true):
                selfplay_adam_commit(w, g, m, v, count, adamStep(decay))
            }
            if flags != 0 { return "\(parameters.specs[index].name) after the update" }
        }
        return nil
    }

    /// The sign bit for an infinity or NaN (exponent bits all set), else 0: adding one to the
    /// exponent field carries out of it only when the field is full. Branch-free, so it vectorizes.
    @inline(__always)
    private static func nonFiniteFlag(_ x: Float) -> UInt32 {
        ((x.bitPattern & 0x7f80_0000) &+ 0x0080_0000) & 0x8000_0000
    }

    /// SGD with momentum on one value: the new velocity and weight.
    @inline(__always)
    private func sgd(_ w: Float, _ g: Float, _ m: Float, _ decay: Float) -> (Float, Float) {
        let gradient = g * gradientScale + decay * w
        let velocity = momentum * m + gradient
        return (velocity, w - rate * velocity)
    }

    /// Adam's constants for a tensor with weight decay `decay`, for the C kernels (Sources/VectorKernels,
    /// AdamUpdate.h), which run eight values at a time where the processor has AVX2.
    private func adamStep(_ decay: Float) -> selfplay_adam_step {
        selfplay_adam_step(
            rate: rate, momentum: momentum, oneMinusMomentum: 1 - momentum, beta2: beta2, oneMinusBeta2: 1 - beta2,
            epsilon: epsilon, decay: decay, gradientScale: gradientScale, firstCorrection: firstCorrection,
            secondCorrection: secondCorrection)
    }
}
