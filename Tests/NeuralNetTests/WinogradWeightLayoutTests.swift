import Testing

@testable import NeuralNet

// The Winograd forward pass with its transformed weights stored either way (in × out or out × in): the
// layout this machine's OpenBLAS kernels favour is the one every other test runs, so both are run here.

@Suite("Winograd forward weight layouts")
struct WinogradWeightLayoutTests {
    @Test(
        "both layouts of the transformed weights match the im2col convolution",
        arguments: [(6, 7, 2), (6, 7, 4), (8, 8, 4), (5, 5, 2)])
    func bothLayoutsMatchPlain(board: (Int, Int, Int)) {
        let (height, width, tile) = board, channels = 19, outputs = 11, batch = 40
        var generator = SplitMix64(seed: UInt64(height * 1000 + width * 10 + tile))
        let input = generator.normal(batch * height * width * channels)
        let weight = generator.normal(outputs * 9 * channels)
        let plain = Convolution(
            inputChannels: channels, outputChannels: outputs, kernelSize: 3, height: height, width: width,
            algorithm: .patches)
        /// The output of `forward`, given pointers to the input, the weights and an output filled with NaN.
        func output(_ forward: ([UnsafeMutablePointer<Float>]) -> Void) -> [Float] {
            var arrays = [input, weight, [Float](repeating: .nan, count: batch * height * width * outputs)]
            withPointers(&arrays, forward)
            return arrays[2]
        }
        let reference = output { p in
            var scratch = [Float](repeating: 0, count: plain.scratchCount(batch: batch))
            plain.forward(input: p[0], weight: p[1], output: p[2], batch: batch, scratch: &scratch)
        }
        let scale = reference.map(abs).max()!
        for inByOut in [false, true] {
            var kernels = Winograd(
                inputChannels: channels, outputChannels: outputs, height: height, width: width, tile: tile)
            kernels.forwardWeightsInByOut = inByOut
            let result = output { p in
                var scratch = [Float](repeating: .nan, count: kernels.scratchCount(batch: batch))
                kernels.forward(input: p[0], weight: p[1], output: p[2], batch: batch, scratch: &scratch, epilogue: nil)
            }
            let difference = zip(result, reference).map { abs($0 - $1) }.max()! / scale
            print(
                "\(height)x\(width) F(\(tile)x\(tile)) weights in × out \(inByOut): "
                    + "relative max difference \(difference)"
            )
            #expect(result.allSatisfy(\.isFinite) && difference < 5e-5)
        }
    }
}
