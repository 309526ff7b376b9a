import Foundation

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
/// 3×3 kernel goes through Winograd by default (`Winograd.swift`): F(4×4, 3×3) or F(2×2, 3×3)
/// forward, by board, and F(2×2, 3×3) backward.
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
        /// Winograd F(4×4, 3×3) forward and F(2×2, 3×3) backward (3×3 kernels with channels-last input only).
        case winograd4x4
    }

    /// The target number of im2col rows per sgemm.
    public static let rowsPerChunk = 1024

    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, height: Int, width: Int,
        inputLayout: Layout = .channelsLast, algorithm: Algorithm? = nil
    ) {
        precondition(kernelSize == 1 || kernelSize == 3, "kernel size must be 1 or 3")
        precondition(
            inputChannels > 0 && outputChannels > 0 && height > 0 && width > 0, "convolution sizes must be positive")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.height = height
        self.width = width
        self.inputLayout = inputLayout
        let winogradFits = kernelSize == 3 && inputLayout == .channelsLast
        self.algorithm = winogradFits ? algorithm : .patches
        precondition(
            algorithm == nil || algorithm == .patches || winogradFits,
            "Winograd needs a 3×3 kernel and channels-last input")
    }

    /// The Winograd kernels when they compute this convolution's `forward` or backward pass for
    /// `batch` samples: always if chosen, never if not, and by default from `Winograd.minimumTiles`
    /// 2×2 tiles on (below that, its weight transform costs more than it saves), with the forward
    /// pass's tile chosen by `Winograd.forwardTile`.
    private func winograd(batch: Int, forward: Bool) -> Winograd? {
        guard algorithm != .patches else { return nil }
        func kernels(tile: Int) -> Winograd {
            Winograd(
                inputChannels: inputChannels, outputChannels: outputChannels, height: height, width: width, tile: tile)
        }
        let small = kernels(tile: 2)
        guard algorithm != nil || batch * small.tiles >= Winograd.minimumTiles else { return nil }
        guard forward else { return small }
        switch algorithm {
        case .winograd: return small
        case .winograd4x4: return kernels(tile: 4)
        default: return kernels(tile: Winograd.forwardTile(height: height, width: width))
        }
    }

    /// The number of weights (`out × kernel × kernel × in`).
    public var weightCount: Int { outputChannels * taps * inputChannels }

    /// The floats of scratch that `forward` and `backward` need for `batch` samples: a chunk
    /// of patches of the input or of the output gradient, and two weight-sized matrices.
    public func scratchCount(batch: Int) -> Int {
        let patches = usesPatches ? patchCount(batch: batch) + 2 * weightCount : 0
        let forward = winograd(batch: batch, forward: true), backward = winograd(batch: batch, forward: false)
        return max(patches, forward?.scratchCount(batch: batch) ?? 0, backward?.scratchCount(batch: batch) ?? 0)
    }

    /// Floats of one chunk of patches (of the input, or of the output gradient).
    private func patchCount(batch: Int) -> Int {
        chunkSamples(batch: batch) * cells * taps * max(inputChannels, outputChannels)
    }

    private var cells: Int { height * width }
    private var taps: Int { kernelSize * kernelSize }
    private var usesPatches: Bool { kernelSize == 3 || inputLayout == .planar }

    private func chunkSamples(batch: Int) -> Int { max(1, min(batch, Convolution.rowsPerChunk / cells)) }

    /// Computes the output (`batch·cells × outputChannels`), passed through `epilogue` if
    /// given; `scratch` holds `scratchCount(batch:)` floats.
    public func forward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        batch: Int, scratch: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue? = nil
    ) {
        if let winograd = winograd(batch: batch, forward: true) {
            winograd.forward(
                input: input, weight: weight, output: output, batch: batch, scratch: scratch, epilogue: epilogue)
            return
        }
        defer { epilogue?.apply(to: output, rows: batch * cells, channels: outputChannels) }
        guard usesPatches else {
            GEMM.multiply(
                GEMMShape(transposeB: true, m: batch * cells, n: outputChannels, k: inputChannels),
                a: input, b: weight, c: output)
            return
        }
        let chunk = chunkSamples(batch: batch), patchSize = taps * inputChannels
        for first in stride(from: 0, to: batch, by: chunk) {
            let samples = first..<min(first + chunk, batch)
            im2col(input, channels: inputChannels, layout: inputLayout, samples: samples, into: scratch)
            GEMM.multiply(
                GEMMShape(transposeB: true, m: samples.count * cells, n: outputChannels, k: patchSize),
                a: scratch, b: weight, c: output + first * cells * outputChannels)
        }
    }

    /// Writes the weight gradient, and the input gradient when asked (channels-last input
    /// only; added to what `inputGradient` holds when `accumulate`).
    public func backward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        batch: Int, scratch: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool = false
    ) {
        precondition(inputGradient == nil || inputLayout == .channelsLast, "no input gradient for a planar input")
        if let winograd = winograd(batch: batch, forward: false) {
            winograd.backward(
                input: input, weight: weight, outputGradient: outputGradient, batch: batch, scratch: scratch,
                weightGradient: weightGradient, inputGradient: inputGradient, accumulate: accumulate)
            return
        }
        let chunk = chunkSamples(batch: batch)
        if !usesPatches {
            let rows = batch * cells
            GEMM.multiply(
                GEMMShape(transposeA: true, m: outputChannels, n: inputChannels, k: rows),
                a: outputGradient, b: input, c: weightGradient)
            if let inputGradient {
                GEMM.multiply(
                    GEMMShape(m: rows, n: inputChannels, k: outputChannels),
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
                GEMM.multiply(
                    GEMMShape(transposeA: true, m: taps * outputChannels, n: inputChannels, k: rows),
                    a: patches, b: input + first * cells * inputChannels, c: accumulated, beta: first == 0 ? 0 : 1)
                GEMM.multiply(
                    GEMMShape(m: rows, n: inputChannels, k: taps * outputChannels),
                    a: patches, b: flipped, c: inputGradient + first * cells * inputChannels, beta: accumulate ? 1 : 0)
            }
            reorder(accumulated, into: weightGradient, toTapMajor: false)
        } else {
            // dW[out×patch] (+)= dYᵀ · patches of X, chunk by chunk.
            for first in stride(from: 0, to: batch, by: chunk) {
                let samples = first..<min(first + chunk, batch)
                im2col(input, channels: inputChannels, layout: inputLayout, samples: samples, into: scratch)
                GEMM.multiply(
                    GEMMShape(transposeA: true, m: outputChannels, n: taps * inputChannels, k: samples.count * cells),
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
    private func im2col(
        _ input: UnsafePointer<Float>, channels: Int, layout: Layout, samples: Range<Int>,
        into patches: UnsafeMutablePointer<Float>
    ) {
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
                            (destination + low * channels).update(
                                from: source + (sy * width + sx) * channels,
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
