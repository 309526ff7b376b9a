import Environments
import GameKit
import Testing

@testable import Search

/// An evaluator whose answer is a fixed function of the encoded position alone (as a network's
/// is), so that a cached answer equals a fresh one bit for bit; it counts what it is sent.
final class PositionHashEvaluator: Evaluator {
    let actionCount: Int
    var positions = 0
    init(actionCount: Int) { self.actionCount = actionCount }

    func evaluate(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
    ) {
        let inputSize = inputs.count / count
        for position in 0..<count {
            var hash: UInt64 = 17
            for index in 0..<inputSize { hash = mix64(hash ^ UInt64(inputs[position * inputSize + index].bitPattern)) }
            values[position] = Float(hash % 2001) / 1000 - 1
            var sum: Float = 0
            for action in 0..<actionCount {
                let weight = legalMask[position * actionCount + action] * Float(1 + (hash >> (action % 16 * 4)) & 15)
                priors[position * actionCount + action] = weight
                sum += weight
            }
            for action in 0..<actionCount where sum > 0 { priors[position * actionCount + action] /= sum }
        }
        positions += count
    }
}

@Suite struct EvaluationCacheTests {
    /// Searches `trees` Connect Four trees, half of them from the same position, and returns the
    /// search and its evaluator.
    func search(cacheBytes: Int, trees: Int = 16) -> (BatchedSearch<ConnectFour>, PositionHashEvaluator) {
        var rng = Xoshiro256(seed: 0xCAC4E)
        var configuration = SearchConfiguration()
        configuration.leavesPerTree = 4
        configuration.dirichletFraction = 0.25
        let evaluator = PositionHashEvaluator(actionCount: 7)
        let search = BatchedSearch<ConnectFour>(
            treeCount: trees, configuration: configuration, evaluator: evaluator, cacheBytes: cacheBytes)
        let starts = connectFourPositions(count: trees / 2, seed: 44) { _ in true }
        for tree in 0..<trees { search.trees[tree].reset(to: tree % 2 == 0 ? ConnectFour() : starts[tree / 2]) }
        for _ in 0..<3 {
            search.search(trees: Array(0..<trees), simulations: 150, rootNoise: true, using: &rng)
            for tree in search.trees where !tree.rootState.isTerminal {
                tree.advance(by: tree.chooseAction(temperature: 1, using: &rng))
            }
        }
        return (search, evaluator)
    }

    /// Every root move (visits, value, prior) of every tree.
    func roots(_ search: BatchedSearch<ConnectFour>) -> [[RootMove]] { search.trees.map(\.rootMoves) }

    /// Changing any one float of the encoded position or of its mask changes the key, for lengths
    /// that leave every tail (zero to three pairs after the groups of four, and a single float): a key
    /// that dropped a lane, a tail pair or the last float would not.
    @Test(arguments: [[84, 7], [18, 9], [5, 3], [8, 2], [14, 12], [100, 81]])
    func theKeySeesEveryFloat(sizes: [Int]) {
        var rng = Xoshiro256(seed: 0x4B45)
        var input = (0..<sizes[0]).map { _ in Float(rng.next() % 2) }
        var mask = (0..<sizes[1]).map { _ in Float(rng.next() % 2) }
        func key() -> UInt64 {
            input.withUnsafeBufferPointer { input in
                mask.withUnsafeBufferPointer { EvaluationCache.key(input: input, mask: $0) }
            }
        }
        let original = key()
        var unchanged: [String] = []
        for index in input.indices {
            input[index] = 1 - input[index]
            if key() == original { unchanged.append("input[\(index)]") }
            input[index] = 1 - input[index]
        }
        for index in mask.indices {
            mask[index] = 1 - mask[index]
            if key() == original { unchanged.append("mask[\(index)]") }
            mask[index] = 1 - mask[index]
        }
        #expect(unchanged.isEmpty, "floats the key ignores: \(unchanged)")
        #expect(key() == original)
    }

    /// Every Connect Four position up to six plies deep has a key of its own.
    @Test func connectFourPositionsHaveDistinctKeys() {
        var keys: [UInt64: [Float]] = [:]
        var input = [Float](repeating: 0, count: ConnectFour.encodingShape.count)
        var mask = [Float](repeating: 0, count: ConnectFour.actionCount)
        var collisions = 0
        func visit(_ state: ConnectFour, depth: Int) {
            input.withUnsafeMutableBufferPointer { state.encode(into: $0) }
            for action in 0..<ConnectFour.actionCount { mask[action] = state.legalActions.contains(action) ? 1 : 0 }
            let key = input.withUnsafeBufferPointer { input in
                mask.withUnsafeBufferPointer { EvaluationCache.key(input: input, mask: $0) }
            }
            if let seen = keys[key] {
                if seen != input + mask { collisions += 1 }
            } else {
                keys[key] = input + mask
            }
            guard depth > 0, !state.isTerminal else { return }
            for action in state.legalActions {
                var next = state
                next.apply(action)
                visit(next, depth: depth - 1)
            }
        }
        visit(ConnectFour(), depth: 6)
        #expect(keys.count > 20_000 && collisions == 0, "\(keys.count) positions, \(collisions) collisions")
    }

    @Test(arguments: [BatchedSearch<ConnectFour>.defaultCacheBytes, 1])
    func aCachedSearchGrowsTheTreesAnUncachedOneGrows(cacheBytes: Int) {
        let (plain, plainEvaluator) = search(cacheBytes: 0)
        let (cached, cachedEvaluator) = search(cacheBytes: cacheBytes)
        #expect(roots(cached) == roots(plain))
        #expect(plain.statistics.cachedPositions == 0)
        #expect(cached.statistics.cachedPositions > 0)
        #expect(cachedEvaluator.positions == cached.statistics.evaluatedPositions)
        #expect(
            cached.statistics.evaluatedPositions + cached.statistics.cachedPositions
                == plain.statistics.evaluatedPositions)
        #expect(plainEvaluator.positions == plain.statistics.evaluatedPositions)
        for tree in cached.trees { #expect(tree.outstandingVirtualVisits == 0) }
    }

    @Test func aLargerCacheAnswersMore() {
        let (small, _) = search(cacheBytes: 1)
        let (large, _) = search(cacheBytes: BatchedSearch<ConnectFour>.defaultCacheBytes)
        #expect(large.statistics.cachedPositions > small.statistics.cachedPositions)
    }

    @Test func copiesOfAPositionInOneBatchShareOneEvaluation() {
        var rng = Xoshiro256(seed: 3)
        let evaluator = CountingEvaluator(actionCount: 7)
        let search = BatchedSearch<ConnectFour>(
            treeCount: 8, configuration: SearchConfiguration(), evaluator: evaluator)
        search.search(trees: Array(0..<8), simulations: 1, rootNoise: false, using: &rng)
        // Eight identical roots: one evaluation, seven copies.
        #expect(evaluator.batchSizes.first == 1)
        #expect(search.statistics.cachedPositions >= 7)
        for tree in search.trees { #expect(tree.isRootExpanded && tree[0].visits >= 1) }
    }
}
