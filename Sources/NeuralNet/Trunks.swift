/// Whether batch norm uses batch statistics and activations are kept for a backward pass.
enum PassMode {
    case inference
    case training
}

/// The part of the network between the input and the heads' dense layers. It owns its
/// workspaces: one per mode, allocated when the batch outgrows it and reused after that.
protocol Trunk: AnyObject {
    /// Floats per sample of the policy head's dense input.
    var policyFeatureCount: Int { get }
    /// Floats per sample of the value head's dense input.
    var valueFeatureCount: Int { get }

    /// Runs the trunk on `count` positions; returns the features the two heads read.
    func forward(
        input: UnsafePointer<Float>, count: Int, mode: PassMode
    )
        -> (policy: UnsafePointer<Float>, value: UnsafePointer<Float>)

    /// Where the heads write the gradients of their features before `backward`
    /// (valid after a training-mode `forward`).
    func featureGradients() -> (policy: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>)

    /// Writes the trunk's parameter gradients, after a training-mode `forward` on the same input.
    func backward(input: UnsafePointer<Float>, count: Int)

    /// Folds the last training batch's statistics into the batch-norm running averages.
    func updateRunningStatistics(count: Int)
}

/// The capacity to allocate for `count` samples: the next power of two, so that slowly
/// growing batches do not reallocate often.
func capacity(for count: Int, current: Int) -> Int {
    precondition(count > 0, "batch size must be positive")
    var size = 1
    while size < count { size *= 2 }
    return max(size, current)
}

/// Tensor pointers of the network: parameters, their gradients (same layout) and the batch-norm running statistics.
struct NetworkStorage {
    let parameters: TensorStore
    let gradients: FloatBuffer
    let statistics: TensorStore

    func weight(_ name: String) -> UnsafeMutablePointer<Float> { parameters.pointer(name) }
    func gradient(_ name: String) -> UnsafeMutablePointer<Float> {
        gradients.pointer + (parameters.pointer(name) - parameters.storage.pointer)
    }
    func statistic(_ name: String) -> UnsafeMutablePointer<Float> { statistics.pointer(name) }
}

// MARK: - Residual trunk

/// Stem, residual blocks, and the 1×1 convolution + batch norm + ReLU parts of the two heads.
final class ResidualTrunk: Trunk {
    /// A convolution followed by batch norm, with its tensors.
    struct Unit {
        let convolution: Convolution
        let norm: BatchNorm
        let weight, scale, shift: UnsafeMutablePointer<Float>
        let weightGradient, scaleGradient, shiftGradient: UnsafeMutablePointer<Float>
        let runningMean, runningVariance: UnsafeMutablePointer<Float>

        init(convolution conv: String, norm bn: String, _ convolution: Convolution, _ storage: NetworkStorage) {
            self.convolution = convolution
            norm = BatchNorm(channels: convolution.outputChannels)
            weight = storage.weight(conv + ".weight")
            scale = storage.weight(bn + ".weight")
            shift = storage.weight(bn + ".bias")
            weightGradient = storage.gradient(conv + ".weight")
            scaleGradient = storage.gradient(bn + ".weight")
            shiftGradient = storage.gradient(bn + ".bias")
            runningMean = storage.statistic(bn + ".running_mean")
            runningVariance = storage.statistic(bn + ".running_var")
        }
    }

    /// The buffers of one unit: convolution output `z`, normalized (and ReLU'd) output `a`,
    /// batch-norm statistics. In inference mode `a` is `z`.
    struct UnitBuffers {
        let z, a, statistics: UnsafeMutablePointer<Float>
    }

    /// All activations of one pass, and in training mode the gradients of the backward pass.
    final class Workspace {
        let capacity: Int
        let stem: UnitBuffers
        let blocks: [(first: UnitBuffers, second: UnitBuffers)]
        let policy, value: UnitBuffers
        /// Convolution scratch (im2col patches or Winograd transforms), shared by all convolutions.
        let scratch: UnsafeMutablePointer<Float>
        /// Training mode only: three cell×filter gradient buffers and the heads' gradients.
        let gradients: [UnsafeMutablePointer<Float>]
        let policyFeatureGradient, valueFeatureGradient, policyGradient, valueGradient: UnsafeMutablePointer<Float>
        private let arena: FloatBuffer

        init(trunk: ResidualTrunk, capacity: Int, mode: PassMode) {
            self.capacity = capacity
            let rows = capacity * trunk.cells, filters = trunk.filters, training = mode == .training
            var layout = ArenaLayout()
            let scratchOffset = layout.reserve(
                trunk.units.map { $0.convolution.scratchCount(batch: capacity) }.max() ?? 0)
            // In inference three buffers rotate through the trunk (a block's input stays live
            // until its residual add, and batch norm is applied as the convolution writes); in
            // training every activation is kept for the backward pass.
            let rotating = training ? [] : (0..<3).map { _ in layout.reserve(rows * filters) }
            func unit(_ unit: Unit, rotatingIndex: Int?) -> (Int, Int, Int) {
                let channels = unit.convolution.outputChannels
                let statistics = layout.reserve(unit.norm.statisticsCount)
                if training {
                    return (layout.reserve(rows * channels), layout.reserve(rows * channels), statistics)
                }
                let z = rotatingIndex.map { rotating[$0] } ?? layout.reserve(rows * channels)
                return (z, z, statistics)
            }
            let stemOffsets = unit(trunk.stem, rotatingIndex: 0)
            var current = 0
            var blockOffsets: [((Int, Int, Int), (Int, Int, Int))] = []
            for block in trunk.blocks {
                let first = unit(block.first, rotatingIndex: (current + 1) % 3)
                let second = unit(block.second, rotatingIndex: (current + 2) % 3)
                blockOffsets.append((first, second))
                current = (current + 2) % 3
            }
            let policyOffsets = unit(trunk.policy, rotatingIndex: nil)
            let valueOffsets = unit(trunk.value, rotatingIndex: nil)
            let gradientOffsets = training ? (0..<3).map { _ in layout.reserve(rows * filters) } : []
            let headGradientOffsets = training ? [2, 1, 2, 1].map { layout.reserve(rows * $0) } : []

            let arena = FloatBuffer(count: layout.count), base = arena.pointer
            self.arena = arena
            func buffers(_ offsets: (Int, Int, Int)) -> UnitBuffers {
                UnitBuffers(z: base + offsets.0, a: base + offsets.1, statistics: base + offsets.2)
            }
            stem = buffers(stemOffsets)
            blocks = blockOffsets.map { (buffers($0.0), buffers($0.1)) }
            policy = buffers(policyOffsets)
            value = buffers(valueOffsets)
            scratch = base + scratchOffset
            gradients = gradientOffsets.map { base + $0 }
            let heads = headGradientOffsets.map { base + $0 }
            policyFeatureGradient = training ? heads[0] : base
            valueFeatureGradient = training ? heads[1] : base
            policyGradient = training ? heads[2] : base
            valueGradient = training ? heads[3] : base
        }
    }

    let cells: Int
    let filters: Int
    let stem: Unit
    let blocks: [(first: Unit, second: Unit)]
    let policy: Unit
    let value: Unit
    private var workspaces: [PassMode: Workspace] = [:]

    init(architecture: NetworkArchitecture, blocks blockCount: Int, filters: Int, storage: NetworkStorage) {
        let height = architecture.boardHeight, width = architecture.boardWidth
        cells = architecture.cells
        self.filters = filters
        func conv(
            _ inputs: Int, _ outputs: Int, _ kernel: Int, _ layout: Convolution.Layout = .channelsLast
        ) -> Convolution {
            Convolution(
                inputChannels: inputs, outputChannels: outputs, kernelSize: kernel, height: height, width: width,
                inputLayout: layout)
        }
        stem = Unit(
            convolution: "stem.conv", norm: "stem.bn", conv(architecture.inputPlanes, filters, 3, .planar), storage)
        blocks = (0..<blockCount).map { index in
            let name = "blocks.\(index)"
            return (
                Unit(convolution: name + ".conv1", norm: name + ".bn1", conv(filters, filters, 3), storage),
                Unit(convolution: name + ".conv2", norm: name + ".bn2", conv(filters, filters, 3), storage)
            )
        }
        policy = Unit(convolution: "policy.conv", norm: "policy.bn", conv(filters, 2, 1), storage)
        value = Unit(convolution: "value.conv", norm: "value.bn", conv(filters, 1, 1), storage)
    }

    var policyFeatureCount: Int { 2 * cells }
    var valueFeatureCount: Int { cells }

    /// Every convolution + batch norm unit.
    var units: [Unit] { [stem, policy, value] + blocks.flatMap { [$0.first, $0.second] } }

    private func workspace(count: Int, mode: PassMode) -> Workspace {
        if let existing = workspaces[mode], existing.capacity >= count { return existing }
        let created = Workspace(
            trunk: self, capacity: capacity(for: count, current: workspaces[mode]?.capacity ?? 0), mode: mode)
        workspaces[mode] = created
        return created
    }

    private func run(
        _ unit: Unit, input: UnsafePointer<Float>, buffers: UnitBuffers, residual: UnsafePointer<Float>?,
        count: Int, space: Workspace, mode: PassMode
    ) {
        switch mode {
        case .training:
            unit.convolution.forward(
                input: input, weight: unit.weight, output: buffers.z, batch: count, scratch: space.scratch)
            unit.norm.forwardTraining(
                input: buffers.z, scale: unit.scale, shift: unit.shift, rows: count * cells,
                statistics: buffers.statistics, output: buffers.a, residual: residual, relu: true)
        case .inference:
            // Batch norm, residual add and ReLU are applied as the convolution writes its output.
            let epilogue = unit.norm.inferenceEpilogue(
                scale: unit.scale, shift: unit.shift, runningMean: unit.runningMean,
                runningVariance: unit.runningVariance,
                statistics: buffers.statistics, residual: residual, relu: true)
            unit.convolution.forward(
                input: input, weight: unit.weight, output: buffers.z, batch: count,
                scratch: space.scratch, epilogue: epilogue)
        }
    }

    func forward(
        input: UnsafePointer<Float>, count: Int, mode: PassMode
    )
        -> (policy: UnsafePointer<Float>, value: UnsafePointer<Float>)
    {
        let space = workspace(count: count, mode: mode)
        run(stem, input: input, buffers: space.stem, residual: nil, count: count, space: space, mode: mode)
        var x = space.stem.a
        for (block, buffers) in zip(blocks, space.blocks) {
            run(block.first, input: x, buffers: buffers.first, residual: nil, count: count, space: space, mode: mode)
            run(
                block.second, input: buffers.first.a, buffers: buffers.second, residual: x, count: count, space: space,
                mode: mode)
            x = buffers.second.a
        }
        run(policy, input: x, buffers: space.policy, residual: nil, count: count, space: space, mode: mode)
        run(value, input: x, buffers: space.value, residual: nil, count: count, space: space, mode: mode)
        return (UnsafePointer(space.policy.a), UnsafePointer(space.value.a))
    }

    func featureGradients() -> (policy: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>) {
        guard let space = workspaces[.training] else { preconditionFailure("backward before a training forward pass") }
        return (space.policyFeatureGradient, space.valueFeatureGradient)
    }

    /// Back-propagates `gradient` (of the unit's output `a`) to the convolution's input.
    private func backward(
        _ unit: Unit, input: UnsafePointer<Float>, buffers: UnitBuffers, reluOutput: Bool,
        gradient: UnsafePointer<Float>, normGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool, count: Int, space: Workspace
    ) {
        unit.norm.backward(
            input: buffers.z, scale: unit.scale, statistics: buffers.statistics, rows: count * cells,
            output: reluOutput ? UnsafePointer(buffers.a) : nil, outputGradient: gradient,
            inputGradient: normGradient, scaleGradient: unit.scaleGradient, shiftGradient: unit.shiftGradient)
        unit.convolution.backward(
            input: input, weight: unit.weight, outputGradient: normGradient, batch: count,
            scratch: space.scratch, weightGradient: unit.weightGradient, inputGradient: inputGradient,
            accumulate: accumulate)
    }

    func backward(input: UnsafePointer<Float>, count: Int) {
        guard let space = workspaces[.training], space.capacity >= count else {
            preconditionFailure("backward before a training forward pass")
        }
        let g = space.gradients[0], h = space.gradients[1], d = space.gradients[2]
        let last = space.blocks.last?.second.a ?? space.stem.a
        backward(
            policy, input: last, buffers: space.policy, reluOutput: true, gradient: space.policyFeatureGradient,
            normGradient: space.policyGradient, inputGradient: g, accumulate: false, count: count, space: space)
        backward(
            value, input: last, buffers: space.value, reluOutput: true, gradient: space.valueFeatureGradient,
            normGradient: space.valueGradient, inputGradient: g, accumulate: true, count: count, space: space)
        for index in blocks.indices.reversed() {
            let block = blocks[index], buffers = space.blocks[index]
            let blockInput = index == 0 ? space.stem.a : space.blocks[index - 1].second.a
            // g holds the gradient of relu(bn2(conv2) + x): mask it, and it is also the skip gradient.
            Activation.reluBackward(output: buffers.second.a, gradient: g, count: count * cells * filters)
            backward(
                block.second, input: buffers.first.a, buffers: buffers.second, reluOutput: false, gradient: g,
                normGradient: d, inputGradient: h, accumulate: false, count: count, space: space)
            backward(
                block.first, input: blockInput, buffers: buffers.first, reluOutput: true, gradient: h,
                normGradient: d, inputGradient: g, accumulate: true, count: count, space: space)
        }
        backward(
            stem, input: input, buffers: space.stem, reluOutput: true, gradient: g, normGradient: d,
            inputGradient: nil, accumulate: false, count: count, space: space)
    }

    func updateRunningStatistics(count: Int) {
        guard let space = workspaces[.training] else { return }
        let rows = count * cells
        func update(_ unit: Unit, _ buffers: UnitBuffers) {
            unit.norm.updateRunningStatistics(
                statistics: buffers.statistics, rows: rows,
                runningMean: unit.runningMean, runningVariance: unit.runningVariance)
        }
        update(stem, space.stem)
        for (block, buffers) in zip(blocks, space.blocks) {
            update(block.first, buffers.first)
            update(block.second, buffers.second)
        }
        update(policy, space.policy)
        update(value, space.value)
    }
}

// MARK: - Dense trunk

/// Dense + ReLU layers on the flattened input; both heads read the last layer's output
/// (or the input itself when there is no hidden layer).
final class DenseTrunk: Trunk {
    struct Layer {
        let dense: Dense
        let weight, bias, weightGradient, biasGradient: UnsafeMutablePointer<Float>
    }

    /// Layer outputs (all kept in training mode, two alternating in inference) and gradients.
    final class Workspace {
        let capacity: Int
        let outputs: [UnsafeMutablePointer<Float>]
        /// Training mode only: two gradient buffers of the widest layer.
        let gradients: [UnsafeMutablePointer<Float>]
        let policyFeatureGradient, valueFeatureGradient: UnsafeMutablePointer<Float>
        private let arena: FloatBuffer

        init(trunk: DenseTrunk, capacity: Int, mode: PassMode) {
            self.capacity = capacity
            let training = mode == .training
            let widest = trunk.layers.map(\.dense.outputs).max() ?? 0
            var layout = ArenaLayout()
            let alternating = training ? [] : (0..<2).map { _ in layout.reserve(capacity * widest) }
            let outputOffsets = trunk.layers.indices.map { index in
                training ? layout.reserve(capacity * trunk.layers[index].dense.outputs) : alternating[index % 2]
            }
            let gradientOffsets = training ? (0..<2).map { _ in layout.reserve(capacity * widest) } : []
            let features = capacity * trunk.policyFeatureCount
            let featureOffsets = training ? (layout.reserve(features), layout.reserve(features)) : (0, 0)
            let arena = FloatBuffer(count: layout.count), base = arena.pointer
            self.arena = arena
            outputs = outputOffsets.map { base + $0 }
            gradients = gradientOffsets.map { base + $0 }
            policyFeatureGradient = base + featureOffsets.0
            valueFeatureGradient = base + featureOffsets.1
        }
    }

    let inputSize: Int
    let layers: [Layer]
    private var workspaces: [PassMode: Workspace] = [:]

    init(architecture: NetworkArchitecture, hidden: [Int], storage: NetworkStorage) {
        inputSize = architecture.inputSize
        var width = inputSize
        layers = hidden.enumerated().map { index, outputs in
            defer { width = outputs }
            let name = "body.\(index)"
            return Layer(
                dense: Dense(inputs: width, outputs: outputs),
                weight: storage.weight(name + ".weight"), bias: storage.weight(name + ".bias"),
                weightGradient: storage.gradient(name + ".weight"), biasGradient: storage.gradient(name + ".bias"))
        }
    }

    var policyFeatureCount: Int { layers.last?.dense.outputs ?? inputSize }
    var valueFeatureCount: Int { policyFeatureCount }

    private func workspace(count: Int, mode: PassMode) -> Workspace {
        if let existing = workspaces[mode], existing.capacity >= count { return existing }
        let created = Workspace(
            trunk: self, capacity: capacity(for: count, current: workspaces[mode]?.capacity ?? 0), mode: mode)
        workspaces[mode] = created
        return created
    }

    func forward(
        input: UnsafePointer<Float>, count: Int, mode: PassMode
    )
        -> (policy: UnsafePointer<Float>, value: UnsafePointer<Float>)
    {
        let space = workspace(count: count, mode: mode)
        var x = input
        for (layer, output) in zip(layers, space.outputs) {
            layer.dense.forward(input: x, weight: layer.weight, bias: layer.bias, output: output, rows: count)
            Activation.relu(output, count: count * layer.dense.outputs)
            x = UnsafePointer(output)
        }
        return (x, x)
    }

    func featureGradients() -> (policy: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>) {
        guard let space = workspaces[.training] else { preconditionFailure("backward before a training forward pass") }
        return (space.policyFeatureGradient, space.valueFeatureGradient)
    }

    func backward(input: UnsafePointer<Float>, count: Int) {
        guard let space = workspaces[.training], space.capacity >= count else {
            preconditionFailure("backward before a training forward pass")
        }
        guard !layers.isEmpty else { return }
        var current = space.gradients[0], other = space.gradients[1]
        for i in 0..<(count * policyFeatureCount) {
            current[i] = space.policyFeatureGradient[i] + space.valueFeatureGradient[i]
        }
        for index in layers.indices.reversed() {
            let layer = layers[index]
            Activation.reluBackward(output: space.outputs[index], gradient: current, count: count * layer.dense.outputs)
            layer.dense.backward(
                input: index == 0 ? input : UnsafePointer(space.outputs[index - 1]), weight: layer.weight,
                outputGradient: current, rows: count, weightGradient: layer.weightGradient,
                biasGradient: layer.biasGradient, inputGradient: index == 0 ? nil : other)
            swap(&current, &other)
        }
    }

    func updateRunningStatistics(count: Int) {}
}
