import Dispatch

/// A large batch in slices on two cores, each with a one-thread OpenBLAS: on 2 cores that beats one pass
/// whose sgemms OpenBLAS splits in two, since every part of the pass runs in parallel (activations, batch
/// norm and losses too) and the cores meet once per batch instead of once per sgemm; and a slice small
/// enough for the core's cache beats one long pass (benchmarks/README.md, "a batch in slices").
extension PolicyValueNetwork {
    /// The smallest training batch that is split in two (the MLP 256-256 gains from 32 positions on).
    static let smallestHalvedTrainingBatch = 32

    /// The smallest prediction split across two threads: 2^24 multiply-adds (a split pass pays a thread's
    /// wake-up; the MLP 256-256, 105k multiply-adds a position, gains from about 160 positions on, the
    /// ResNet 4×48 from fewer than 32), and at least 16 positions.
    static func smallestHalvedPrediction(for architecture: NetworkArchitecture) -> Int {
        max(16, (1 << 24) / max(1, architecture.multiplyAddsPerPosition))
    }

    /// The most positions in one slice of a prediction: the widest activation of a slice in 512 KiB, so
    /// that its passes stay in the core's cache (the ResNet 4×48 on one thread predicts 8,200 positions/s
    /// at batch 64 and 6,900 at 256), and at least 16.
    static func cachedPredictionRows(for architecture: NetworkArchitecture) -> Int {
        let widest: Int
        switch architecture.body {
        case .mlp(let hidden): widest = max(architecture.inputSize, hidden.max() ?? 0)
        case .residual(_, let filters): widest = architecture.cells * max(filters, architecture.inputPlanes)
        }
        return max(16, (1 << 17) / max(1, widest))
    }

    /// Whether a training step splits its batch: the MLP's only, since batch norm's statistics span the
    /// whole batch. It splits whatever the thread count, so that its result does not depend on it.
    var trainsInHalves: Bool {
        if case .mlp = architecture.body { return true }
        return false
    }

    /// Rows per slice of a `count`-position prediction: at most `cachedPredictionRows`, and at most half
    /// the batch when two threads can share it.
    func predictionSliceRows(_ count: Int) -> Int {
        guard splitsBatches else { return count }
        var rows = cachedPredictionRows
        if count >= smallestHalvedPrediction && BLAS.threadCount > 1 { rows = min(rows, (count + 1) / 2) }
        return rows
    }

    /// Runs `work` on the rows `0..<count` in slices of at most `rows` rows, the even slices with this
    /// network and the odd ones with `otherHalf`: at once on two threads when OpenBLAS may use two (each
    /// then calling it with one), else one after the other. One slice is one call with this network.
    func inSlices<Work: SliceWork>(_ count: Int, of rows: Int, _ work: Work) {
        guard rows < count else { return work.run(self, rows: 0..<count) }
        let slices = Slices(networks: (self, otherHalf), rows: rows, count: count, work: work)
        let threads = BLAS.threadCount
        guard threads > 1 else { return slices.run(worker: 0, of: 1) }
        BLAS.threadCount = 1
        DispatchQueue.concurrentPerform(iterations: 2) { slices.run(worker: $0, of: 2) }
        BLAS.threadCount = threads
    }

    /// `computeGradients` over the two halves of the batch: each half's mean gradient, then their mean
    /// weighted by the halves' sizes, in this network's gradients.
    func gradientsInHalves(
        inputs: UnsafePointer<Float>, legalMask: UnsafePointer<Float>,
        policyTargets: UnsafePointer<Float>, valueTargets: UnsafePointer<Float>, count: Int
    ) -> TrainingLosses {
        let middle = (count + 1) / 2
        let (first, second) = withUnsafeTemporaryAllocation(of: TrainingLosses.self, capacity: 2) { losses in
            let halves = GradientHalves(
                inputs: inputs, legalMask: legalMask, policyTargets: policyTargets, valueTargets: valueTargets,
                losses: losses.baseAddress!)
            inSlices(count, of: middle, halves)
            return (losses[0], losses[1])
        }
        let a = Float(middle) / Float(count), b = 1 - a
        let mine = storage.gradients.pointer, other = otherHalf.storage.gradients.pointer
        for i in 0..<storage.gradients.count { mine[i] = a * mine[i] + b * other[i] }
        return TrainingLosses(
            policy: a * first.policy + b * second.policy, value: a * first.value + b * second.value, l2: 0)
    }
}

/// Work on some rows of a batch with one of the two networks of `inSlices`.
protocol SliceWork: SendableMetatype {
    func run(_ network: PolicyValueNetwork, rows: Range<Int>)
}

/// `predict`'s rows: positions in, move probabilities and values out.
struct PredictionSlices: SliceWork {
    let inputs, legalMask: UnsafePointer<Float>
    let policy, values: UnsafeMutablePointer<Float>

    func run(_ network: PolicyValueNetwork, rows: Range<Int>) {
        let size = network.architecture.inputSize, actions = network.architecture.actionCount
        let space = network.forward(inputs: inputs + rows.lowerBound * size, count: rows.count, mode: .inference)
        Loss.maskedSoftmax(
            logits: space.logits, mask: legalMask + rows.lowerBound * actions, rows: rows.count,
            columns: actions, probabilities: policy + rows.lowerBound * actions)
        (values + rows.lowerBound).update(from: space.values, count: rows.count)
    }
}

/// A training batch's two halves: each half's gradients in its network, its losses in `losses[0]` or `[1]`.
private struct GradientHalves: SliceWork {
    let inputs, legalMask, policyTargets, valueTargets: UnsafePointer<Float>
    let losses: UnsafeMutablePointer<TrainingLosses>

    func run(_ network: PolicyValueNetwork, rows: Range<Int>) {
        let start = rows.lowerBound, size = network.architecture.inputSize
        let actions = network.architecture.actionCount
        losses[start == 0 ? 0 : 1] = network.gradients(
            inputs: inputs + start * size, legalMask: legalMask + start * actions,
            policyTargets: policyTargets + start * actions, valueTargets: valueTargets + start, count: rows.count)
    }
}

/// The slices of one batch, shared by the worker threads. Unchecked Sendable: worker `w` of `n` runs the
/// slices `w, w + n, …`, writing only their rows and the workspaces of its slices' network (with two
/// workers, each network belongs to one).
private struct Slices<Work: SliceWork>: @unchecked Sendable {
    let networks: (PolicyValueNetwork, PolicyValueNetwork)
    let rows: Int
    let count: Int
    let work: Work

    func run(worker: Int, of workers: Int) {
        for index in stride(from: worker, to: (count + rows - 1) / rows, by: workers) {
            let start = index * rows
            work.run(index % 2 == 0 ? networks.0 : networks.1, rows: start..<min(start + rows, count))
        }
    }
}
