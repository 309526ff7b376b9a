import Foundation
import GameKit

/// A node of a search tree. Trees store nodes in one contiguous arena; children of a node
/// are contiguous and found by index, so there is no object per node.
public struct SearchNode: Sendable {
    /// Completed visits.
    public var visits: Int32 = 0
    /// Sum of backed-up values from the view of the player who moved into this node.
    public var valueSum: Float = 0
    /// The prior probability of the move into this node.
    public var prior: Float = 0
    /// The evaluator's value of this position for its side to move (set when expanded).
    public var rawValue: Float = 0
    /// Index of the first child, or -1 while unexpanded.
    public var firstChild: Int32 = -1
    /// Index of the parent, or -1 for the root.
    public var parent: Int32 = -1
    public var childCount: Int16 = 0
    /// The action that leads here from the parent.
    public var action: Int16 = -1
    /// Visits in flight (virtual loss), reverted when their evaluation returns (at most a few
    /// leaves per tree and batch, so 16 bits do; the node stays at 32 bytes).
    public var virtualVisits: Int16 = 0
    /// The game-theoretic value if known, from the view of the player who moved into this node.
    public var proof: Proof = .unknown
    /// Whether this leaf waits for a network evaluation.
    public var isPending = false

    /// The mean value from the view of the player who moved into this node (0 if unvisited).
    @inlinable public var meanValue: Float { visits > 0 ? valueSum / Float(visits) : 0 }
}

/// A proven game-theoretic value (MCTS-solver), from the view of the player who moved into a node.
public enum Proof: Int8, Sendable {
    case unknown = 0, win = 1, loss = -1, draw = 2

    /// The value of the proof: +1, -1 or 0 (`nil` when unknown).
    @inlinable public var value: Float? {
        switch self {
        case .unknown: return nil
        case .win: return 1
        case .loss: return -1
        case .draw: return 0
        }
    }
}

/// Statistics of one root move after a search.
public struct RootMove: Sendable, Hashable {
    public var action: Int
    public var visits: Int
    /// Mean value for the player to move at the root.
    public var value: Float
    public var prior: Float
    public var proof: Proof
}

/// What one descent from the root reached.
public enum Leaf<Game: GameState> {
    /// A position whose value is known exactly (terminal or proven); already backed up.
    case exact
    /// An unexpanded position that needs an evaluation; its node is marked pending.
    case needsEvaluation(node: Int32, state: Game)
    /// A leaf already waiting for an evaluation in this batch; virtual visits were reverted.
    case collision
}

/// One game's search tree: a node arena, the root position, and the operations of MCTS
/// (select with virtual loss, expand, back up, prove, reuse a subtree).
///
/// Every action passes the turn to the other player (a pass is an action), so values flip
/// sign from one level to the next.
public final class SearchTree<Game: GameState> {
    /// How children are chosen during descent.
    public enum SelectionRule: Sendable {
        /// AlphaZero's PUCT with network priors.
        case puct
        /// UCB1 with exploration constant `c`; unvisited children first, in random order.
        case uct(c: Float)
    }

    // The stored properties skip the runtime's exclusivity checks, which took 6% of a Connect Four
    // training run in its MLP phase (benchmarks/README.md, 2026-12-03): a tree is used by one thread
    // at a time, which never holds a property across a call back into the tree.
    @exclusivity(unchecked) public internal(set) var rootState: Game
    @exclusivity(unchecked) public var configuration: SearchConfiguration
    @exclusivity(unchecked) public var rule: SelectionRule

    @exclusivity(unchecked) @usableFromInline var nodes: UnsafeMutablePointer<SearchNode>
    @exclusivity(unchecked) @usableFromInline var capacity: Int
    @exclusivity(unchecked) public internal(set) var nodeCount: Int = 0
    @exclusivity(unchecked) var spare: UnsafeMutablePointer<SearchNode>
    @exclusivity(unchecked) var spareCapacity: Int

    /// The index of the root node.
    public static var root: Int32 { 0 }

    /// An empty tree at the start position, with room for 4096 nodes before it grows.
    public init(configuration: SearchConfiguration, rule: SelectionRule = .puct) {
        rootState = Game()
        self.configuration = configuration
        self.rule = rule
        capacity = 4096
        nodes = .allocate(capacity: capacity)
        spareCapacity = capacity
        spare = .allocate(capacity: spareCapacity)
        reset(to: rootState)
    }

    deinit {
        nodes.deallocate()
        spare.deallocate()
    }

    /// Node `index` (read-only view); an index outside the tree stops the program.
    @inlinable public subscript(index: Int32) -> SearchNode {
        precondition(index >= 0 && Int(index) < nodeCount, "node \(index) is outside the tree (\(nodeCount) nodes)")
        return nodes[Int(index)]
    }

    /// Discards the tree and starts from `state`.
    public func reset(to state: Game) {
        rootState = state
        nodeCount = 1
        nodes[0] = SearchNode()
    }

    /// Plays `action` at the root. The chosen child's subtree becomes the new tree (compacted
    /// into the spare arena, so the rest is dropped without being copied); a child that was
    /// never expanded simply starts a fresh tree.
    public func advance(by action: Int) {
        var next = rootState
        next.apply(action)
        let root = nodes[0]
        var child: Int32 = -1
        if root.firstChild >= 0 {
            for index in root.firstChild..<root.firstChild + Int32(root.childCount)
            where nodes[Int(index)].action == Int16(action) {
                child = index
            }
        }
        guard child >= 0 else { reset(to: next); return }
        compact(from: child)
        rootState = next
    }

    /// Follows a move of the game being played: keeps the subtree when `action` is legal at the
    /// root and leads to `state`, and otherwise (the tree stood elsewhere, e.g. before a random
    /// opening) starts afresh at `state`. Never applies an action where it is illegal.
    public func follow(_ action: Int, to state: Game) {
        if !rootState.isTerminal && rootState.legalActions.contains(action) {
            var next = rootState
            next.apply(action)
            if next == state {
                advance(by: action)
                return
            }
        }
        reset(to: state)
    }

    /// Copies the subtree under `newRoot` breadth-first into the spare arena and swaps arenas.
    func compact(from newRoot: Int32) {
        if spareCapacity < capacity {
            spare.deallocate()
            spareCapacity = capacity
            spare = .allocate(capacity: spareCapacity)
        }
        spare[0] = nodes[Int(newRoot)]
        spare[0].parent = -1
        var written = 1
        var scan = 0
        // Breadth-first: spare[scan] is a copied node whose children still point into `nodes`.
        while scan < written {
            let oldFirst = spare[scan].firstChild
            if oldFirst >= 0 {
                let count = Int(spare[scan].childCount)
                spare[scan].firstChild = Int32(written)
                for k in 0..<count {
                    spare[written + k] = nodes[Int(oldFirst) + k]
                    spare[written + k].parent = Int32(scan)
                }
                written += count
            }
            scan += 1
        }
        swap(&nodes, &spare)
        swap(&capacity, &spareCapacity)
        nodeCount = written
    }

    func reserve(_ extra: Int) {
        guard nodeCount + extra > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < nodeCount + extra { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<SearchNode>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: nodes, count: nodeCount)
        nodes.deallocate()
        nodes = grown
        capacity = newCapacity
    }

    // MARK: Descent

    /// Walks from the root to a leaf, adding a virtual visit to every node on the way.
    ///
    /// Terminal and proven leaves are backed up at once. With `forcedRootChild`, the first
    /// step takes that root child (used by Gumbel sequential halving).
    public func descend<R: RandomNumberGenerator>(using rng: inout R, forcedRootChild: Int32 = -1) -> Leaf<Game> {
        var index: Int32 = 0
        var state = rootState
        while true {
            nodes[Int(index)].virtualVisits += 1
            let node = nodes[Int(index)]
            if let proven = node.proof.value {
                backup(from: index, value: -proven)
                return .exact
            }
            if node.firstChild < 0 {
                if let outcome = state.outcome {
                    // The player who moved into this node is the one not to move now.
                    let moverValue = outcome.value(for: state.currentPlayer.opponent)
                    nodes[Int(index)].proof = moverValue > 0 ? .win : moverValue < 0 ? .loss : .draw
                    backup(from: index, value: -moverValue)
                    if configuration.solver { propagateProof(from: index) }
                    return .exact
                }
                if node.isPending {
                    revertVirtualVisits(from: index)
                    return .collision
                }
                nodes[Int(index)].isPending = true
                return .needsEvaluation(node: index, state: state)
            }
            index = index == 0 && forcedRootChild >= 0 ? forcedRootChild : selectChild(of: index, using: &rng)
            state.apply(Int(nodes[Int(index)].action))
        }
    }

    /// The child the selection rule prefers.
    @inlinable func selectChild<R: RandomNumberGenerator>(of parentIndex: Int32, using rng: inout R) -> Int32 {
        let parent = nodes[Int(parentIndex)]
        let first = Int(parent.firstChild)
        let end = first + Int(parent.childCount)
        let solver = configuration.solver
        let virtualValue = configuration.virtualLossValue
        var best = Int32(first)
        var bestScore = -Float.infinity
        // The parent's visits: completed ones and those of other descents in flight, not this
        // descent's own (added on the way down, before choosing), as in AlphaZero's formula.
        let parentVisits = Float(parent.visits + Int32(parent.virtualVisits) - 1)
        switch rule {
        case .puct:
            let explore =
                (configuration.cInit + logf((parentVisits + configuration.cBase + 1) / configuration.cBase))
                * max(parentVisits, 1).squareRoot()
            let unvisitedValue: Float
            if let reduction = configuration.fpuReduction {
                unvisitedValue = (parent.visits > 0 ? -parent.valueSum / Float(parent.visits) : 0) - reduction
            } else {
                unvisitedValue = 0
            }
            for child in first..<end {
                let node = nodes[child]
                if solver {
                    if node.proof == .win { return Int32(child) }
                    if node.proof == .loss { continue }
                }
                let visits = Float(node.visits + Int32(node.virtualVisits))
                let q =
                    visits > 0 ? (node.valueSum + Float(node.virtualVisits) * virtualValue) / visits : unvisitedValue
                let score = q + explore * node.prior / (1 + visits)
                if score > bestScore { bestScore = score; best = Int32(child) }
            }
        case .uct(let c):
            let logParent = logf(max(1, parentVisits))
            // From a random child onwards, wrapping around.
            var child = first + Int.random(in: 0..<(end - first), using: &rng)
            for _ in first..<end {
                defer { child = child + 1 == end ? first : child + 1 }
                let node = nodes[child]
                if solver {
                    if node.proof == .win { return Int32(child) }
                    if node.proof == .loss { continue }
                }
                let visits = Float(node.visits + Int32(node.virtualVisits))
                if visits == 0 { return Int32(child) }
                let q = (node.valueSum + Float(node.virtualVisits) * virtualValue) / visits
                let score = q + c * (logParent / visits).squareRoot()
                if score > bestScore { bestScore = score; best = Int32(child) }
            }
        }
        return best
    }

    // MARK: Expansion and backup

    /// Creates the children of pending leaf `index` with priors read from `priors`
    /// (indexed by action), then backs up `value` (from the leaf's side to move).
    public func expand(_ index: Int32, state: Game, priors: UnsafeBufferPointer<Float>, value: Float) {
        let legal = state.legalActions
        reserve(legal.count)
        let first = nodeCount
        var total: Float = 0
        for action in legal { total += priors[action] }
        let scale: Float = total > 0 ? 1 / total : 0
        let uniform: Float = total > 0 ? 0 : 1 / Float(legal.count)
        var k = first
        for action in legal {
            nodes[k] = SearchNode()
            nodes[k].prior = priors[action] * scale + uniform
            nodes[k].action = Int16(action)
            nodes[k].parent = index
            k += 1
        }
        nodeCount = k
        nodes[Int(index)].rawValue = value
        nodes[Int(index)].firstChild = Int32(first)
        nodes[Int(index)].childCount = Int16(legal.count)
        nodes[Int(index)].isPending = false
        backup(from: index, value: value)
    }

    /// Adds one visit with `value` (from `index`'s side to move) to `index` and its ancestors,
    /// removing the virtual visit each got on the way down.
    @inlinable public func backup(from index: Int32, value: Float) {
        var current = index
        var moverValue = -value
        while current >= 0 {
            nodes[Int(current)].visits += 1
            nodes[Int(current)].virtualVisits -= 1
            nodes[Int(current)].valueSum += moverValue
            moverValue = -moverValue
            current = nodes[Int(current)].parent
        }
    }

    /// Removes the virtual visit of `index` and its ancestors (a descent that hit a leaf already
    /// waiting for its evaluation). The leaf stays pending: its evaluation is still to come.
    public func revertVirtualVisits(from index: Int32) {
        var current = index
        while current >= 0 {
            nodes[Int(current)].virtualVisits -= 1
            current = nodes[Int(current)].parent
        }
    }

    /// Marks ancestors proven where the children's proofs decide them.
    func propagateProof(from index: Int32) {
        var child = index
        while nodes[Int(child)].proof != .unknown {
            let parent = nodes[Int(child)].parent
            guard parent >= 0, nodes[Int(parent)].proof == .unknown else { return }
            var proof = Proof.unknown
            if nodes[Int(child)].proof == .win {
                proof = .loss  // the side to move at `parent` has a winning move
            } else {
                let first = Int(nodes[Int(parent)].firstChild)
                var allProven = true
                var anyDraw = false
                for k in first..<first + Int(nodes[Int(parent)].childCount) {
                    switch nodes[k].proof {
                    case .unknown: allProven = false
                    case .draw: anyDraw = true
                    case .win: proof = .loss
                    case .loss: break
                    }
                }
                if proof == .unknown && allProven { proof = anyDraw ? .draw : .win }
            }
            guard proof != .unknown else { return }
            nodes[Int(parent)].proof = proof
            child = parent
        }
    }

    // MARK: Root

    /// Whether the root has been expanded.
    public var isRootExpanded: Bool { nodes[0].firstChild >= 0 }

    /// Mixes Dirichlet(alpha) noise into the root's priors with weight `fraction`.
    public func addRootNoise<R: RandomNumberGenerator>(alpha: Float, fraction: Float, using rng: inout R) {
        let root = nodes[0]
        guard root.firstChild >= 0, fraction > 0, root.childCount > 1 else { return }
        let first = Int(root.firstChild)
        let count = Int(root.childCount)
        var samples = (0..<count).map { _ in rng.nextGamma(shape: Double(alpha)) }
        let total = samples.reduce(0, +)
        if total > 0 {
            samples = samples.map { $0 / total }
        } else {
            samples = Array(repeating: 1 / Double(count), count: count)
        }
        for k in 0..<count {
            nodes[first + k].prior = (1 - fraction) * nodes[first + k].prior + fraction * Float(samples[k])
        }
    }

    /// Visits, values and priors of the root's moves.
    public var rootMoves: [RootMove] {
        let root = nodes[0]
        guard root.firstChild >= 0 else { return [] }
        return (Int(root.firstChild)..<Int(root.firstChild) + Int(root.childCount)).map { k in
            let node = nodes[k]
            return RootMove(
                action: Int(node.action), visits: Int(node.visits), value: node.meanValue, prior: node.prior,
                proof: node.proof)
        }
    }

    /// The index of the root's child for `action`, or -1.
    public func rootChild(for action: Int) -> Int32 {
        let root = nodes[0]
        guard root.firstChild >= 0 else { return -1 }
        for k in root.firstChild..<root.firstChild + Int32(root.childCount) where nodes[Int(k)].action == Int16(action)
        { return k }
        return -1
    }

    /// The sum of virtual visits over all nodes (zero whenever no evaluation is in flight).
    public var outstandingVirtualVisits: Int {
        (0..<nodeCount).reduce(0) { $0 + Int(nodes[$1].virtualVisits) }
    }
}
