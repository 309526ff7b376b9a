import Foundation
import NeuralNet
import Testing

// Winograd F(2×2, 3×3) against the plain (im2col) convolution on the boards the games use,
// with channel counts that exercise both the 8-wide and the scalar lanes; and the folded
// batch-norm epilogue against convolution followed by inference-mode batch norm.

/// Relative bound on `max |winograd − plain| / max |plain|`.
private let tolerance: Float = 2e-5

/// The same for F(4×4, 3×3), whose transforms multiply by up to 8 and divide by up to 24.
private let largeTileTolerance: Float = 5e-5

/// Infinite when `a` holds a value that is not finite.
private func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.allSatisfy(\.isFinite) else { return .infinity }
    let scale = b.map(abs).max() ?? 0
    return zip(a, b).map { abs($0 - $1) }.max()! / max(scale, 1e-12)
}

@Suite("Winograd convolution")
struct WinogradTests {
    /// Output, weight gradient and input gradient (added to what `arrays[5]` holds when `accumulate`,
    /// else overwriting it) of one algorithm.
    private func run(
        _ algorithm: Convolution.Algorithm, height: Int, width: Int, channels: Int, outputs: Int,
        batch: Int, arrays base: [[Float]], accumulate: Bool = true
    ) -> [[Float]] {
        let layer = Convolution(
            inputChannels: channels, outputChannels: outputs, kernelSize: 3, height: height,
            width: width, algorithm: algorithm)
        var arrays = base + [[Float](repeating: 0, count: layer.scratchCount(batch: batch))]
        withPointers(&arrays) { p in
            layer.forward(input: p[0], weight: p[1], output: p[2], batch: batch, scratch: p[6])
            layer.backward(
                input: p[0], weight: p[1], outputGradient: p[3], batch: batch, scratch: p[6],
                weightGradient: p[4], inputGradient: p[5], accumulate: accumulate)
        }
        return [arrays[2], arrays[4], arrays[5]]
    }

    /// Input, weight, output (zeros), output gradient, weight gradient (zeros) and an input gradient
    /// to accumulate into, for `run`.
    private func randomArrays(
        _ generator: inout SplitMix64, cells: Int, channels: Int, outputs: Int
    ) -> [[Float]] {
        [
            generator.normal(cells * channels), generator.normal(outputs * 9 * channels),
            [Float](repeating: 0, count: cells * outputs), generator.normal(cells * outputs),
            [Float](repeating: 0, count: outputs * 9 * channels), generator.normal(cells * channels),
        ]
    }

    /// With `accumulate` false the input gradient starts as NaN, so a cell the Winograd adjoint added
    /// to instead of overwriting, or did not reach, shows.
    @Test(
        "matches the im2col convolution: output, weight and input gradients",
        arguments: [(6, 7), (8, 8), (9, 9), (5, 5)], [true, false])
    func matchesPlain(board: (Int, Int), accumulate: Bool) {
        let (height, width) = board, channels = 20, outputs = 12, batch = 70
        var generator = SplitMix64(seed: UInt64(height * 100 + width))
        var arrays = randomArrays(
            &generator, cells: batch * height * width, channels: channels, outputs: outputs)
        if !accumulate { arrays[5] = [Float](repeating: .nan, count: arrays[5].count) }
        let plain = run(
            .patches, height: height, width: width, channels: channels, outputs: outputs, batch: batch,
            arrays: arrays, accumulate: accumulate)
        let winograd = run(
            .winograd, height: height, width: width, channels: channels, outputs: outputs, batch: batch,
            arrays: arrays, accumulate: accumulate)
        let differences = zip(winograd, plain).map(relativeDifference)
        print(
            "winograd vs im2col \(height)x\(width), accumulate \(accumulate): relative max differences "
                + "output/weight/input \(differences)")
        #expect(differences.allSatisfy { $0 < tolerance })
    }

    /// F(4×4, 3×3)'s forward pass (its backward pass is F(2×2, 3×3)'s), on boards whose sides leave
    /// partial tiles and on one smaller than a tile.
    @Test("F(4×4) matches the im2col convolution", arguments: [(6, 7), (8, 8), (9, 9), (5, 5), (3, 3), (11, 11)])
    func largeTilesMatchPlain(board: (Int, Int)) {
        let (height, width) = board, channels = 20, outputs = 12, batch = 70
        var generator = SplitMix64(seed: UInt64(height * 100 + width + 7))
        let arrays = randomArrays(
            &generator, cells: batch * height * width, channels: channels, outputs: outputs)
        let plain = run(
            .patches, height: height, width: width, channels: channels, outputs: outputs, batch: batch,
            arrays: arrays)
        let winograd = run(
            .winograd4x4, height: height, width: width, channels: channels, outputs: outputs, batch: batch,
            arrays: arrays)
        let differences = zip(winograd, plain).map(relativeDifference)
        print("F(4×4) vs im2col \(height)x\(width): relative max differences output/weight/input \(differences)")
        #expect(differences.allSatisfy { $0 < largeTileTolerance })
    }

    /// Serialized: forcing the baseline is process-wide, so the cases must not overlap.
    @Test(
        "the AVX2 and baseline transforms give the same bits, forward and backward", .serialized,
        arguments: [Convolution.Algorithm.winograd, .winograd4x4])
    func instructionSetsAgree(algorithm: Convolution.Algorithm) {
        kernelCopiesLock.withLock { _ in
            let height = 6, width = 7, channels = 21, outputs = 13, batch = 5
            var generator = SplitMix64(seed: 91)
            let arrays = randomArrays(
                &generator, cells: batch * height * width, channels: channels, outputs: outputs)
            let native = run(
                algorithm, height: height, width: width, channels: channels, outputs: outputs, batch: batch,
                arrays: arrays)
            VectorKernelCopies.forceBaseline(true)
            let baseline = run(
                algorithm, height: height, width: width, channels: channels, outputs: outputs, batch: batch,
                arrays: arrays)
            VectorKernelCopies.forceBaseline(false)
            let differing = zip(native, baseline).map { zip($0, $1).filter { $0.bitPattern != $1.bitPattern }.count }
            print(
                "\(algorithm) transforms on this processor: \(VectorKernelCopies.instructionSet); values differing "
                    + "from baseline in output/weight/input gradients: \(differing)")
            #expect(differing == [0, 0, 0])
        }
    }

    @Test(
        "folded batch norm, residual add and ReLU match convolution then inference batch norm",
        arguments: [Convolution.Algorithm.winograd, .winograd4x4, .patches])
    func epilogue(algorithm: Convolution.Algorithm) {
        let height = 6, width = 7, channels = 10, outputs = 9, batch = 3, rows = batch * height * width
        var generator = SplitMix64(seed: 71)
        let layer = Convolution(
            inputChannels: channels, outputChannels: outputs, kernelSize: 3, height: height,
            width: width, algorithm: algorithm)
        let norm = BatchNorm(channels: outputs)
        var arrays = [
            generator.normal(rows * channels), generator.normal(outputs * 9 * channels),
            generator.uniform(outputs, 0.5, 1.5), generator.uniform(outputs, -0.5, 0.5),
            generator.uniform(outputs, -0.3, 0.3), generator.uniform(outputs, 0.5, 2),
            generator.normal(rows * outputs), [Float](repeating: 0, count: rows * outputs),
            [Float](repeating: 0, count: rows * outputs), [Float](repeating: 0, count: norm.statisticsCount),
            [Float](repeating: 0, count: layer.scratchCount(batch: batch)),
        ]
        withPointers(&arrays) { p in
            layer.forward(input: p[0], weight: p[1], output: p[7], batch: batch, scratch: p[10])
            norm.forwardInference(
                input: p[7], scale: p[2], shift: p[3], runningMean: p[4], runningVariance: p[5],
                rows: rows, statistics: p[9], output: p[7], residual: p[6], relu: true)
            let epilogue = norm.inferenceEpilogue(
                scale: p[2], shift: p[3], runningMean: p[4], runningVariance: p[5],
                statistics: p[9], residual: p[6], relu: true)
            layer.forward(input: p[0], weight: p[1], output: p[8], batch: batch, scratch: p[10], epilogue: epilogue)
        }
        let difference = relativeDifference(arrays[8], arrays[7])
        print("\(algorithm) epilogue: relative max difference \(difference)")
        #expect(difference < 1e-6)
        #expect(arrays[8].contains(0) && arrays[8].contains { $0 > 0 })
    }
}
