import Foundation

/// The losses of one minibatch (means over its positions).
public struct TrainingLosses: Sendable, Codable, Hashable {
    /// Cross-entropy of the policy against the target distributions.
    public var policy: Float
    /// Mean squared error of the value against the targets.
    public var value: Float
    /// The L2 penalty `weightDecay/2 · Σ w²` over dense and convolution weights.
    public var l2: Float
    /// `policy + value + l2`.
    public var total: Float

    public init(policy: Float, value: Float, l2: Float) {
        self.policy = policy
        self.value = value
        self.l2 = l2
        total = policy + value + l2
    }
}

/// A stored tensor of a network: a trained parameter or a batch-norm running statistic.
public struct TensorInfo: Sendable, Hashable {
    public let name: String
    public let shape: [Int]
    /// False for batch-norm running statistics.
    public let isTrainable: Bool
}

/// A policy/value network for one game: positions in, move probabilities and a value out.
///
/// Parameters live in one flat aligned buffer; every matrix product is an sgemm. Workspaces
/// are allocated when a batch first outgrows them (capacities are powers of two) and reused,
/// so after warm-up `predict` and `train` do not allocate. Not thread-safe: give each thread
/// its own network (`copy()`).
public final class PolicyValueNetwork {
    public let architecture: NetworkArchitecture
    let storage: NetworkStorage
    private let trunk: any Trunk
    private let policyLayer: HeadLayer
    private let valueHiddenLayer: HeadLayer
    private let valueOutputLayer: HeadLayer
    private var heads: HeadWorkspace?
    /// Whether batches run in slices where that is faster (`inSlices`); off in tests that compare with one pass.
    var splitsBatches = true
    /// The smallest prediction split across two threads, and the most positions in a slice of one
    /// (`BatchSlices.swift`).
    let smallestHalvedPrediction: Int, cachedPredictionRows: Int
    /// The network of a batch's second half: the same parameters and running statistics, with gradients
    /// and workspaces of its own.
    lazy var otherHalf = PolicyValueNetwork(
        architecture: architecture,
        storage: NetworkStorage(
            parameters: storage.parameters, gradients: FloatBuffer(count: storage.gradients.count),
            statistics: storage.statistics))

    /// A network with freshly initialized weights (He-normal for layers feeding a ReLU,
    /// LeCun-normal for the output layers, zero biases, batch norm γ = 1 and β = 0) drawn
    /// from a generator seeded with `seed`. The architecture must pass `validate()`.
    public convenience init(architecture: NetworkArchitecture, seed: UInt64) {
        self.init(uninitialized: architecture)
        var generator = SplitMix64(seed: seed)
        let parameters = storage.parameters
        for index in parameters.specs.indices {
            let values = parameters.slice(index, in: parameters.storage.pointer)
            switch parameters.specs[index].role {
            case .weight(let fanIn): fillNormal(values, deviation: (2 / Double(fanIn)).squareRoot(), &generator)
            case .outputWeight(let fanIn): fillNormal(values, deviation: (1 / Double(fanIn)).squareRoot(), &generator)
            case .batchNormScale: values.update(repeating: 1)
            case .bias, .batchNormShift, .runningMean, .runningVariance: values.update(repeating: 0)
            }
        }
        let statistics = storage.statistics
        for index in statistics.specs.indices {
            if case .runningVariance = statistics.specs[index].role {
                statistics.slice(index, in: statistics.storage.pointer).update(repeating: 1)
            }
        }
    }

    /// A network with all tensors zero, to be filled by the caller.
    convenience init(uninitialized architecture: NetworkArchitecture) {
        do { try architecture.validate() } catch { preconditionFailure("\(error)") }
        let specs = architecture.tensorSpecs()
        let parameters = TensorStore(specs: specs.parameters)
        self.init(
            architecture: architecture,
            storage: NetworkStorage(
                parameters: parameters, gradients: FloatBuffer(count: parameters.storage.count),
                statistics: TensorStore(specs: specs.statistics)))
    }

    /// A network over `storage`'s tensors, with workspaces of its own.
    private init(architecture: NetworkArchitecture, storage: NetworkStorage) {
        self.architecture = architecture
        self.storage = storage
        smallestHalvedPrediction = Self.smallestHalvedPrediction(for: architecture)
        cachedPredictionRows = Self.cachedPredictionRows(for: architecture)
        switch architecture.body {
        case .mlp(let hidden):
            trunk = DenseTrunk(architecture: architecture, hidden: hidden, storage: storage)
        case .residual(let blocks, let filters):
            trunk = ResidualTrunk(architecture: architecture, blocks: blocks, filters: filters, storage: storage)
        }
        policyLayer = HeadLayer(
            "policy.fc", Dense(inputs: trunk.policyFeatureCount, outputs: architecture.actionCount), storage)
        valueHiddenLayer = HeadLayer(
            "value.fc1", Dense(inputs: trunk.valueFeatureCount, outputs: architecture.valueHidden),
            storage)
        valueOutputLayer = HeadLayer("value.fc2", Dense(inputs: architecture.valueHidden, outputs: 1), storage)
    }

    private func fillNormal(
        _ values: UnsafeMutableBufferPointer<Float>, deviation: Double, _ generator: inout SplitMix64
    ) {
        for i in values.indices { values[i] = Float(generator.nextNormal() * deviation) }
    }

    // MARK: Inference

    /// Evaluates `count` positions (batch norm in inference mode).
    ///
    /// - Parameters:
    ///   - inputs: `count × inputSize` floats, each position plane-major from the side to move's view.
    ///   - legalMask: `count × actionCount` values, 1 for a legal action and 0 otherwise.
    ///   - policy: receives `count × actionCount` probabilities: a softmax over the legal
    ///     actions, exactly 0 on illegal ones (all 0 for a position with no legal action).
    ///   - values: receives `count` values in [-1, 1] from the side to move's view.
    public func predict(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        policy: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
    ) {
        guard count > 0 else { return }
        checkSizes(inputs: inputs, legalMask: legalMask, count: count)
        precondition(
            policy.count >= count * architecture.actionCount && values.count >= count, "output buffers too small")
        let work = PredictionSlices(
            inputs: inputs.baseAddress!, legalMask: legalMask.baseAddress!, policy: policy.baseAddress!,
            values: values.baseAddress!)
        inSlices(count, of: predictionSliceRows(count), work)
    }

    /// The losses on a batch with batch norm in inference mode, changing nothing (for validation).
    public func losses(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>,
        policyTargets: UnsafeBufferPointer<Float>, valueTargets: UnsafeBufferPointer<Float>,
        count: Int
    ) -> TrainingLosses {
        checkSizes(
            inputs: inputs, legalMask: legalMask, policyTargets: policyTargets, valueTargets: valueTargets, count: count
        )
        let space = forward(inputs: inputs.baseAddress!, count: count, mode: .inference)
        return dataLosses(
            space, legalMask: legalMask.baseAddress!, policyTargets: policyTargets.baseAddress!,
            valueTargets: valueTargets.baseAddress!, count: count, gradients: false)
    }

    // MARK: Training

    /// One optimizer step on a minibatch (batch norm in training mode; its running
    /// statistics are updated after a successful step).
    ///
    /// `policyTargets` holds `count × actionCount` distributions (mass on illegal actions is
    /// ignored: illegal logits are masked out of the softmax), `valueTargets` `count` values in
    /// [-1, 1]. Throws `NetworkError.nonFinite` naming the first input, loss, gradient or
    /// updated weight that is NaN or infinite; then nothing has changed, optimizer included.
    public func train(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>,
        policyTargets: UnsafeBufferPointer<Float>, valueTargets: UnsafeBufferPointer<Float>,
        count: Int, optimizer: inout Optimizer
    ) throws(NetworkError) -> TrainingLosses {
        checkSizes(
            inputs: inputs, legalMask: legalMask, policyTargets: policyTargets, valueTargets: valueTargets, count: count
        )
        func requireFinite(_ buffer: UnsafeBufferPointer<Float>, _ length: Int, _ name: String) throws(NetworkError) {
            guard UnsafeBufferPointer(rebasing: buffer[0..<length]).allSatisfy(\.isFinite) else {
                throw .nonFinite(name)
            }
        }
        let size = architecture.inputSize, actions = architecture.actionCount
        try requireFinite(inputs, count * size, "inputs")
        try requireFinite(legalMask, count * actions, "legal mask")
        try requireFinite(policyTargets, count * actions, "policy targets")
        try requireFinite(valueTargets, count, "value targets")
        var losses = computeGradients(
            inputs: inputs, legalMask: legalMask, policyTargets: policyTargets,
            valueTargets: valueTargets, count: count)
        guard losses.policy.isFinite else { throw .nonFinite("policy loss") }
        guard losses.value.isFinite else { throw .nonFinite("value loss") }
        let l2 = try optimizer.update(parameters: storage.parameters, gradients: storage.gradients.pointer)
        losses = TrainingLosses(policy: losses.policy, value: losses.value, l2: l2)
        trunk.updateRunningStatistics(count: count)
        return losses
    }

    /// Forward and backward passes in training mode that change no parameter, running
    /// statistic or optimizer state; afterwards `gradient(of:)` returns the gradient of
    /// `policy + value` loss (the L2 term's gradient, `weightDecay · w`, is the optimizer's).
    /// The returned `l2` is 0. For gradient checks and diagnostics.
    @discardableResult
    public func computeGradients(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>,
        policyTargets: UnsafeBufferPointer<Float>, valueTargets: UnsafeBufferPointer<Float>,
        count: Int
    ) -> TrainingLosses {
        checkSizes(
            inputs: inputs, legalMask: legalMask, policyTargets: policyTargets, valueTargets: valueTargets, count: count
        )
        guard splitsBatches && trainsInHalves, count >= Self.smallestHalvedTrainingBatch else {
            return gradients(
                inputs: inputs.baseAddress!, legalMask: legalMask.baseAddress!,
                policyTargets: policyTargets.baseAddress!, valueTargets: valueTargets.baseAddress!, count: count)
        }
        return gradientsInHalves(
            inputs: inputs.baseAddress!, legalMask: legalMask.baseAddress!,
            policyTargets: policyTargets.baseAddress!, valueTargets: valueTargets.baseAddress!, count: count)
    }

    /// `computeGradients` in one pass over the batch.
    func gradients(
        inputs: UnsafePointer<Float>, legalMask: UnsafePointer<Float>,
        policyTargets: UnsafePointer<Float>, valueTargets: UnsafePointer<Float>, count: Int
    ) -> TrainingLosses {
        let space = forward(inputs: inputs, count: count, mode: .training)
        let losses = dataLosses(
            space, legalMask: legalMask, policyTargets: policyTargets, valueTargets: valueTargets,
            count: count, gradients: true)
        let features = trunk.featureGradients()
        let policyInput = space.policyFeatures, valueInput = space.valueFeatures
        policyLayer.backward(
            input: policyInput, outputGradient: space.logitGradient, rows: count, inputGradient: features.policy)
        valueOutputLayer.backward(
            input: space.hidden, outputGradient: space.valueGradient, rows: count,
            inputGradient: space.hiddenGradient)
        Activation.reluBackward(
            output: space.hidden, gradient: space.hiddenGradient, count: count * architecture.valueHidden)
        valueHiddenLayer.backward(
            input: valueInput, outputGradient: space.hiddenGradient, rows: count,
            inputGradient: features.value)
        trunk.backward(input: inputs, count: count)
        return losses
    }

    // MARK: Passes

    func forward(inputs: UnsafePointer<Float>, count: Int, mode: PassMode) -> HeadWorkspace {
        let features = trunk.forward(input: inputs, count: count, mode: mode)
        let space = headWorkspace(count: count)
        space.policyFeatures = features.policy
        space.valueFeatures = features.value
        policyLayer.forward(input: features.policy, output: space.logits, rows: count)
        valueHiddenLayer.forward(input: features.value, output: space.hidden, rows: count)
        Activation.relu(space.hidden, count: count * architecture.valueHidden)
        valueOutputLayer.forward(input: space.hidden, output: space.values, rows: count)
        for i in 0..<count { space.values[i] = tanh(space.values[i]) }
        return space
    }

    private func dataLosses(
        _ space: HeadWorkspace, legalMask: UnsafePointer<Float>,
        policyTargets: UnsafePointer<Float>, valueTargets: UnsafePointer<Float>,
        count: Int, gradients: Bool
    ) -> TrainingLosses {
        let policy = Loss.policyCrossEntropy(
            logits: space.logits, mask: legalMask,
            targets: policyTargets, rows: count,
            columns: architecture.actionCount, probabilities: space.probabilities,
            logitGradient: gradients ? space.logitGradient : nil)
        let value = Loss.valueSquaredError(
            values: space.values, targets: valueTargets, rows: count,
            preActivationGradient: gradients ? space.valueGradient : nil)
        return TrainingLosses(policy: policy, value: value, l2: 0)
    }

    private func headWorkspace(count: Int) -> HeadWorkspace {
        if let heads, heads.capacity >= count { return heads }
        let created = HeadWorkspace(
            capacity: capacity(for: count, current: heads?.capacity ?? 0),
            actions: architecture.actionCount, hidden: architecture.valueHidden)
        heads = created
        return created
    }

    private func checkSizes(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>,
        policyTargets: UnsafeBufferPointer<Float>? = nil, valueTargets: UnsafeBufferPointer<Float>? = nil,
        count: Int
    ) {
        precondition(count > 0, "count must be positive")
        precondition(inputs.count >= count * architecture.inputSize, "inputs hold fewer than \(count) positions")
        precondition(
            legalMask.count >= count * architecture.actionCount, "legal mask holds fewer than \(count) positions")
        precondition((policyTargets?.count ?? .max) >= count * architecture.actionCount, "policy targets too short")
        precondition((valueTargets?.count ?? .max) >= count, "value targets too short")
    }

    // MARK: Tensors

    /// The stored tensors: trained parameters, then batch-norm running statistics.
    public var tensors: [TensorInfo] {
        storage.parameters.specs.map { TensorInfo(name: $0.name, shape: $0.shape, isTrainable: true) }
            + storage.statistics.specs.map { TensorInfo(name: $0.name, shape: $0.shape, isTrainable: false) }
    }

    /// The values of the tensor called `name`, or nil if there is none.
    public func values(of name: String) -> [Float]? {
        for store in [storage.parameters, storage.statistics] {
            if let index = store.index(of: name) { return Array(store.slice(index, in: store.storage.pointer)) }
        }
        return nil
    }

    /// The gradient left by the last `computeGradients` or `train` for the parameter called `name`.
    public func gradient(of name: String) -> [Float]? {
        guard let index = storage.parameters.index(of: name) else { return nil }
        return Array(storage.parameters.slice(index, in: storage.gradients.pointer))
    }

    /// An independent network with the same architecture, parameters and running statistics.
    public func copy() -> PolicyValueNetwork {
        let other = PolicyValueNetwork(uninitialized: architecture)
        other.storage.parameters.storage.copy(from: storage.parameters.storage)
        other.storage.statistics.storage.copy(from: storage.statistics.storage)
        return other
    }

    /// Whether `other` has the same architecture and bit-identical parameters and running statistics.
    public func parametersEqual(_ other: PolicyValueNetwork) -> Bool {
        func same(_ a: FloatBuffer, _ b: FloatBuffer) -> Bool {
            a.count == b.count && memcmp(a.pointer, b.pointer, a.count * MemoryLayout<Float>.stride) == 0
        }
        return architecture == other.architecture
            && same(storage.parameters.storage, other.storage.parameters.storage)
            && same(storage.statistics.storage, other.storage.statistics.storage)
    }
}

/// A dense layer of a head, with its tensors.
private struct HeadLayer {
    let dense: Dense
    let weight, bias, weightGradient, biasGradient: UnsafeMutablePointer<Float>

    init(_ name: String, _ dense: Dense, _ storage: NetworkStorage) {
        self.dense = dense
        weight = storage.weight(name + ".weight")
        bias = storage.weight(name + ".bias")
        weightGradient = storage.gradient(name + ".weight")
        biasGradient = storage.gradient(name + ".bias")
    }

    func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int) {
        dense.forward(input: input, weight: weight, bias: bias, output: output, rows: rows)
    }

    func backward(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, rows: Int,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        dense.backward(
            input: input, weight: weight, outputGradient: outputGradient, rows: rows,
            weightGradient: weightGradient, biasGradient: biasGradient,
            inputGradient: inputGradient)
    }
}

/// The heads' activations and gradients for up to `capacity` positions.
final class HeadWorkspace {
    let capacity: Int
    let logits, probabilities, logitGradient, hidden, hiddenGradient, values, valueGradient: UnsafeMutablePointer<Float>
    /// The trunk's outputs of the last forward pass.
    var policyFeatures: UnsafePointer<Float>
    var valueFeatures: UnsafePointer<Float>
    private let arena: FloatBuffer

    init(capacity: Int, actions: Int, hidden hiddenUnits: Int) {
        self.capacity = capacity
        var layout = ArenaLayout()
        let offsets = [actions, actions, actions, hiddenUnits, hiddenUnits, 1, 1].map { layout.reserve(capacity * $0) }
        let arena = FloatBuffer(count: layout.count), base = arena.pointer
        self.arena = arena
        let p = offsets.map { base + $0 }
        (logits, probabilities, logitGradient) = (p[0], p[1], p[2])
        (hidden, hiddenGradient, values, valueGradient) = (p[3], p[4], p[5], p[6])
        policyFeatures = UnsafePointer(base)
        valueFeatures = UnsafePointer(base)
    }
}
