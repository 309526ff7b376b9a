import Foundation
import GameKit

/// The result of a Gumbel root search on one tree.
public struct GumbelChoice: Sendable {
    /// The action selected by sequential halving.
    public var action: Int
    /// The improved policy softmax(logits + σ(completed Q)), indexed by action.
    public var policy: [Float]
}

/// A root action taking part in sequential halving.
struct GumbelCandidate {
    var child: Int32
    var action: Int
    var logit: Float
    var gumbel: Float
}

extension BatchedSearch {
    /// Gumbel MuZero/AlphaZero root search (Danihelka et al., ICLR 2022): samples `sampledActions`
    /// root actions by Gumbel-top-k, splits `simulations` between them by sequential halving,
    /// and returns each tree's selected action and improved policy target.
    ///
    /// Below the root the usual PUCT rule applies (a simplification of the paper's
    /// deterministic interior selection).
    public func searchGumbel<R: RandomNumberGenerator>(
        trees active: [Int], simulations: Int, sampledActions: Int,
        using rng: inout R
    ) -> [GumbelChoice] {
        // Expand the roots first.
        let unexpanded = active.filter { !trees[$0].isRootExpanded && !trees[$0].rootState.isTerminal }
        if !unexpanded.isEmpty { search(trees: unexpanded, simulations: 0, rootNoise: false, using: &rng) }

        var candidates: [[GumbelCandidate]] = []
        for tree in active {
            let searchTree = trees[tree]
            let root = searchTree[0]
            var list: [GumbelCandidate] = []
            for index in Int(root.firstChild)..<Int(root.firstChild) + Int(root.childCount) {
                let node = searchTree[Int32(index)]
                let u = max(Double.leastNormalMagnitude, Double.random(in: 0..<1, using: &rng))
                let gumbel = Float(-log(-log(u)))
                list.append(
                    GumbelCandidate(
                        child: Int32(index), action: Int(node.action), logit: log(max(node.prior, 1e-12)),
                        gumbel: gumbel))
            }
            candidates.append(list)
        }
        let logitsOfAll = candidates  // every legal action, for the improved policy
        for k in candidates.indices {
            candidates[k].sort { $0.gumbel + $0.logit > $1.gumbel + $1.logit }
            candidates[k] = Array(candidates[k].prefix(max(1, sampledActions)))
        }

        // σ(q̂) of every root action, recomputed from the tree's current statistics.
        func transformed(tree: Int) -> [Int32: Float] { Self.transformedValues(trees[tree]) }
        func score(_ candidate: GumbelCandidate, values: [Int32: Float]) -> Float {
            candidate.gumbel + candidate.logit + (values[candidate.child] ?? 0)
        }

        // Sequential halving.
        let largest = candidates.map(\.count).max() ?? 1
        let phases = max(1, Int(ceil(log2(Double(max(largest, 2))))))
        var spent = [Int](repeating: 0, count: active.count)
        for phase in 0..<phases {
            let widest = candidates.map(\.count).max() ?? 0
            for rank in 0..<widest {
                var forcing: [(tree: Int, child: Int32, simulations: Int)] = []
                for (k, tree) in active.enumerated()
                where rank < candidates[k].count && !trees[tree].rootState.isTerminal {
                    let left = simulations - spent[k]
                    let share =
                        phase == phases - 1
                        ? max(1, left / (candidates[k].count - rank))
                        : max(1, simulations / (phases * candidates[k].count))
                    let visits = min(share, max(0, left))
                    guard visits > 0 else { continue }
                    spent[k] += visits
                    forcing.append((tree, candidates[k][rank].child, visits))
                }
                if !forcing.isEmpty { search(forcing: forcing, using: &rng) }
            }
            if phase < phases - 1 {
                for (k, tree) in active.enumerated() where candidates[k].count > 1 {
                    let values = transformed(tree: tree)
                    candidates[k].sort { score($0, values: values) > score($1, values: values) }
                    candidates[k] = Array(candidates[k].prefix((candidates[k].count + 1) / 2))
                }
            }
        }

        return active.enumerated().map { k, tree in
            let searchTree = trees[tree]
            var policy = [Float](repeating: 0, count: Game.actionCount)
            // Proven moves decide, as in PUCT's target: a proven win is played (uniform target
            // over the proven wins); proven losses are avoided while another move remains.
            let (allowed, provenWin) = searchTree.decidingMoves()
            if provenWin {
                for move in allowed { policy[move.action] = 1 / Float(allowed.count) }
                let sampledWin = candidates[k].first { candidate in allowed.contains { $0.action == candidate.action } }
                return GumbelChoice(action: sampledWin?.action ?? allowed[0].action, policy: policy)
            }
            let losing = Set(searchTree.rootMoves.map(\.action)).subtracting(allowed.map(\.action))
            let values = Self.transformedValues(searchTree)
            let kept = candidates[k].filter { !losing.contains($0.action) }
            let best = (kept.isEmpty ? candidates[k] : kept).max {
                score($0, values: values) < score($1, values: values)
            }!
            // The improved policy: softmax(logits + σ(completed Q)) over every legal action.
            var largestLogit = -Float.infinity
            for candidate in logitsOfAll[k] where !losing.contains(candidate.action) {
                largestLogit = max(largestLogit, candidate.logit + values[candidate.child]!)
            }
            var total: Float = 0
            for candidate in logitsOfAll[k] where !losing.contains(candidate.action) {
                policy[candidate.action] = exp(candidate.logit + values[candidate.child]! - largestLogit)
                total += policy[candidate.action]
            }
            for action in policy.indices { policy[action] /= total }
            return GumbelChoice(action: best.action, policy: policy)
        }
    }

    /// σ(completed Q) of each root child (Danihelka et al. 2022, with mctx's defaults): visited
    /// children keep their mean value (a proven child its proven value); unvisited ones take the
    /// mixed value of the network's root value and the prior-weighted Q of the visited ones.
    /// The completed values are scaled to [0, 1] by their minimum and maximum, then
    /// σ(q̂) = (c_visit + max N) · c_scale · q̂ with c_visit = 50, c_scale = 0.1.
    static func transformedValues(_ tree: SearchTree<Game>) -> [Int32: Float] {
        let root = tree[0]
        guard root.firstChild >= 0 else { return [:] }
        let children = root.firstChild..<root.firstChild + Int32(root.childCount)
        func q(_ node: SearchNode) -> Float { node.proof.value ?? node.meanValue }
        var visitSum: Float = 0, visitedPrior: Float = 0, visitedPriorQ: Float = 0
        var maxVisits: Int32 = 0
        for index in children {
            let node = tree[index]
            maxVisits = max(maxVisits, node.visits)
            guard node.visits > 0 else { continue }
            visitSum += Float(node.visits)
            visitedPrior += node.prior
            visitedPriorQ += node.prior * q(node)
        }
        let mixed =
            visitedPrior > 0
            ? (root.rawValue + visitSum * visitedPriorQ / visitedPrior) / (1 + visitSum)
            : root.rawValue
        var completed: [Int32: Float] = [:]
        for index in children { completed[index] = tree[index].visits > 0 ? q(tree[index]) : mixed }
        let low = completed.values.min()!, high = completed.values.max()!
        let scale = (50 + Float(maxVisits)) * 0.1
        return completed.mapValues { scale * ($0 - low) / max(high - low, 1e-8) }
    }
}
