import NeuralNet
import Search

/// Adapts a policy/value network to the search's `Evaluator` protocol.
public final class NetworkEvaluator: Evaluator {
    public let network: PolicyValueNetwork

    public init(network: PolicyValueNetwork) { self.network = network }

    public func evaluate(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
    ) {
        network.predict(inputs: inputs, legalMask: legalMask, count: count, policy: priors, values: values)
    }
}
