import Foundation

/// Batch normalization over the columns (channels) of a channels-last matrix, with the
/// learned `scale` (γ) and `shift` (β), optionally followed by a residual add and a ReLU:
/// `y = relu(γ·(z − μ)/√(σ² + ε) + β + residual)`.
///
/// Each call takes a `statistics` scratch of `statisticsCount` floats per layer: training
/// mode writes the batch mean, variance and inverse deviation there for `backward` and for
/// `updateRunningStatistics`.
public struct BatchNorm: Sendable, Hashable {
    public let channels: Int
    public let epsilon: Float
    /// The weight of the newest batch in the running averages (PyTorch's `momentum`).
    public let momentum: Float

    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        precondition(channels > 0, "batch norm needs channels")
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
    }

    /// Floats of per-layer scratch: mean, variance, 1/deviation, and three per-channel temporaries.
    public var statisticsCount: Int { 6 * channels }

    /// Normalizes with the statistics of these `rows` (training mode).
    public func forwardTraining(
        input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        rows: Int, statistics: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>? = nil, relu: Bool
    ) {
        let c = channels
        let mean = statistics, variance = statistics + c, inverseDeviation = statistics + 2 * c
        let factor = statistics + 3 * c, offset = statistics + 4 * c
        columnSums(input, rows: rows, columns: c, into: mean)
        let inverseRows = 1 / Float(rows)
        for j in 0..<c { mean[j] *= inverseRows }
        variance.update(repeating: 0, count: c)
        for row in 0..<rows {
            let z = input + row * c
            @inline(__always) func step<V: FloatLanes>(_: V.Type, _ j: Int) {
                let d = V(loading: z + j) - V(loading: mean + j)
                (V(loading: variance + j) + d * d).store(to: variance + j)
            }
            forEachLane(c, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
        for j in 0..<c {
            variance[j] *= inverseRows
            inverseDeviation[j] = 1 / (variance[j] + epsilon).squareRoot()
            factor[j] = scale[j] * inverseDeviation[j]
            offset[j] = shift[j] - mean[j] * factor[j]
        }
        applyAffine(
            input: input, factor: factor, offset: offset, rows: rows, output: output, residual: residual, relu: relu)
    }

    /// Normalizes with the running statistics (inference mode). `output` may be `input`.
    public func forwardInference(
        input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>, rows: Int,
        statistics: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>? = nil, relu: Bool
    ) {
        let epilogue = inferenceEpilogue(
            scale: scale, shift: shift, runningMean: runningMean,
            runningVariance: runningVariance, statistics: statistics, residual: residual,
            relu: relu)
        applyAffine(
            input: input, factor: epilogue.factor, offset: epilogue.offset, rows: rows, output: output,
            residual: residual, relu: relu)
    }

    /// Inference mode folded into the convolution before it: writes the per-channel factor
    /// and offset into `statistics` and returns them as the convolution's epilogue.
    public func inferenceEpilogue(
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
        statistics: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?,
        relu: Bool
    ) -> ConvolutionEpilogue {
        let c = channels
        let factor = statistics + 3 * c, offset = statistics + 4 * c
        for j in 0..<c {
            factor[j] = scale[j] / (runningVariance[j] + epsilon).squareRoot()
            offset[j] = shift[j] - runningMean[j] * factor[j]
        }
        return ConvolutionEpilogue(factor: factor, offset: offset, residual: residual, relu: relu)
    }

    private func applyAffine(
        input: UnsafePointer<Float>, factor: UnsafePointer<Float>, offset: UnsafePointer<Float>,
        rows: Int, output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, relu: Bool
    ) {
        let c = channels
        for row in 0..<rows {
            let z = input + row * c, y = output + row * c, r = residual.map { $0 + row * c }
            @inline(__always) func step<V: FloatLanes>(_: V.Type, _ j: Int) {
                var v = V(loading: z + j) * V(loading: factor + j) + V(loading: offset + j)
                if let r { v = v + V(loading: r + j) }
                (relu ? v.positivePart : v).store(to: y + j)
            }
            forEachLane(c, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
    }

    /// Back-propagates through a training-mode `forwardTraining` whose statistics are in
    /// `statistics`. When `output` is given, the forward pass had a ReLU and `output` is its
    /// result (the gradient is masked where it is 0); a residual add must be masked by the
    /// caller. Writes the input, scale and shift gradients.
    public func backward(
        input: UnsafePointer<Float>, scale: UnsafePointer<Float>, statistics: UnsafeMutablePointer<Float>,
        rows: Int, output: UnsafePointer<Float>?, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, scaleGradient: UnsafeMutablePointer<Float>,
        shiftGradient: UnsafeMutablePointer<Float>
    ) {
        let c = channels
        let mean = statistics, inverseDeviation = statistics + 2 * c
        let factor = statistics + 3 * c, meanGradient = statistics + 4 * c, slope = statistics + 5 * c
        // Σ g and Σ g·(z − μ) per channel, g being the (ReLU-masked) output gradient.
        shiftGradient.update(repeating: 0, count: c)
        scaleGradient.update(repeating: 0, count: c)
        for row in 0..<rows {
            let z = input + row * c, dy = outputGradient + row * c, y = output.map { $0 + row * c }
            @inline(__always) func step<V: FloatLanes>(_: V.Type, _ j: Int) {
                var g = V(loading: dy + j)
                if let y { g = g.masked(by: V(loading: y + j)) }
                (V(loading: shiftGradient + j) + g).store(to: shiftGradient + j)
                (V(loading: scaleGradient + j) + g * (V(loading: z + j) - V(loading: mean + j))).store(
                    to: scaleGradient + j)
            }
            forEachLane(c, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
        let inverseRows = 1 / Float(rows)
        for j in 0..<c {
            scaleGradient[j] *= inverseDeviation[j]
            factor[j] = scale[j] * inverseDeviation[j]
            meanGradient[j] = shiftGradient[j] * inverseRows
        }
        // dz = γ/σ · (g − mean(g) − x̂ · mean(g · x̂)), with x̂ = (z − μ)/σ and mean(g · x̂) = dγ/rows.
        for j in 0..<c { slope[j] = inverseDeviation[j] * scaleGradient[j] * inverseRows }
        for row in 0..<rows {
            let z = input + row * c, dy = outputGradient + row * c, dz = inputGradient + row * c,
                y = output.map { $0 + row * c }
            @inline(__always) func step<V: FloatLanes>(_: V.Type, _ j: Int) {
                var g = V(loading: dy + j)
                if let y { g = g.masked(by: V(loading: y + j)) }
                let centered = V(loading: z + j) - V(loading: mean + j)
                (V(loading: factor + j) * (g - V(loading: meanGradient + j) - centered * V(loading: slope + j))).store(
                    to: dz + j)
            }
            forEachLane(c, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
    }

    /// Folds the batch statistics of the last `forwardTraining` over `rows` rows into the
    /// running averages (the variance with Bessel's correction, as PyTorch does).
    public func updateRunningStatistics(
        statistics: UnsafePointer<Float>, rows: Int,
        runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>
    ) {
        let c = channels
        let unbiased: Float = rows > 1 ? Float(rows) / Float(rows - 1) : 1
        for j in 0..<c {
            runningMean[j] += momentum * (statistics[j] - runningMean[j])
            runningVariance[j] += momentum * (statistics[c + j] * unbiased - runningVariance[j])
        }
    }
}
