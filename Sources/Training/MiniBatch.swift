import Foundation
import GameKit
import NeuralNet

/// A minibatch's buffers, reused from step to step.
public struct MiniBatch {
    public let inputSize: Int
    public let actionCount: Int
    public var inputs: ContiguousArray<Float> = []
    public var masks: ContiguousArray<Float> = []
    public var policies: ContiguousArray<Float> = []
    public var values: ContiguousArray<Float> = []
    public private(set) var count = 0

    public init(inputSize: Int, actionCount: Int) {
        self.inputSize = inputSize
        self.actionCount = actionCount
    }

    /// One optimizer step of `network` on this minibatch; returns its losses.
    func train(_ network: PolicyValueNetwork, optimizer: inout Optimizer) throws(NetworkError) -> TrainingLosses {
        try inputs.withUnsafeBufferPointer { (input) throws(NetworkError) in
            try masks.withUnsafeBufferPointer { (mask) throws(NetworkError) in
                try policies.withUnsafeBufferPointer { (policy) throws(NetworkError) in
                    try values.withUnsafeBufferPointer { (value) throws(NetworkError) in
                        try network.train(
                            inputs: input, legalMask: mask, policyTargets: policy, valueTargets: value, count: count,
                            optimizer: &optimizer)
                    }
                }
            }
        }
    }

    mutating func resize(count: Int) {
        self.count = count
        if values.count != count {
            inputs = ContiguousArray(repeating: 0, count: count * inputSize)
            masks = ContiguousArray(repeating: 0, count: count * actionCount)
            policies = ContiguousArray(repeating: 0, count: count * actionCount)
            values = ContiguousArray(repeating: 0, count: count)
        }
    }
}
