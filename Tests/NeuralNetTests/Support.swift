import Foundation
import NeuralNet
import Synchronization

/// Held by each test that switches the C kernels to their baseline copies (a setting of the whole process)
/// for the whole test, so that no other such test runs its native half meanwhile.
let kernelCopiesLock = Mutex(())

// Seeded random data and a plain Double reference of every layer (direct loops, no im2col,
// no BLAS), used to check the Float kernels' forward values and, by central differences,
// their gradients.

extension SplitMix64 {
    /// Uniform values in [low, high).
    mutating func uniform(_ count: Int, _ low: Double = -1, _ high: Double = 1) -> [Float] {
        (0..<count).map { _ in Float(low + (high - low) * nextUnit()) }
    }

    /// Standard normal values.
    mutating func normal(_ count: Int) -> [Float] { (0..<count).map { _ in Float(nextNormal()) } }

    /// A 0/1 mask of `rows × columns` with at least one 1 per row.
    mutating func legalMask(rows: Int, columns: Int) -> [Float] {
        var mask = (0..<(rows * columns)).map { _ in nextUnit() < 0.6 ? Float(1) : 0 }
        for row in 0..<rows where !mask[(row * columns)..<((row + 1) * columns)].contains(1) {
            mask[row * columns + Int(next() % UInt64(columns))] = 1
        }
        return mask
    }

    /// Random distributions over the legal entries of each row.
    mutating func distributions(mask: [Float], columns: Int) -> [Float] {
        var targets = mask.map { $0 * Float(nextUnit() + 0.05) }
        for row in 0..<(mask.count / columns) {
            let sum = targets[(row * columns)..<((row + 1) * columns)].reduce(0, +)
            for a in 0..<columns { targets[row * columns + a] /= sum }
        }
        return targets
    }
}

/// `‖a − b‖ / ‖b‖` (norm-wise relative error), with b's norm floored at `floor`.
func relativeError(_ a: [Float], _ b: [Double], floor: Double = 1e-12) -> Double {
    precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
    var difference = 0.0, norm = 0.0
    for i in a.indices {
        difference += (Double(a[i]) - b[i]) * (Double(a[i]) - b[i])
        norm += b[i] * b[i]
    }
    return difference.squareRoot() / max(norm.squareRoot(), floor)
}

/// The largest `|a − b|`.
func maximumDifference(_ a: [Float], _ b: [Double]) -> Double {
    zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
}

/// Central differences of `f` with respect to each listed element of `x` (step `h`).
func numericGradient(_ x: [Double], indices: [Int], h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    indices.map { i in
        var plus = x, minus = x
        plus[i] += h
        minus[i] -= h
        return (f(plus) - f(minus)) / (2 * h)
    }
}

func doubles(_ values: [Float]) -> [Double] { values.map(Double.init) }

/// Calls `body` with buffer pointers to `arrays` (helper for the pointer-based kernel API).
func withPointers<R>(_ arrays: inout [[Float]], _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
    let copies = arrays.map { array -> UnsafeMutablePointer<Float> in
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(array.count, 1))
        pointer.initialize(from: array, count: array.count)
        return pointer
    }
    defer { copies.forEach { $0.deallocate() } }
    let result = body(copies)
    for index in arrays.indices {
        arrays[index] = Array(UnsafeBufferPointer(start: copies[index], count: arrays[index].count))
    }
    return result
}

// MARK: - Double reference layers

enum Reference {
    /// `y[rows×outputs] = x · Wᵀ + b`.
    static func dense(
        _ x: [Double], rows: Int, inputs: Int, outputs: Int, weight: [Double], bias: [Double]?
    ) -> [Double] {
        var y = [Double](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var sum = bias?[o] ?? 0
                for i in 0..<inputs { sum += x[r * inputs + i] * weight[o * inputs + i] }
                y[r * outputs + o] = sum
            }
        }
        return y
    }

    /// A "same" convolution, weights `[out, k, k, in]`, output channels-last.
    static func convolution(
        _ x: [Double], batch: Int, channels: Int, height: Int, width: Int, planar: Bool,
        weight: [Double], outputs: Int, kernel: Int
    ) -> [Double] {
        let cells = height * width, pad = kernel / 2
        func input(_ n: Int, _ y: Int, _ x0: Int, _ c: Int) -> Double {
            guard y >= 0, y < height, x0 >= 0, x0 < width else { return 0 }
            return planar
                ? x[n * channels * cells + c * cells + y * width + x0] : x[(n * cells + y * width + x0) * channels + c]
        }
        var out = [Double](repeating: 0, count: batch * cells * outputs)
        for n in 0..<batch {
            for y in 0..<height {
                for x0 in 0..<width {
                    for f in 0..<outputs {
                        var sum = 0.0
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                for c in 0..<channels {
                                    sum +=
                                        weight[((f * kernel + ky) * kernel + kx) * channels + c]
                                        * input(n, y + ky - pad, x0 + kx - pad, c)
                                }
                            }
                        }
                        out[(n * cells + y * width + x0) * outputs + f] = sum
                    }
                }
            }
        }
        return out
    }

    /// Training-mode batch norm over columns, then optional residual add and ReLU.
    static func batchNorm(
        _ z: [Double], rows: Int, channels: Int, scale: [Double], shift: [Double],
        residual: [Double]? = nil, relu: Bool, epsilon: Double = 1e-5
    ) -> [Double] {
        var y = [Double](repeating: 0, count: z.count)
        for c in 0..<channels {
            var mean = 0.0
            for r in 0..<rows { mean += z[r * channels + c] }
            mean /= Double(rows)
            var variance = 0.0
            for r in 0..<rows { variance += (z[r * channels + c] - mean) * (z[r * channels + c] - mean) }
            variance /= Double(rows)
            for r in 0..<rows {
                var v = scale[c] * (z[r * channels + c] - mean) / (variance + epsilon).squareRoot() + shift[c]
                if let residual { v += residual[r * channels + c] }
                y[r * channels + c] = relu ? max(v, 0) : v
            }
        }
        return y
    }

    static func relu(_ x: [Double]) -> [Double] { x.map { max($0, 0) } }

    /// Mean over rows of `−Σ_legal t·log softmax_legal(z)`.
    static func policyCrossEntropy(_ logits: [Double], mask: [Float], targets: [Float], columns: Int) -> Double {
        let rows = logits.count / columns
        var total = 0.0
        for r in 0..<rows {
            let legal = (0..<columns).filter { mask[r * columns + $0] != 0 }
            let largest = legal.map { logits[r * columns + $0] }.max()!
            let logSum = largest + log(legal.map { exp(logits[r * columns + $0] - largest) }.reduce(0, +))
            for a in legal { total -= Double(targets[r * columns + a]) * (logits[r * columns + a] - logSum) }
        }
        return total / Double(rows)
    }

    /// Mean over rows of `(tanh(pre) − target)²`.
    static func valueSquaredError(_ pre: [Double], targets: [Float]) -> Double {
        zip(pre, targets).map { (tanh($0) - Double($1)) * (tanh($0) - Double($1)) }.reduce(0, +) / Double(pre.count)
    }

    /// The whole network's `policy + value` loss (batch norm in training mode), from named parameters.
    static func networkLoss(
        _ architecture: NetworkArchitecture, _ parameters: [String: [Double]], inputs: [Float],
        mask: [Float], policyTargets: [Float], valueTargets: [Float]
    ) -> Double {
        let count = valueTargets.count, cells = architecture.cells
        func p(_ name: String) -> [Double] { parameters[name]! }
        let policyFeatures: [Double], valueFeatures: [Double]
        switch architecture.body {
        case .mlp(let hidden):
            var x = doubles(inputs), width = architecture.inputSize
            for (index, next) in hidden.enumerated() {
                x = relu(
                    dense(
                        x, rows: count, inputs: width, outputs: next,
                        weight: p("body.\(index).weight"), bias: p("body.\(index).bias")))
                width = next
            }
            policyFeatures = x
            valueFeatures = x
        case .residual(let blocks, let filters):
            let rows = count * cells
            func unit(
                _ x: [Double], _ conv: String, _ bn: String, inputs: Int, outputs: Int, kernel: Int,
                planar: Bool = false,
                residual: [Double]? = nil
            ) -> [Double] {
                let z = convolution(
                    x, batch: count, channels: inputs, height: architecture.boardHeight,
                    width: architecture.boardWidth, planar: planar, weight: p(conv + ".weight"),
                    outputs: outputs, kernel: kernel)
                return batchNorm(
                    z, rows: rows, channels: outputs, scale: p(bn + ".weight"), shift: p(bn + ".bias"),
                    residual: residual, relu: true)
            }
            var x = unit(
                doubles(inputs), "stem.conv", "stem.bn", inputs: architecture.inputPlanes, outputs: filters,
                kernel: 3, planar: true)
            for block in 0..<blocks {
                let name = "blocks.\(block)"
                let a = unit(x, name + ".conv1", name + ".bn1", inputs: filters, outputs: filters, kernel: 3)
                x = unit(a, name + ".conv2", name + ".bn2", inputs: filters, outputs: filters, kernel: 3, residual: x)
            }
            policyFeatures = unit(x, "policy.conv", "policy.bn", inputs: filters, outputs: 2, kernel: 1)
            valueFeatures = unit(x, "value.conv", "value.bn", inputs: filters, outputs: 1, kernel: 1)
        }
        let policyWidth = policyFeatures.count / count, valueWidth = valueFeatures.count / count
        let logits = dense(
            policyFeatures, rows: count, inputs: policyWidth, outputs: architecture.actionCount,
            weight: p("policy.fc.weight"), bias: p("policy.fc.bias"))
        let hidden = relu(
            dense(
                valueFeatures, rows: count, inputs: valueWidth, outputs: architecture.valueHidden,
                weight: p("value.fc1.weight"), bias: p("value.fc1.bias")))
        let pre = dense(
            hidden, rows: count, inputs: architecture.valueHidden, outputs: 1,
            weight: p("value.fc2.weight"), bias: p("value.fc2.bias"))
        return policyCrossEntropy(logits, mask: mask, targets: policyTargets, columns: architecture.actionCount)
            + valueSquaredError(pre, targets: valueTargets)
    }
}

/// A random supervised batch for `architecture`: inputs, legal masks, policy and value targets.
struct Batch {
    var inputs: [Float]
    var mask: [Float]
    var policyTargets: [Float]
    var valueTargets: [Float]
    var count: Int { valueTargets.count }

    init(_ architecture: NetworkArchitecture, count: Int, _ generator: inout SplitMix64) {
        inputs = (0..<(count * architecture.inputSize)).map { _ in generator.nextUnit() < 0.3 ? 1 : 0 }
        // Guarantee no all-zero position.
        for n in 0..<count {
            inputs[n * architecture.inputSize + Int(generator.next() % UInt64(architecture.inputSize))] = 1
        }
        mask = generator.legalMask(rows: count, columns: architecture.actionCount)
        policyTargets = generator.distributions(mask: mask, columns: architecture.actionCount)
        valueTargets = generator.uniform(count, -0.9, 0.9)
    }

    func train(_ network: PolicyValueNetwork, _ optimizer: inout Optimizer) throws -> TrainingLosses {
        try inputs.withUnsafeBufferPointer { x in
            try mask.withUnsafeBufferPointer { m in
                try policyTargets.withUnsafeBufferPointer { p in
                    try valueTargets.withUnsafeBufferPointer { v in
                        try network.train(
                            inputs: x, legalMask: m, policyTargets: p, valueTargets: v, count: count,
                            optimizer: &optimizer)
                    }
                }
            }
        }
    }

    func losses(_ network: PolicyValueNetwork) -> TrainingLosses {
        inputs.withUnsafeBufferPointer { x in
            mask.withUnsafeBufferPointer { m in
                policyTargets.withUnsafeBufferPointer { p in
                    valueTargets.withUnsafeBufferPointer { v in
                        network.losses(inputs: x, legalMask: m, policyTargets: p, valueTargets: v, count: count)
                    }
                }
            }
        }
    }

    @discardableResult
    func computeGradients(_ network: PolicyValueNetwork) -> TrainingLosses {
        inputs.withUnsafeBufferPointer { x in
            mask.withUnsafeBufferPointer { m in
                policyTargets.withUnsafeBufferPointer { p in
                    valueTargets.withUnsafeBufferPointer { v in
                        network.computeGradients(
                            inputs: x, legalMask: m, policyTargets: p, valueTargets: v, count: count)
                    }
                }
            }
        }
    }

    /// The network's policy and values on this batch.
    func predict(_ network: PolicyValueNetwork) -> (policy: [Float], values: [Float]) {
        var policy = [Float](repeating: -1, count: mask.count), values = [Float](repeating: -2, count: count)
        inputs.withUnsafeBufferPointer { x in
            mask.withUnsafeBufferPointer { m in
                policy.withUnsafeMutableBufferPointer { p in
                    values.withUnsafeMutableBufferPointer { v in
                        network.predict(inputs: x, legalMask: m, count: count, policy: p, values: v)
                    }
                }
            }
        }
        return (policy, values)
    }
}

/// Small architectures for the tests.
enum TestArchitectures {
    static let tinyResidual = NetworkArchitecture(
        body: .residual(blocks: 2, filters: 4), inputPlanes: 2, boardHeight: 3,
        boardWidth: 4, actionCount: 5, valueHidden: 6)
    static let tinyMLP = NetworkArchitecture(
        body: .mlp(hidden: [10, 7]), inputPlanes: 2, boardHeight: 2, boardWidth: 3,
        actionCount: 4, valueHidden: 5)
    static let connectFourSmall = NetworkArchitecture(
        body: .residual(blocks: 2, filters: 16), inputPlanes: 2, boardHeight: 6,
        boardWidth: 7, actionCount: 7, valueHidden: 16)
}
