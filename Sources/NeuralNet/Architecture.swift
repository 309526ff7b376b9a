import Foundation

/// The shape of a policy/value network: its body, its input and its heads.
///
/// A residual body is a 3×3 convolution stem (conv-bn-relu) and `blocks` residual blocks of
/// `filters` channels; its policy head is a 1×1 convolution to 2 planes, batch norm, ReLU
/// and a dense layer to `actionCount` logits, and its value head a 1×1 convolution to 1
/// plane, batch norm, ReLU, a dense layer of `valueHidden` units, ReLU, a dense layer to 1
/// and tanh. An MLP body is dense+ReLU layers on the flattened input; its policy head is one
/// dense layer and its value head dense (`valueHidden`), ReLU, dense (1), tanh.
public struct NetworkArchitecture: Codable, Sendable, Hashable {
    /// The trunk shared by the two heads.
    public enum Body: Codable, Sendable, Hashable {
        /// Dense layers of the given widths, each followed by a ReLU.
        case mlp(hidden: [Int])
        /// A convolutional stem and `blocks` residual blocks, all `filters` channels wide.
        case residual(blocks: Int, filters: Int)
    }

    public var body: Body
    /// Input = `inputPlanes × boardHeight × boardWidth` floats per position, plane-major.
    public var inputPlanes: Int
    public var boardHeight: Int
    public var boardWidth: Int
    /// The length of the policy vector.
    public var actionCount: Int
    /// Hidden units in the value head.
    public var valueHidden: Int

    public init(body: Body, inputPlanes: Int, boardHeight: Int, boardWidth: Int, actionCount: Int, valueHidden: Int) {
        self.body = body
        self.inputPlanes = inputPlanes
        self.boardHeight = boardHeight
        self.boardWidth = boardWidth
        self.actionCount = actionCount
        self.valueHidden = valueHidden
    }

    /// Floats per encoded position.
    public var inputSize: Int { inputPlanes * boardHeight * boardWidth }

    /// Cells per board plane.
    public var cells: Int { boardHeight * boardWidth }

    /// The number of trained parameters (batch-norm running statistics excluded).
    public var parameterCount: Int { tensorSpecs().parameters.reduce(0) { $0 + $1.count } }

    /// Multiply-adds of one position's forward pass: every dense weight once, every convolution weight
    /// once per board cell.
    public var multiplyAddsPerPosition: Int {
        tensorSpecs().parameters.reduce(0) { total, spec in
            guard spec.role.decays else { return total }  // weights only
            return total + spec.count * (spec.shape.count == 4 ? cells : 1)
        }
    }

    /// One line for logs, e.g. `"resnet 4x32, 2x6x7 -> 7, 77k params"`.
    public var summary: String {
        let shape = "\(inputPlanes)x\(boardHeight)x\(boardWidth) -> \(actionCount)"
        switch body {
        case .mlp(let hidden):
            let widths = hidden.isEmpty ? "linear" : hidden.map(String.init).joined(separator: "-")
            return "mlp \(widths), \(shape), \(Self.abbreviated(parameterCount)) params"
        case .residual(let blocks, let filters):
            return "resnet \(blocks)x\(filters), \(shape), \(Self.abbreviated(parameterCount)) params"
        }
    }

    /// Throws `NetworkError.invalidArchitecture` unless every size is in a sane range (checked
    /// before anything is allocated, e.g. for an architecture read from a file).
    public func validate() throws(NetworkError) {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ name: String) throws(NetworkError) {
            guard range.contains(value) else {
                throw .invalidArchitecture("\(name) is \(value), must be in \(range.lowerBound)...\(range.upperBound)")
            }
        }
        try check(inputPlanes, 1...1024, "inputPlanes")
        try check(boardHeight, 1...64, "boardHeight")
        try check(boardWidth, 1...64, "boardWidth")
        try check(actionCount, 1...65_536, "actionCount")
        try check(valueHidden, 1...65_536, "valueHidden")
        switch body {
        case .mlp(let hidden):
            try check(hidden.count, 0...64, "the number of hidden layers")
            for width in hidden { try check(width, 1...65_536, "a hidden layer width") }
        case .residual(let blocks, let filters):
            try check(blocks, 0...256, "blocks")
            try check(filters, 1...4096, "filters")
        }
        try check(parameterCount, 1...1_000_000_000, "the parameter count")
    }

    static func abbreviated(_ count: Int) -> String {
        switch count {
        case ..<1000: return "\(count)"
        case ..<10_000: return String(format: "%.1fk", Double(count) / 1000)
        case ..<1_000_000: return "\((count + 500) / 1000)k"
        default: return String(format: "%.2fM", Double(count) / 1e6)
        }
    }
}

/// What a stored tensor is, which decides its initialization and whether L2 decay applies.
enum TensorRole: Sendable {
    /// A dense or convolution weight feeding a ReLU (He initialization, decayed).
    case weight(fanIn: Int)
    /// An output layer's weight (LeCun initialization, decayed).
    case outputWeight(fanIn: Int)
    case bias
    case batchNormScale
    case batchNormShift
    case runningMean
    case runningVariance

    var decays: Bool {
        switch self {
        case .weight, .outputWeight: return true
        default: return false
        }
    }
}

/// A named tensor of the network's stored state.
struct TensorSpec: Sendable {
    var name: String
    var shape: [Int]
    var role: TensorRole
    var count: Int { shape.reduce(1, *) }
}

extension NetworkArchitecture {
    /// The network's tensors in storage order: trained parameters, and batch-norm running
    /// statistics (saved in checkpoints, not trained).
    func tensorSpecs() -> (parameters: [TensorSpec], statistics: [TensorSpec]) {
        var parameters: [TensorSpec] = []
        var statistics: [TensorSpec] = []
        func dense(_ name: String, inputs: Int, outputs: Int, output: Bool = false) {
            parameters.append(
                TensorSpec(
                    name: "\(name).weight", shape: [outputs, inputs],
                    role: output ? .outputWeight(fanIn: inputs) : .weight(fanIn: inputs)))
            parameters.append(TensorSpec(name: "\(name).bias", shape: [outputs], role: .bias))
        }
        func convolution(_ name: String, inputs: Int, outputs: Int, kernel: Int) {
            parameters.append(
                TensorSpec(
                    name: "\(name).weight", shape: [outputs, kernel, kernel, inputs],
                    role: .weight(fanIn: kernel * kernel * inputs)))
        }
        func batchNorm(_ name: String, channels: Int) {
            parameters.append(TensorSpec(name: "\(name).weight", shape: [channels], role: .batchNormScale))
            parameters.append(TensorSpec(name: "\(name).bias", shape: [channels], role: .batchNormShift))
            statistics.append(TensorSpec(name: "\(name).running_mean", shape: [channels], role: .runningMean))
            statistics.append(TensorSpec(name: "\(name).running_var", shape: [channels], role: .runningVariance))
        }
        let policyFeatures: Int, valueFeatures: Int
        switch body {
        case .mlp(let hidden):
            var width = inputSize
            for (index, next) in hidden.enumerated() {
                dense("body.\(index)", inputs: width, outputs: next)
                width = next
            }
            policyFeatures = width
            valueFeatures = width
        case .residual(let blocks, let filters):
            convolution("stem.conv", inputs: inputPlanes, outputs: filters, kernel: 3)
            batchNorm("stem.bn", channels: filters)
            for block in 0..<blocks {
                convolution("blocks.\(block).conv1", inputs: filters, outputs: filters, kernel: 3)
                batchNorm("blocks.\(block).bn1", channels: filters)
                convolution("blocks.\(block).conv2", inputs: filters, outputs: filters, kernel: 3)
                batchNorm("blocks.\(block).bn2", channels: filters)
            }
            convolution("policy.conv", inputs: filters, outputs: 2, kernel: 1)
            batchNorm("policy.bn", channels: 2)
            convolution("value.conv", inputs: filters, outputs: 1, kernel: 1)
            batchNorm("value.bn", channels: 1)
            policyFeatures = 2 * cells
            valueFeatures = cells
        }
        dense("policy.fc", inputs: policyFeatures, outputs: actionCount, output: true)
        dense("value.fc1", inputs: valueFeatures, outputs: valueHidden)
        dense("value.fc2", inputs: valueHidden, outputs: 1, output: true)
        return (parameters, statistics)
    }
}
