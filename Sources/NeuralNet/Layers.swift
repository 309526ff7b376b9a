import Foundation

// The layers are stateless kernels over caller-owned memory: a layer knows its shapes, and
// its forward and backward passes read and write flat row-major `Float` buffers handed in
// by the network (which allocates them once per batch capacity). Activations are stored
// "channels last": one row per board cell of each sample, one column per channel, so that
// a convolution over the whole batch is one tall matrix product.

/// A fully connected layer: `y[rows×outputs] = x[rows×inputs] · Wᵀ + b`, with `W` stored
/// `outputs×inputs` (PyTorch's layout).
public struct Dense: Sendable, Hashable {
    public let inputs: Int
    public let outputs: Int

    public init(inputs: Int, outputs: Int) {
        precondition(inputs > 0 && outputs > 0, "dense layer sizes must be positive")
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The number of weights (`outputs × inputs`).
    public var weightCount: Int { inputs * outputs }

    /// Computes `output = input · weightᵀ + bias` for `rows` rows.
    public func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        output: UnsafeMutablePointer<Float>, rows: Int) {
        if let bias {
            for row in 0..<rows { (output + row * outputs).update(from: bias, count: outputs) }
        }
        GEMM.multiply(GEMMShape(transposeB: true, m: rows, n: outputs, k: inputs),
                      a: input, b: weight, c: output, beta: bias == nil ? 0 : 1)
    }

    /// Writes the weight and bias gradients, and the input gradient when asked (added to
    /// what `inputGradient` holds when `accumulate`).
    public func backward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                         rows: Int, weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
                         inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool = false) {
        // dW[outputs×inputs] = dYᵀ · X
        GEMM.multiply(GEMMShape(transposeA: true, m: outputs, n: inputs, k: rows),
                      a: outputGradient, b: input, c: weightGradient)
        if let biasGradient {
            columnSums(outputGradient, rows: rows, columns: outputs, into: biasGradient)
        }
        if let inputGradient {
            // dX[rows×inputs] = dY · W
            GEMM.multiply(GEMMShape(m: rows, n: inputs, k: outputs),
                          a: outputGradient, b: weight, c: inputGradient, beta: accumulate ? 1 : 0)
        }
    }
}

/// A "same" convolution with a 1×1 or 3×3 kernel, stride 1, zero padding, no bias.
///
/// Output is channels-last (`batch·height·width` rows × `outputChannels`). The input is
/// channels-last too, or `planar` (each sample `inputChannels` planes of `height×width`, the
/// games' encoding) for the first layer. Weights are stored `[out, kernel, kernel, in]`.
///
/// A 3×3 kernel goes through im2col: a patch matrix with one row per cell holding its 3×3
/// neighbourhood, built for about `rowsPerChunk` rows at a time so that it stays in cache,
/// and one sgemm per chunk. Its backward pass is a transposed convolution: the patches of
/// the output gradient dY give both `dW` (`patchesᵀ · X`) and `dX` (`patches · W'`), where
/// `W'` is W with its output and input axes swapped and its taps reversed (a small
/// rearrangement per call), so no col2im scatter and no second im2col of X is needed. A
/// channels-last 1×1 kernel is plain sgemms on the activations themselves. A channels-last
/// 3×3 kernel goes through Winograd F(2×2, 3×3) by default (`Winograd.swift`).
public struct Convolution: Sendable, Hashable {
    /// How the input of a convolution is laid out.
    public enum Layout: Sendable, Hashable {
        /// One row per cell, one column per channel.
        case channelsLast
        /// Per sample, one plane of `height×width` per channel.
        case planar
    }

    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let height: Int
    public let width: Int
    public let inputLayout: Layout
    /// The algorithm for 3×3 kernels; nil chooses per call (`Winograd.minimumTiles`).
    public let algorithm: Algorithm?

    /// How a 3×3 kernel is computed.
    public enum Algorithm: Sendable, Hashable {
        /// im2col patches and one sgemm per chunk (any kernel and layout).
        case patches
        /// Winograd F(2×2, 3×3) (3×3 kernels with channels-last input only).
        case winograd
    }

    /// The target number of im2col rows per sgemm.
    public static let rowsPerChunk = 1024

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, height: Int, width: Int,
                inputLayout: Layout = .channelsLast, algorithm: Algorithm? = nil) {
        precondition(kernelSize == 1 || kernelSize == 3, "kernel size must be 1 or 3")
        precondition(inputChannels > 0 && outputChannels > 0 && height > 0 && width > 0, "convolution sizes must be positive")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.height = height
        self.width = width
        self.inputLayout = inputLayout
        let winogradFits = kernelSize == 3 && inputLayout == .channelsLast
        self.algorithm = winogradFits ? algorithm : .patches
        precondition(algorithm != .winograd || winogradFits, "Winograd needs a 3×3 kernel and channels-last input")
    }

    /// The Winograd kernels when they compute this convolution for `batch` samples: always
    /// if chosen, never if not, and by default from `Winograd.minimumTiles` tiles on (below
    /// that, its weight transform costs more than it saves).
    private func winograd(batch: Int) -> Winograd? {
        guard algorithm != .patches else { return nil }
        let kernels = Winograd(inputChannels: inputChannels, outputChannels: outputChannels, height: height, width: width)
        return algorithm == .winograd || batch * kernels.tiles >= Winograd.minimumTiles ? kernels : nil
    }

    /// The number of weights (`out × kernel × kernel × in`).
    public var weightCount: Int { outputChannels * taps * inputChannels }

    /// The floats of scratch that `forward` and `backward` need for `batch` samples: a chunk
    /// of patches of the input or of the output gradient, and two weight-sized matrices.
    public func scratchCount(batch: Int) -> Int {
        let patches = usesPatches ? patchCount(batch: batch) + 2 * weightCount : 0
        return max(patches, winograd(batch: batch)?.scratchCount(batch: batch) ?? 0)
    }

    /// Floats of one chunk of patches (of the input, or of the output gradient).
    private func patchCount(batch: Int) -> Int { chunkSamples(batch: batch) * cells * taps * max(inputChannels, outputChannels) }

    private var cells: Int { height * width }
    private var taps: Int { kernelSize * kernelSize }
    private var usesPatches: Bool { kernelSize == 3 || inputLayout == .planar }

    private func chunkSamples(batch: Int) -> Int { max(1, min(batch, Convolution.rowsPerChunk / cells)) }

    /// Computes the output (`batch·cells × outputChannels`), passed through `epilogue` if
    /// given; `scratch` holds `scratchCount(batch:)` floats.
    public func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                        batch: Int, scratch: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue? = nil) {
        if let winograd = winograd(batch: batch) {
            winograd.forward(input: input, weight: weight, output: output, batch: batch, scratch: scratch, epilogue: epilogue)
            return
        }
        defer { epilogue?.apply(to: output, rows: batch * cells, channels: outputChannels) }
        guard usesPatches else {
            GEMM.multiply(GEMMShape(transposeB: true, m: batch * cells, n: outputChannels, k: inputChannels),
                          a: input, b: weight, c: output)
            return
        }
        let chunk = chunkSamples(batch: batch), patchSize = taps * inputChannels
        for first in stride(from: 0, to: batch, by: chunk) {
            let samples = first..<min(first + chunk, batch)
            im2col(input, channels: inputChannels, layout: inputLayout, samples: samples, into: scratch)
            GEMM.multiply(GEMMShape(transposeB: true, m: samples.count * cells, n: outputChannels, k: patchSize),
                          a: scratch, b: weight, c: output + first * cells * outputChannels)
        }
    }

    /// Writes the weight gradient, and the input gradient when asked (channels-last input
    /// only; added to what `inputGradient` holds when `accumulate`).
    public func backward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                         batch: Int, scratch: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
                         inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool = false) {
        precondition(inputGradient == nil || inputLayout == .channelsLast, "no input gradient for a planar input")
        if let winograd = winograd(batch: batch) {
            winograd.backward(input: input, weight: weight, outputGradient: outputGradient, batch: batch, scratch: scratch,
                              weightGradient: weightGradient, inputGradient: inputGradient, accumulate: accumulate)
            return
        }
        let chunk = chunkSamples(batch: batch)
        if !usesPatches {
            let rows = batch * cells
            GEMM.multiply(GEMMShape(transposeA: true, m: outputChannels, n: inputChannels, k: rows),
                          a: outputGradient, b: input, c: weightGradient)
            if let inputGradient {
                GEMM.multiply(GEMMShape(m: rows, n: inputChannels, k: outputChannels),
                              a: outputGradient, b: weight, c: inputGradient, beta: accumulate ? 1 : 0)
            }
        } else if let inputGradient {
            // Patches of dY, taps t̃ = 0...8: P[q, (t̃, f)] = dY[q + δ(t̃), f] = dY[q − δ(8 − t̃), f].
            // dX = P · W' with W'[(t̃, f), c] = W[f, 8 − t̃, c]; G = Pᵀ · X gives dW[f, 8 − t̃, c] = G[(t̃, f), c].
            let patches = scratch, flipped = scratch + patchCount(batch: batch), accumulated = flipped + weightCount
            reorder(weight, into: flipped, toTapMajor: true)
            for first in stride(from: 0, to: batch, by: chunk) {
                let samples = first..<min(first + chunk, batch)
                let rows = samples.count * cells
                im2col(outputGradient, channels: outputChannels, layout: .channelsLast, samples: samples, into: patches)
                GEMM.multiply(GEMMShape(transposeA: true, m: taps * outputChannels, n: inputChannels, k: rows),
                              a: patches, b: input + first * cells * inputChannels, c: accumulated, beta: first == 0 ? 0 : 1)
                GEMM.multiply(GEMMShape(m: rows, n: inputChannels, k: taps * outputChannels),
                              a: patches, b: flipped, c: inputGradient + first * cells * inputChannels, beta: accumulate ? 1 : 0)
            }
            reorder(accumulated, into: weightGradient, toTapMajor: false)
        } else {
            // dW[out×patch] (+)= dYᵀ · patches of X, chunk by chunk.
            for first in stride(from: 0, to: batch, by: chunk) {
                let samples = first..<min(first + chunk, batch)
                im2col(input, channels: inputChannels, layout: inputLayout, samples: samples, into: scratch)
                GEMM.multiply(GEMMShape(transposeA: true, m: outputChannels, n: taps * inputChannels, k: samples.count * cells),
                              a: outputGradient + first * cells * outputChannels, b: scratch, c: weightGradient,
                              beta: first == 0 ? 0 : 1)
            }
        }
    }

    /// Between a weight-shaped `[out, tap, in]` tensor and its tap-major, tap-reversed form
    /// `[t̃, out, in]` with `t̃ = taps − 1 − tap`: to it when `toTapMajor`, else back.
    private func reorder(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, toTapMajor: Bool) {
        let c = inputChannels
        for f in 0..<outputChannels {
            for tap in 0..<taps {
                let outMajor = (f * taps + tap) * c, tapMajor = ((taps - 1 - tap) * outputChannels + f) * c
                if toTapMajor {
                    (target + tapMajor).update(from: source + outMajor, count: c)
                } else {
                    (target + outMajor).update(from: source + tapMajor, count: c)
                }
            }
        }
    }

    /// Writes one row per cell of `samples`: the `kernel×kernel×channels` neighbourhood
    /// (zeros outside the board), in `[ky, kx, channel]` order.
    private func im2col(_ input: UnsafePointer<Float>, channels: Int, layout: Layout, samples: Range<Int>,
                        into patches: UnsafeMutablePointer<Float>) {
        let pad = kernelSize / 2, span = kernelSize * channels
        var row = patches
        for sample in samples {
            let source = input + sample * cells * channels
            for y in 0..<height {
                for x in 0..<width {
                    for ky in 0..<kernelSize {
                        let sy = y + ky - pad
                        let destination = row + ky * span
                        guard sy >= 0 && sy < height else {
                            destination.update(repeating: 0, count: span)
                            continue
                        }
                        let low = max(0, pad - x), high = min(kernelSize, width + pad - x)
                        // Border cells only: skipping empty fills saves a libc call per tap row.
                        if low > 0 { destination.update(repeating: 0, count: low * channels) }
                        if high < kernelSize {
                            (destination + high * channels).update(repeating: 0, count: (kernelSize - high) * channels)
                        }
                        let sx = x + low - pad
                        switch layout {
                        case .channelsLast:
                            (destination + low * channels).update(from: source + (sy * width + sx) * channels,
                                                                  count: (high - low) * channels)
                        case .planar:
                            for kx in low..<high {
                                let cell = sy * width + sx + kx - low
                                for channel in 0..<channels {
                                    destination[kx * channels + channel] = source[channel * cells + cell]
                                }
                            }
                        }
                    }
                    row += taps * channels
                }
            }
        }
    }
}

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
    public func forwardTraining(input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                rows: Int, statistics: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                                residual: UnsafePointer<Float>? = nil, relu: Bool) {
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
        applyAffine(input: input, factor: factor, offset: offset, rows: rows, output: output, residual: residual, relu: relu)
    }

    /// Normalizes with the running statistics (inference mode). `output` may be `input`.
    public func forwardInference(input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                 runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>, rows: Int,
                                 statistics: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                                 residual: UnsafePointer<Float>? = nil, relu: Bool) {
        let epilogue = inferenceEpilogue(scale: scale, shift: shift, runningMean: runningMean,
                                         runningVariance: runningVariance, statistics: statistics, residual: residual,
                                         relu: relu)
        applyAffine(input: input, factor: epilogue.factor, offset: epilogue.offset, rows: rows, output: output,
                    residual: residual, relu: relu)
    }

    /// Inference mode folded into the convolution before it: writes the per-channel factor
    /// and offset into `statistics` and returns them as the convolution's epilogue.
    public func inferenceEpilogue(scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                  runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
                                  statistics: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?,
                                  relu: Bool) -> ConvolutionEpilogue {
        let c = channels
        let factor = statistics + 3 * c, offset = statistics + 4 * c
        for j in 0..<c {
            factor[j] = scale[j] / (runningVariance[j] + epsilon).squareRoot()
            offset[j] = shift[j] - runningMean[j] * factor[j]
        }
        return ConvolutionEpilogue(factor: factor, offset: offset, residual: residual, relu: relu)
    }

    private func applyAffine(input: UnsafePointer<Float>, factor: UnsafePointer<Float>, offset: UnsafePointer<Float>,
                             rows: Int, output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, relu: Bool) {
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
    public func backward(input: UnsafePointer<Float>, scale: UnsafePointer<Float>, statistics: UnsafeMutablePointer<Float>,
                         rows: Int, output: UnsafePointer<Float>?, outputGradient: UnsafePointer<Float>,
                         inputGradient: UnsafeMutablePointer<Float>, scaleGradient: UnsafeMutablePointer<Float>,
                         shiftGradient: UnsafeMutablePointer<Float>) {
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
                (V(loading: scaleGradient + j) + g * (V(loading: z + j) - V(loading: mean + j))).store(to: scaleGradient + j)
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
            let z = input + row * c, dy = outputGradient + row * c, dz = inputGradient + row * c, y = output.map { $0 + row * c }
            @inline(__always) func step<V: FloatLanes>(_: V.Type, _ j: Int) {
                var g = V(loading: dy + j)
                if let y { g = g.masked(by: V(loading: y + j)) }
                let centered = V(loading: z + j) - V(loading: mean + j)
                (V(loading: factor + j) * (g - V(loading: meanGradient + j) - centered * V(loading: slope + j))).store(to: dz + j)
            }
            forEachLane(c, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
    }

    /// Folds the batch statistics of the last `forwardTraining` over `rows` rows into the
    /// running averages (the variance with Bessel's correction, as PyTorch does).
    public func updateRunningStatistics(statistics: UnsafePointer<Float>, rows: Int,
                                        runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>) {
        let c = channels
        let unbiased: Float = rows > 1 ? Float(rows) / Float(rows - 1) : 1
        for j in 0..<c {
            runningMean[j] += momentum * (statistics[j] - runningMean[j])
            runningVariance[j] += momentum * (statistics[c + j] * unbiased - runningVariance[j])
        }
    }
}

/// Element-wise activations.
public enum Activation {
    /// `x = max(x, 0)` in place.
    public static func relu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func step<V: FloatLanes>(_: V.Type, _ i: Int) { V(loading: values + i).positivePart.store(to: values + i) }
        forEachLane(count, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
    }

    /// Zeroes `gradient` where the ReLU's `output` is 0.
    public static func reluBackward(output: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func step<V: FloatLanes>(_: V.Type, _ i: Int) {
            V(loading: gradient + i).masked(by: V(loading: output + i)).store(to: gradient + i)
        }
        forEachLane(count, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
    }
}

/// The two training losses and the masked softmax that turns logits into a policy.
public enum Loss {
    /// Softmax of each row over the entries whose `mask` is non-zero; masked entries get
    /// exactly 0, and a row with no legal entry is all 0.
    public static func maskedSoftmax(logits: UnsafePointer<Float>, mask: UnsafePointer<Float>, rows: Int, columns: Int,
                                     probabilities: UnsafeMutablePointer<Float>) {
        for row in 0..<rows {
            let offset = row * columns
            _ = softmaxRow(logits + offset, mask + offset, columns, probabilities + offset)
        }
    }

    /// The mean over rows of the cross-entropy `−Σ target·log p` over legal entries (target
    /// mass on masked entries is ignored). Writes the masked softmax into `probabilities` and,
    /// when given, the gradient of the mean loss with respect to the logits.
    public static func policyCrossEntropy(logits: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                          targets: UnsafePointer<Float>, rows: Int, columns: Int,
                                          probabilities: UnsafeMutablePointer<Float>,
                                          logitGradient: UnsafeMutablePointer<Float>?) -> Float {
        var total = 0.0
        let inverseRows = 1 / Float(rows)
        for row in 0..<rows {
            let offset = row * columns
            let z = logits + offset, legal = mask + offset, t = targets + offset, p = probabilities + offset
            let logNormalizer = softmaxRow(z, legal, columns, p)
            var targetMass: Float = 0
            for a in 0..<columns where legal[a] != 0 {
                targetMass += t[a]
                if t[a] != 0 { total -= Double(t[a]) * Double(z[a] - logNormalizer) }
            }
            if let logitGradient {
                let g = logitGradient + offset
                for a in 0..<columns { g[a] = legal[a] != 0 ? (p[a] * targetMass - t[a]) * inverseRows : 0 }
            }
        }
        return Float(total / Double(rows))
    }

    /// The mean squared error of `values` (tanh outputs) against `targets`, and, when given,
    /// its gradient with respect to the tanh's input.
    public static func valueSquaredError(values: UnsafePointer<Float>, targets: UnsafePointer<Float>, rows: Int,
                                         preActivationGradient: UnsafeMutablePointer<Float>?) -> Float {
        var total = 0.0
        for row in 0..<rows {
            let error = values[row] - targets[row]
            total += Double(error) * Double(error)
            preActivationGradient?[row] = 2 * error * (1 - values[row] * values[row]) / Float(rows)
        }
        return Float(total / Double(rows))
    }

    /// Writes one row's masked softmax and returns `max + log Σ exp(z − max)` over legal
    /// entries (the log-normalizer), or 0 for a row without legal entries.
    private static func softmaxRow(_ z: UnsafePointer<Float>, _ legal: UnsafePointer<Float>, _ columns: Int,
                                   _ p: UnsafeMutablePointer<Float>) -> Float {
        var largest = -Float.infinity
        for a in 0..<columns where legal[a] != 0 { largest = max(largest, z[a]) }
        guard largest > -Float.infinity else {
            p.update(repeating: 0, count: columns)
            return 0
        }
        var sum: Float = 0
        for a in 0..<columns {
            let e: Float = legal[a] != 0 ? exp(z[a] - largest) : 0
            p[a] = e
            sum += e
        }
        let inverse = 1 / sum
        for a in 0..<columns { p[a] *= inverse }
        return largest + log(sum)
    }
}
