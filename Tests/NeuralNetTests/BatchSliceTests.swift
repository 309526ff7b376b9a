import Testing

@testable import NeuralNet

/// A batch in slices (`BatchSlices.swift`) computes what one pass computes.
@Suite("Batch slices")
struct BatchSliceTests {
    static let mlp = NetworkArchitecture(
        body: .mlp(hidden: [64, 32]), inputPlanes: 2, boardHeight: 6, boardWidth: 7, actionCount: 7, valueHidden: 16)

    /// Slices of 10 rows, computed at once on two threads where OpenBLAS has two, equal one pass up to
    /// rounding (OpenBLAS may pick another kernel for a smaller product: the last bit can differ).
    @Test(arguments: [BatchSliceTests.mlp, TestArchitectures.connectFourSmall])
    func halvedPredictionsEqualOnePass(architecture: NetworkArchitecture) throws {
        var generator = SplitMix64(seed: 811)
        let network = PolicyValueNetwork(architecture: architecture, seed: 811)
        var optimizer = Optimizer(learningRate: 0.05)
        for _ in 0..<3 { _ = try Batch(architecture, count: 16, &generator).train(network, &optimizer) }
        let batch = Batch(architecture, count: 67, &generator)
        network.splitsBatches = false
        let whole = batch.predict(network)
        var policy = [Float](repeating: .nan, count: batch.mask.count)
        var values = [Float](repeating: .nan, count: batch.count)
        batch.inputs.withUnsafeBufferPointer { inputs in
            batch.mask.withUnsafeBufferPointer { mask in
                policy.withUnsafeMutableBufferPointer { policy in
                    values.withUnsafeMutableBufferPointer { values in
                        let work = PredictionSlices(
                            inputs: inputs.baseAddress!, legalMask: mask.baseAddress!, policy: policy.baseAddress!,
                            values: values.baseAddress!)
                        network.inSlices(batch.count, of: 10, work)
                    }
                }
            }
        }
        #expect(values.allSatisfy(\.isFinite) && policy.allSatisfy(\.isFinite), "every slice was written")
        #expect(maximumDifference(values, doubles(whole.values)) < 1e-5)
        #expect(maximumDifference(policy, doubles(whole.policy)) < 1e-5)
        // Through `predict`, which slices a batch this large (in halves when OpenBLAS has two threads).
        network.splitsBatches = true
        let large = Batch(
            architecture, count: max(network.cachedPredictionRows + 1, network.smallestHalvedPrediction), &generator)
        let halved = large.predict(network)
        network.splitsBatches = false
        let single = large.predict(network)
        #expect(maximumDifference(halved.policy, doubles(single.policy)) < 1e-5)
        #expect(maximumDifference(halved.values, doubles(single.values)) < 1e-5)
    }

    /// The MLP's training step in halves: the gradients and losses of one pass (up to rounding: the
    /// sums over rows are ordered differently), the second half on a network with gradients of its own.
    @Test func halvedGradientsMatchOnePass() throws {
        var generator = SplitMix64(seed: 823)
        let network = PolicyValueNetwork(architecture: Self.mlp, seed: 823)
        let batch = Batch(Self.mlp, count: 75, &generator)
        network.splitsBatches = false
        let whole = batch.computeGradients(network)
        let expected = network.tensors.filter(\.isTrainable).map { network.gradient(of: $0.name)! }
        network.splitsBatches = true
        let halved = batch.computeGradients(network)
        #expect(abs(halved.policy - whole.policy) < 1e-5 && abs(halved.value - whole.value) < 1e-5)
        #expect(halved.policy != 0 && halved.value != 0)
        for (tensor, gradient) in zip(network.tensors.filter(\.isTrainable), expected) {
            let error = relativeError(network.gradient(of: tensor.name)!, doubles(gradient), floor: 1e-6)
            #expect(error < 1e-5, "\(tensor.name): relative error \(error)")
        }
        let other = network.otherHalf.gradient(of: "body.0.weight")!
        #expect(other != network.gradient(of: "body.0.weight")!, "the second half's gradients are its own")
    }

    /// The work a slice is sized by: dense weights once, convolution weights once per cell.
    @Test func multiplyAddsCountConvolutionsPerCell() {
        // 12 inputs → 10 → 7, heads 7 → 4 and 7 → 5 → 1.
        #expect(TestArchitectures.tinyMLP.multiplyAddsPerPosition == 12 * 10 + 10 * 7 + 7 * 4 + 7 * 5 + 5)
        // 3×4 board: stem 2 → 4, four 4 → 4 convolutions (3×3), 1×1 heads 4 → 2 and 4 → 1; dense heads.
        let convolutions = 9 * 2 * 4 + 4 * 9 * 4 * 4 + 4 * 2 + 4 * 1
        #expect(TestArchitectures.tinyResidual.multiplyAddsPerPosition == convolutions * 12 + 24 * 5 + 12 * 6 + 6)
    }
}
