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
    public func forward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, rows: Int
    ) {
        if let bias {
            for row in 0..<rows { (output + row * outputs).update(from: bias, count: outputs) }
        }
        GEMM.multiply(
            GEMMShape(transposeB: true, m: rows, n: outputs, k: inputs),
            a: input, b: weight, c: output, beta: bias == nil ? 0 : 1)
    }

    /// Writes the weight and bias gradients, and the input gradient when asked (added to
    /// what `inputGradient` holds when `accumulate`).
    public func backward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        rows: Int, weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool = false
    ) {
        // dW[outputs×inputs] = dYᵀ · X
        GEMM.multiply(
            GEMMShape(transposeA: true, m: outputs, n: inputs, k: rows),
            a: outputGradient, b: input, c: weightGradient)
        if let biasGradient {
            columnSums(outputGradient, rows: rows, columns: outputs, into: biasGradient)
        }
        if let inputGradient {
            // dX[rows×inputs] = dY · W
            GEMM.multiply(
                GEMMShape(m: rows, n: inputs, k: outputs),
                a: outputGradient, b: weight, c: inputGradient, beta: accumulate ? 1 : 0)
        }
    }
}
