import Foundation
import NeuralNet
import Testing

// Each layer's backward pass against central differences (step 1e-6) of the Double
// reference forward, for the objective L = Σ output ⊙ r with random r (so ∂L/∂output = r).
// The analytic gradients are the Float kernels'; thresholds are norm-wise relative errors.

/// Float backward vs Double finite differences: bound on ‖analytic − numeric‖ / ‖numeric‖.
private let gradientTolerance = 1e-3
/// Float forward vs Double reference: bound on the largest absolute difference.
private let forwardTolerance = 1e-4

@Suite("Layer gradients")
struct LayerGradientTests {
    @Test("dense: forward, weight, bias and input gradients")
    func dense() {
        let seed: UInt64 = 101
        var generator = SplitMix64(seed: seed)
        let rows = 7, inputs = 6, outputs = 5
        let layer = Dense(inputs: inputs, outputs: outputs)
        var arrays = [
            generator.normal(rows * inputs), generator.normal(outputs * inputs), generator.normal(outputs),
            [Float](repeating: 0, count: rows * outputs), generator.normal(rows * outputs),
            [Float](repeating: 0, count: outputs * inputs), [Float](repeating: 0, count: outputs),
            [Float](repeating: 0, count: rows * inputs),
        ]
        withPointers(&arrays) { p in
            layer.forward(input: p[0], weight: p[1], bias: p[2], output: p[3], rows: rows)
            layer.backward(
                input: p[0], weight: p[1], outputGradient: p[4], rows: rows, weightGradient: p[5],
                biasGradient: p[6], inputGradient: p[7])
        }
        let (x, w, b, y, r) = (
            doubles(arrays[0]), doubles(arrays[1]), doubles(arrays[2]), arrays[3], doubles(arrays[4])
        )
        func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            zip(Reference.dense(x, rows: rows, inputs: inputs, outputs: outputs, weight: w, bias: b), r).map(*).reduce(
                0, +)
        }
        let forward = maximumDifference(
            y, Reference.dense(x, rows: rows, inputs: inputs, outputs: outputs, weight: w, bias: b))
        let errors = [
            relativeError(arrays[5], numericGradient(w, indices: Array(w.indices)) { loss(x, $0, b) }),
            relativeError(arrays[6], numericGradient(b, indices: Array(b.indices)) { loss(x, w, $0) }),
            relativeError(arrays[7], numericGradient(x, indices: Array(x.indices)) { loss($0, w, b) }),
        ]
        print("dense (seed \(seed)): forward max diff \(forward), relative errors weight/bias/input \(errors)")
        #expect(forward < forwardTolerance)
        #expect(errors.allSatisfy { $0 < gradientTolerance })
    }

    /// A convolution's forward and gradients over `batch` samples; `batch` large enough
    /// makes the 3×3 path run several chunks.
    private func checkConvolution(
        kernel: Int, layout: Convolution.Layout, batch: Int, channels: Int, outputs: Int,
        height: Int, width: Int, seed: UInt64, algorithm: Convolution.Algorithm? = nil
    ) {
        var generator = SplitMix64(seed: seed)
        let layer = Convolution(
            inputChannels: channels, outputChannels: outputs, kernelSize: kernel, height: height,
            width: width, inputLayout: layout, algorithm: algorithm)
        let cells = height * width
        let withInputGradient = layout == .channelsLast
        var arrays = [
            generator.normal(batch * cells * channels), generator.normal(layer.weightCount),
            [Float](repeating: 0, count: batch * cells * outputs), generator.normal(batch * cells * outputs),
            [Float](repeating: 0, count: layer.weightCount), [Float](repeating: 0.5, count: batch * cells * channels),
            [Float](repeating: 0, count: max(1, layer.scratchCount(batch: batch))),
        ]
        withPointers(&arrays) { p in
            layer.forward(input: p[0], weight: p[1], output: p[2], batch: batch, scratch: p[6])
            // The input gradient is accumulated onto 0.5 to check the `accumulate` path too.
            layer.backward(
                input: p[0], weight: p[1], outputGradient: p[3], batch: batch, scratch: p[6], weightGradient: p[4],
                inputGradient: withInputGradient ? p[5] : nil, accumulate: true)
        }
        let x = doubles(arrays[0]), w = doubles(arrays[1]), r = doubles(arrays[3])
        func output(_ x: [Double], _ w: [Double]) -> [Double] {
            Reference.convolution(
                x, batch: batch, channels: channels, height: height, width: width,
                planar: layout == .planar, weight: w, outputs: outputs, kernel: kernel)
        }
        func loss(_ x: [Double], _ w: [Double]) -> Double { zip(output(x, w), r).map(*).reduce(0, +) }
        let forward = maximumDifference(arrays[2], output(x, w))
        let weightError = relativeError(arrays[4], numericGradient(w, indices: Array(w.indices)) { loss(x, $0) })
        let algorithmName = layer.algorithm.map { "\($0)" } ?? "automatic"
        var message =
            "conv\(kernel)x\(kernel) \(layout) \(algorithmName) batch \(batch) (seed \(seed)): "
            + "forward max diff \(forward), "
            + "weight gradient relative error \(weightError)"
        #expect(forward < forwardTolerance)
        #expect(weightError < gradientTolerance)
        if withInputGradient {
            // The objective is linear in x, so differences are exact; check 80 sampled inputs.
            let sample = (0..<80).map { _ in Int(generator.next() % UInt64(x.count)) }
            let numeric = numericGradient(x, indices: sample) { loss($0, w) }
            let inputError = relativeError(sample.map { arrays[5][$0] - 0.5 }, numeric)
            message += ", input gradient relative error \(inputError)"
            #expect(inputError < gradientTolerance)
        }
        print(message)
    }

    @Test("3x3 convolution, channels-last input, im2col patches (several chunks)")
    func convolution3x3() {
        checkConvolution(
            kernel: 3, layout: .channelsLast, batch: 2, channels: 3, outputs: 4, height: 4, width: 5, seed: 202,
            algorithm: .patches)
        checkConvolution(
            kernel: 3, layout: .channelsLast, batch: 300, channels: 2, outputs: 3, height: 3, width: 3, seed: 203,
            algorithm: .patches)
    }

    @Test("3x3 convolution, channels-last input, Winograd F(2×2) and F(4×4) (even and odd sides, several chunks)")
    func convolutionWinograd() {
        checkConvolution(
            kernel: 3, layout: .channelsLast, batch: 2, channels: 3, outputs: 4, height: 4, width: 5, seed: 206,
            algorithm: .winograd)
        checkConvolution(
            kernel: 3, layout: .channelsLast, batch: 2, channels: 9, outputs: 10, height: 3, width: 3, seed: 207,
            algorithm: .winograd)
        checkConvolution(
            kernel: 3, layout: .channelsLast, batch: 130, channels: 2, outputs: 3, height: 3, width: 3, seed: 208,
            algorithm: .winograd)
        // F(4×4, 3×3) forward against F(2×2, 3×3) backward: partial tiles on both sides, several chunks.
        checkConvolution(
            kernel: 3, layout: .channelsLast, batch: 2, channels: 9, outputs: 10, height: 6, width: 7, seed: 209,
            algorithm: .winograd4x4)
        checkConvolution(
            kernel: 3, layout: .channelsLast, batch: 60, channels: 2, outputs: 3, height: 5, width: 5, seed: 210,
            algorithm: .winograd4x4)
    }

    @Test("3x3 convolution, planar input (the stem)")
    func convolutionPlanar() {
        checkConvolution(kernel: 3, layout: .planar, batch: 3, channels: 2, outputs: 4, height: 6, width: 7, seed: 204)
    }

    @Test("1x1 convolution")
    func convolution1x1() {
        checkConvolution(
            kernel: 1, layout: .channelsLast, batch: 3, channels: 5, outputs: 2, height: 3, width: 4, seed: 205)
    }

    /// Batch norm in training mode, with and without ReLU and residual add.
    private func checkBatchNorm(relu: Bool, residual: Bool, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let rows = 24, channels = 5
        let norm = BatchNorm(channels: channels)
        var z = generator.normal(rows * channels)
        for i in z.indices { z[i] = z[i] * 2 + 0.7 }  // nonzero mean and non-unit variance
        let scale = generator.uniform(channels, 0.5, 1.5), shift = generator.uniform(channels, -0.5, 0.5)
        let outputGradient = generator.normal(rows * channels)
        var arrays = [
            z, scale, shift, [Float](repeating: 0, count: rows * channels), outputGradient,
            [Float](repeating: 0, count: rows * channels), [Float](repeating: 0, count: channels),
            [Float](repeating: 0, count: channels), [Float](repeating: 0, count: norm.statisticsCount),
            generator.normal(rows * channels),
        ]
        withPointers(&arrays) { p in
            norm.forwardTraining(
                input: p[0], scale: p[1], shift: p[2], rows: rows, statistics: p[8], output: p[3],
                residual: residual ? p[9] : nil, relu: relu)
            // With a residual add the caller masks the ReLU gradient; without, the kernel does.
            if residual && relu { Activation.reluBackward(output: p[3], gradient: p[4], count: rows * channels) }
            norm.backward(
                input: p[0], scale: p[1], statistics: p[8], rows: rows, output: relu && !residual ? p[3] : nil,
                outputGradient: p[4], inputGradient: p[5], scaleGradient: p[6], shiftGradient: p[7])
        }
        let x = doubles(z), gamma = doubles(scale), beta = doubles(shift), skip = doubles(arrays[9]),
            r = doubles(outputGradient)
        func output(_ x: [Double], _ gamma: [Double], _ beta: [Double]) -> [Double] {
            Reference.batchNorm(
                x, rows: rows, channels: channels, scale: gamma, shift: beta, residual: residual ? skip : nil,
                relu: relu)
        }
        func loss(_ x: [Double], _ gamma: [Double], _ beta: [Double]) -> Double {
            zip(output(x, gamma, beta), r).map(*).reduce(0, +)
        }
        let forward = maximumDifference(arrays[3], output(x, gamma, beta))
        let errors = [
            relativeError(arrays[5], numericGradient(x, indices: Array(x.indices)) { loss($0, gamma, beta) }),
            relativeError(arrays[6], numericGradient(gamma, indices: Array(gamma.indices)) { loss(x, $0, beta) }),
            relativeError(arrays[7], numericGradient(beta, indices: Array(beta.indices)) { loss(x, gamma, $0) }),
        ]
        print(
            "batch norm relu=\(relu) residual=\(residual) (seed \(seed)): forward max diff \(forward), "
                + "relative errors input/scale/shift \(errors)")
        #expect(forward < forwardTolerance)
        #expect(errors.allSatisfy { $0 < gradientTolerance })
    }

    @Test("batch norm (training mode), plain, with ReLU, with residual add and ReLU")
    func batchNorm() {
        checkBatchNorm(relu: false, residual: false, seed: 301)
        checkBatchNorm(relu: true, residual: false, seed: 302)
        checkBatchNorm(relu: true, residual: true, seed: 303)
    }

    @Test("batch norm running statistics and inference mode")
    func batchNormInference() {
        var generator = SplitMix64(seed: 304)
        let rows = 10, channels = 3
        let norm = BatchNorm(channels: channels, momentum: 0.25)
        let z = generator.normal(rows * channels)
        var arrays = [
            z, [1, 2, 0.5], [0.1, -0.2, 0.3], [Float](repeating: 0, count: rows * channels),
            [Float](repeating: 0, count: norm.statisticsCount), [0.5, 0, -0.5], [1, 2, 3],
            [Float](repeating: 0, count: rows * channels),
        ]
        withPointers(&arrays) { p in
            norm.forwardTraining(
                input: p[0], scale: p[1], shift: p[2], rows: rows, statistics: p[4], output: p[3], relu: false)
            norm.updateRunningStatistics(statistics: p[4], rows: rows, runningMean: p[5], runningVariance: p[6])
            norm.forwardInference(
                input: p[0], scale: p[1], shift: p[2], runningMean: p[5], runningVariance: p[6], rows: rows,
                statistics: p[4], output: p[7], relu: true)
        }
        for c in 0..<channels {
            let column = (0..<rows).map { Double(z[$0 * channels + c]) }
            let mean = column.reduce(0, +) / Double(rows)
            let unbiased = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows - 1)
            let expectedMean = [0.5, 0, -0.5][c] * 0.75 + 0.25 * mean
            let expectedVariance = [1.0, 2, 3][c] * 0.75 + 0.25 * unbiased
            #expect(abs(Double(arrays[5][c]) - expectedMean) < 1e-5)
            #expect(abs(Double(arrays[6][c]) - expectedVariance) < 1e-5)
            for r in 0..<rows {
                let scale = Double(arrays[1][c]), shift = Double(arrays[2][c])
                let expected = max(
                    0,
                    scale * (Double(z[r * channels + c]) - expectedMean) / (expectedVariance + 1e-5).squareRoot()
                        + shift)
                #expect(abs(Double(arrays[7][r * channels + c]) - expected) < 1e-5)
            }
        }
    }

    @Test("ReLU forward and backward")
    func relu() {
        var generator = SplitMix64(seed: 401)
        var arrays = [generator.normal(50), generator.normal(50)]
        let before = arrays
        withPointers(&arrays) { p in
            Activation.relu(p[0], count: 50)
            Activation.reluBackward(output: p[0], gradient: p[1], count: 50)
        }
        for i in 0..<50 {
            #expect(arrays[0][i] == max(before[0][i], 0))
            #expect(arrays[1][i] == (before[0][i] > 0 ? before[1][i] : 0))
        }
    }

    @Test("policy cross-entropy and value squared error: values and gradients")
    func losses() {
        let seed: UInt64 = 501
        var generator = SplitMix64(seed: seed)
        let rows = 6, columns = 7
        let mask = generator.legalMask(rows: rows, columns: columns)
        let targets = generator.distributions(mask: mask, columns: columns)
        let valueTargets = generator.uniform(rows, -1, 1)
        var arrays = [
            generator.normal(rows * columns), mask, targets, [Float](repeating: 0, count: rows * columns),
            [Float](repeating: 0, count: rows * columns), generator.normal(rows), valueTargets,
            [Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows),
        ]
        var values: (policy: Float, value: Float) = (0, 0)
        withPointers(&arrays) { p in
            for i in 0..<rows { p[8][i] = tanh(p[5][i]) }
            values.policy = Loss.policyCrossEntropy(
                logits: p[0], mask: p[1], targets: p[2], rows: rows, columns: columns,
                probabilities: p[3], logitGradient: p[4])
            values.value = Loss.valueSquaredError(values: p[8], targets: p[6], rows: rows, preActivationGradient: p[7])
        }
        let logits = doubles(arrays[0]), pre = doubles(arrays[5])
        let policyReference = Reference.policyCrossEntropy(logits, mask: mask, targets: targets, columns: columns)
        let valueReference = Reference.valueSquaredError(pre, targets: valueTargets)
        let policyError = relativeError(
            arrays[4],
            numericGradient(logits, indices: Array(logits.indices)) {
                Reference.policyCrossEntropy($0, mask: mask, targets: targets, columns: columns)
            })
        let valueError = relativeError(
            arrays[7],
            numericGradient(pre, indices: Array(pre.indices)) {
                Reference.valueSquaredError($0, targets: valueTargets)
            })
        print(
            "losses (seed \(seed)): policy \(values.policy) vs \(policyReference), "
                + "value \(values.value) vs \(valueReference); "
                + "gradient relative errors policy \(policyError), value \(valueError)")
        #expect(abs(Double(values.policy) - policyReference) < 1e-5)
        #expect(abs(Double(values.value) - valueReference) < 1e-5)
        #expect(policyError < gradientTolerance)
        #expect(valueError < gradientTolerance)
        for i in mask.indices where mask[i] == 0 {
            #expect(arrays[3][i] == 0)
            #expect(arrays[4][i] == 0)
        }
    }
}
