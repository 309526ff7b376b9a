import Foundation

/// The two training losses and the masked softmax that turns logits into a policy.
public enum Loss {
    /// Softmax of each row over the entries whose `mask` is non-zero; masked entries get
    /// exactly 0, and a row with no legal entry is all 0.
    public static func maskedSoftmax(
        logits: UnsafePointer<Float>, mask: UnsafePointer<Float>, rows: Int, columns: Int,
        probabilities: UnsafeMutablePointer<Float>
    ) {
        for row in 0..<rows {
            let offset = row * columns
            _ = softmaxRow(logits + offset, mask + offset, columns, probabilities + offset)
        }
    }

    /// The mean over rows of the cross-entropy `−Σ target·log p` over legal entries (target
    /// mass on masked entries is ignored). Writes the masked softmax into `probabilities` and,
    /// when given, the gradient of the mean loss with respect to the logits.
    public static func policyCrossEntropy(
        logits: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        targets: UnsafePointer<Float>, rows: Int, columns: Int,
        probabilities: UnsafeMutablePointer<Float>,
        logitGradient: UnsafeMutablePointer<Float>?
    ) -> Float {
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
    public static func valueSquaredError(
        values: UnsafePointer<Float>, targets: UnsafePointer<Float>, rows: Int,
        preActivationGradient: UnsafeMutablePointer<Float>?
    ) -> Float {
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
    private static func softmaxRow(
        _ z: UnsafePointer<Float>, _ legal: UnsafePointer<Float>, _ columns: Int,
        _ p: UnsafeMutablePointer<Float>
    ) -> Float {
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
