import GameKit

/// Runs MCTS on many trees at once and evaluates their leaves together: each round collects
/// up to `leavesPerTree` leaves from every active tree (kept apart by virtual loss), sends them
/// to the evaluator as one batch, then expands and backs them up. Terminal and proven leaves
/// are scored exactly and never reach the evaluator, nor do positions whose answer is still
/// in the search's evaluation cache.
public final class BatchedSearch<Game: GameState> {
    public let trees: [SearchTree<Game>]
    public let evaluator: any Evaluator
    public var configuration: SearchConfiguration {
        didSet { for tree in trees { tree.configuration = configuration } }
    }

    /// Statistics since creation.
    @exclusivity(unchecked) public internal(set) var statistics = Statistics()

    public struct Statistics: Sendable {
        /// Evaluator calls and the positions they carried.
        public var batches = 0
        public var evaluatedPositions = 0
        /// Leaves answered from the evaluation cache (or by a copy of them in the same batch).
        public var cachedPositions = 0
        /// Leaves scored exactly (terminal or proven).
        public var exactLeaves = 0
        /// Mean positions per evaluator call.
        public var meanBatchSize: Double { batches > 0 ? Double(evaluatedPositions) / Double(batches) : 0 }
        /// The fraction of leaves sent for evaluation that the cache answered.
        public var cachedShare: Double {
            let leaves = evaluatedPositions + cachedPositions
            return leaves > 0 ? Double(cachedPositions) / Double(leaves) : 0
        }
    }

    let inputSize = Game.encodingShape.count
    let batchCapacity: Int
    let inputs: UnsafeMutableBufferPointer<Float>
    let masks: UnsafeMutableBufferPointer<Float>
    let priors: UnsafeMutableBufferPointer<Float>
    let values: UnsafeMutableBufferPointer<Float>
    /// The evaluator's answers for the rows it was sent, when a cache reorders the batch.
    let answerPriors: UnsafeMutableBufferPointer<Float>
    let answerValues: UnsafeMutableBufferPointer<Float>
    /// The owners of the six buffers above.
    let scratch: [ScratchBuffer<Float>]
    let cache: EvaluationCache?
    // The per-batch arrays below skip the runtime's exclusivity checks, as the trees' properties do
    // (SearchTree): one thread runs a batched search, and no access spans a call that reaches them again.
    /// Per leaf of a batch: the row of the evaluator's answer, or -1 for a cached one.
    @exclusivity(unchecked) var answerRow: ContiguousArray<Int32>
    /// Per row sent to the evaluator: the position's cache key.
    @exclusivity(unchecked) var rowKey: ContiguousArray<UInt64>
    @exclusivity(unchecked) var pendingTree: ContiguousArray<Int32>
    @exclusivity(unchecked) var pendingNode: ContiguousArray<Int32>
    @exclusivity(unchecked) var pendingState: ContiguousArray<Game>
    @exclusivity(unchecked) var targets: [Int]
    @exclusivity(unchecked) var forcedChild: [Int32]

    /// - Parameters:
    ///   - treeCount: the number of games searched together.
    ///   - evaluator: the network (or a stand-in) that scores leaves; it must answer the same
    ///     position the same way every time (its answers are cached).
    ///   - cacheBytes: the most memory the evaluation cache may take; 0 turns it off.
    public init(
        treeCount: Int, configuration: SearchConfiguration, evaluator: any Evaluator,
        cacheBytes: Int = BatchedSearch.defaultCacheBytes
    ) {
        precondition(treeCount >= 1)
        self.configuration = configuration
        self.evaluator = evaluator
        trees = (0..<treeCount).map { _ in SearchTree<Game>(configuration: configuration) }
        batchCapacity = treeCount * configuration.leavesPerTree
        scratch = [
            batchCapacity * Game.encodingShape.count, batchCapacity * Game.actionCount,
            batchCapacity * Game.actionCount, batchCapacity, batchCapacity * Game.actionCount, batchCapacity,
        ].map { ScratchBuffer(count: $0, zero: 0) }
        (inputs, masks, priors, values) = (scratch[0].buffer, scratch[1].buffer, scratch[2].buffer, scratch[3].buffer)
        (answerPriors, answerValues) = (scratch[4].buffer, scratch[5].buffer)
        cache =
            cacheBytes > 0
            ? EvaluationCache(
                actionCount: Game.actionCount, capacity: max(4096, batchCapacity * 1024), bytes: cacheBytes) : nil
        answerRow = ContiguousArray(repeating: -1, count: batchCapacity)
        rowKey = ContiguousArray(repeating: 0, count: batchCapacity)
        pendingTree = ContiguousArray(repeating: 0, count: batchCapacity)
        pendingNode = ContiguousArray(repeating: 0, count: batchCapacity)
        pendingState = ContiguousArray(repeating: Game(), count: batchCapacity)
        targets = Array(repeating: 0, count: treeCount)
        forcedChild = Array(repeating: -1, count: treeCount)
    }

    /// Searches the listed trees until each root has `simulations` more visits (or is proven).
    /// Roots are expanded first; then, if `rootNoise` is set, Dirichlet noise is mixed into
    /// their priors.
    public func search<R: RandomNumberGenerator>(
        trees active: [Int], simulations: Int, rootNoise: Bool, using rng: inout R
    ) {
        // Expand unexpanded roots in one batch, so noise can be mixed in before the search proper.
        let unexpanded = active.filter { !trees[$0].isRootExpanded && !trees[$0].rootState.isTerminal }
        if !unexpanded.isEmpty {
            for tree in unexpanded { targets[tree] = Int(trees[tree][0].visits) + 1 }
            run(unexpanded, rng: &rng)
        }
        if rootNoise && configuration.dirichletFraction > 0 {
            for tree in active {
                trees[tree].addRootNoise(
                    alpha: configuration.dirichletAlpha, fraction: configuration.dirichletFraction, using: &rng)
            }
        }
        for tree in active { targets[tree] = Int(trees[tree][0].visits) + simulations }
        run(active, rng: &rng)
    }

    /// Searches each listed tree `simulations` times with every simulation's first step fixed to
    /// that tree's root child `child` (Gumbel sequential halving drives this).
    func search<R: RandomNumberGenerator>(
        forcing children: [(tree: Int, child: Int32, simulations: Int)], using rng: inout R
    ) {
        for entry in children {
            forcedChild[entry.tree] = entry.child
            targets[entry.tree] = Int(trees[entry.tree][entry.child].visits) + entry.simulations
        }
        run(children.map(\.tree), rng: &rng, forced: true)
        for entry in children { forcedChild[entry.tree] = -1 }
    }

    func isDone(_ tree: Int, forced: Bool) -> Bool {
        let searchTree = trees[tree]
        if searchTree.rootState.isTerminal || searchTree[0].proof != .unknown { return true }
        let node = forced ? searchTree[forcedChild[tree]] : searchTree[0]
        return Int(node.visits) >= targets[tree] || (forced && node.proof != .unknown)
    }

    func run<R: RandomNumberGenerator>(_ active: [Int], rng: inout R, forced: Bool = false) {
        var remaining = active.filter { !isDone($0, forced: forced) }
        let leavesPerTree = configuration.leavesPerTree
        while !remaining.isEmpty {
            var count = 0
            for tree in remaining {
                let searchTree = trees[tree]
                let node = forced ? searchTree[forcedChild[tree]] : searchTree[0]
                let wanted = min(leavesPerTree, targets[tree] - Int(node.visits))
                var collected = 0
                var attempts = 0
                while collected < wanted && attempts < 2 * wanted && !isDone(tree, forced: forced) {
                    attempts += 1
                    switch searchTree.descend(using: &rng, forcedRootChild: forced ? forcedChild[tree] : -1) {
                    case .exact:
                        statistics.exactLeaves += 1
                    case .collision:
                        break
                    case .needsEvaluation(let leaf, let state):
                        pendingTree[count] = Int32(tree)
                        pendingNode[count] = leaf
                        pendingState[count] = state
                        let input = UnsafeMutableBufferPointer(
                            rebasing: inputs[(count * inputSize)..<((count + 1) * inputSize)])
                        state.encode(into: input)
                        let maskBase = count * Game.actionCount
                        for action in 0..<Game.actionCount { masks[maskBase + action] = 0 }
                        for action in state.legalActions { masks[maskBase + action] = 1 }
                        count += 1
                        collected += 1
                    }
                }
            }
            if count > 0 {
                if let cache { evaluate(count, through: cache) } else { evaluate(count) }
                for k in 0..<count {
                    let policy = UnsafeBufferPointer(
                        rebasing: priors[(k * Game.actionCount)..<((k + 1) * Game.actionCount)])
                    trees[Int(pendingTree[k])].expand(
                        pendingNode[k], state: pendingState[k], priors: policy, value: values[k])
                }
            }
            remaining.removeAll { isDone($0, forced: forced) }
        }
    }

    /// Sends the first `count` collected leaves to the evaluator.
    func evaluate(_ count: Int) {
        evaluator.evaluate(
            inputs: UnsafeBufferPointer(rebasing: inputs[0..<(count * inputSize)]),
            legalMask: UnsafeBufferPointer(rebasing: masks[0..<(count * Game.actionCount)]),
            count: count,
            priors: UnsafeMutableBufferPointer(rebasing: priors[0..<(count * Game.actionCount)]),
            values: UnsafeMutableBufferPointer(rebasing: values[0..<count]))
        statistics.batches += 1
        statistics.evaluatedPositions += count
    }

    /// Answers the first `count` collected leaves from the cache where it can and sends the
    /// rest, each distinct position once, to the evaluator (moved to the front of the batch).
    func evaluate(_ count: Int, through cache: EvaluationCache) {
        let actions = Game.actionCount
        var rows = 0
        for k in 0..<count {
            let input = UnsafeBufferPointer(rebasing: inputs[(k * inputSize)..<((k + 1) * inputSize)])
            let mask = UnsafeBufferPointer(rebasing: masks[(k * actions)..<((k + 1) * actions)])
            let key = EvaluationCache.key(input: input, mask: mask)
            let lookup = cache.lookup(
                key, reservingFor: Int32(rows),
                priorsOut: UnsafeMutableBufferPointer(rebasing: priors[(k * actions)..<((k + 1) * actions)]),
                valueOut: values.baseAddress! + k)
            switch lookup {
            case .hit:
                answerRow[k] = -1
            case .waiting(let row):
                answerRow[k] = row
            case .miss:
                if rows != k {
                    (inputs.baseAddress! + rows * inputSize).update(from: input.baseAddress!, count: inputSize)
                    (masks.baseAddress! + rows * actions).update(from: mask.baseAddress!, count: actions)
                }
                answerRow[k] = Int32(rows)
                rowKey[rows] = key
                rows += 1
            }
        }
        statistics.cachedPositions += count - rows
        guard rows > 0 else { return }
        evaluator.evaluate(
            inputs: UnsafeBufferPointer(rebasing: inputs[0..<(rows * inputSize)]),
            legalMask: UnsafeBufferPointer(rebasing: masks[0..<(rows * actions)]),
            count: rows,
            priors: UnsafeMutableBufferPointer(rebasing: answerPriors[0..<(rows * actions)]),
            values: UnsafeMutableBufferPointer(rebasing: answerValues[0..<rows]))
        statistics.batches += 1
        statistics.evaluatedPositions += rows
        for row in 0..<rows {
            let answer = UnsafeBufferPointer(rebasing: answerPriors[(row * actions)..<((row + 1) * actions)])
            cache.store(rowKey[row], row: Int32(row), priors: answer, value: answerValues[row])
        }
        for k in 0..<count where answerRow[k] >= 0 {
            let row = Int(answerRow[k])
            priors.baseAddress!.advanced(by: k * actions).update(
                from: answerPriors.baseAddress!.advanced(by: row * actions), count: actions)
            values[k] = answerValues[row]
        }
    }
}

extension BatchedSearch {
    /// The evaluation cache's default memory limit: 16 MiB.
    public static var defaultCacheBytes: Int { 16 << 20 }
}
