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
    public func searchGumbel<R: RandomNumberGenerator>(trees active: [Int], simulations: Int, sampledActions: Int,
                                                       using rng: inout R) -> [GumbelChoice] {
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
                list.append(GumbelCandidate(child: Int32(index), action: Int(node.action), logit: log(max(node.prior, 1e-12)), gumbel: gumbel))
            }
            candidates.append(list)
        }
        let logitsOfAll = candidates   // every legal action, for the improved policy
        for k in candidates.indices {
            candidates[k].sort { $0.gumbel + $0.logit > $1.gumbel + $1.logit }
            candidates[k] = Array(candidates[k].prefix(max(1, sampledActions)))
        }

        func sigma(_ q: Float, tree: Int) -> Float {
            let searchTree = trees[tree]
            let root = searchTree[0]
            var maxVisits: Int32 = 0
            for index in Int(root.firstChild)..<Int(root.firstChild) + Int(root.childCount) { maxVisits = max(maxVisits, searchTree[Int32(index)].visits) }
            return (50 + Float(maxVisits)) * 1.0 * (q + 1) / 2
        }
        func score(_ candidate: GumbelCandidate, tree: Int) -> Float {
            let node = trees[tree][candidate.child]
            return candidate.gumbel + candidate.logit + (node.visits > 0 ? sigma(node.meanValue, tree: tree) : 0)
        }

        // Sequential halving.
        let largest = candidates.map(\.count).max() ?? 1
        let phases = max(1, Int(ceil(log2(Double(max(largest, 2))))))
        var spent = [Int](repeating: 0, count: active.count)
        for phase in 0..<phases {
            let widest = candidates.map(\.count).max() ?? 0
            for rank in 0..<widest {
                var forcing: [(tree: Int, child: Int32, simulations: Int)] = []
                for (k, tree) in active.enumerated() where rank < candidates[k].count && !trees[tree].rootState.isTerminal {
                    let left = simulations - spent[k]
                    let share = phase == phases - 1
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
                    candidates[k].sort { score($0, tree: tree) > score($1, tree: tree) }
                    candidates[k] = Array(candidates[k].prefix((candidates[k].count + 1) / 2))
                }
            }
        }

        return active.enumerated().map { k, tree in
            let searchTree = trees[tree]
            let best = candidates[k].max { score($0, tree: tree) < score($1, tree: tree) }!
            // Completed Q: visited children keep their Q; unvisited ones get the mixed value.
            let root = searchTree[0]
            let rootValue = root.visits > 0 ? -root.valueSum / Float(root.visits) : 0
            var visitedPrior: Float = 0, visitedPriorQ: Float = 0, totalVisits: Float = 0
            for candidate in logitsOfAll[k] {
                let node = searchTree[candidate.child]
                if node.visits > 0 {
                    visitedPrior += node.prior
                    visitedPriorQ += node.prior * node.meanValue
                    totalVisits += Float(node.visits)
                }
            }
            let mixed = visitedPrior > 0 ? (rootValue + totalVisits * visitedPriorQ / visitedPrior) / (1 + totalVisits) : rootValue
            var policy = [Float](repeating: 0, count: Game.actionCount)
            var largestLogit = -Float.infinity
            var improved: [(Int, Float)] = []
            for candidate in logitsOfAll[k] {
                let node = searchTree[candidate.child]
                let q = node.visits > 0 ? node.meanValue : mixed
                let logit = candidate.logit + sigma(q, tree: tree)
                improved.append((candidate.action, logit))
                largestLogit = max(largestLogit, logit)
            }
            var total: Float = 0
            for (action, logit) in improved {
                policy[action] = exp(logit - largestLogit)
                total += policy[action]
            }
            for (action, _) in improved { policy[action] /= total }
            return GumbelChoice(action: best.action, policy: policy)
        }
    }
}
