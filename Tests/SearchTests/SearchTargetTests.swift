import Environments
import GameKit
import Search
import Testing

/// Pending leaves stay pending until evaluated, and policy targets follow the solver's proofs.
@Suite struct SearchTargetTests {
    @Test func aCollisionLeavesTheLeafPendingSoItIsNotQueuedTwice() {
        var rng = Xoshiro256(seed: 1)
        let tree = SearchTree<ConnectFour>(configuration: SearchConfiguration())
        guard case .needsEvaluation(let leaf, _) = tree.descend(using: &rng) else {
            Issue.record("the unexpanded root needs an evaluation"); return
        }
        for _ in 0..<3 {
            guard case .collision = tree.descend(using: &rng) else {
                Issue.record("a pending leaf was handed out again"); return
            }
        }
        #expect(tree[leaf].isPending)
        #expect(tree.outstandingVirtualVisits == 1)
    }

    @Test func aNodeStaysThirtyTwoBytes() {
        #expect(MemoryLayout<SearchNode>.stride == 32)
    }

    @Test func batchedSearchExpandsEveryLeafOnceWithManyLeavesPerTree() {
        var rng = Xoshiro256(seed: 2)
        var configuration = SearchConfiguration()
        configuration.leavesPerTree = 16
        let search = BatchedSearch<ConnectFour>(
            treeCount: 4, configuration: configuration,
            evaluator: UniformEvaluator(actionCount: 7))
        search.search(trees: [0, 1, 2, 3], simulations: 400, rootNoise: false, using: &rng)
        for tree in search.trees {
            // Every node is reachable from the root exactly once (no orphaned children of a
            // second expansion) and visit counts add up along the tree.
            var reached = 0
            var stack: [Int32] = [0]
            while let index = stack.popLast() {
                reached += 1
                let node = tree[index]
                #expect(!node.isPending)
                guard node.firstChild >= 0 else { continue }
                var childVisits: Int32 = 0
                for child in node.firstChild..<node.firstChild + Int32(node.childCount) {
                    stack.append(child)
                    childVisits += tree[child].visits
                }
                #expect(node.visits == childVisits + 1 || node.proof != .unknown)
            }
            #expect(reached == tree.nodeCount)
            #expect(tree.outstandingVirtualVisits == 0)
        }
    }

    func searched(_ moves: String, simulations: Int = 300) throws -> SearchTree<ConnectFour> {
        var rng = Xoshiro256(seed: 3)
        let search = BatchedSearch<ConnectFour>(
            treeCount: 1, configuration: SearchConfiguration(),
            evaluator: UniformEvaluator(actionCount: 7))
        search.trees[0].reset(to: try ConnectFour(notation: moves))
        search.search(trees: [0], simulations: simulations, rootNoise: false, using: &rng)
        return search.trees[0]
    }

    func target(_ tree: SearchTree<ConnectFour>) -> [Float] {
        var policy = [Float](repeating: 0, count: 7)
        policy.withUnsafeMutableBufferPointer { tree.visitDistribution(into: $0) }
        return policy
    }

    @Test func aProvenWinGetsTheWholeTarget() throws {
        // Second player to move with three stones in column 1: playing 1 wins at once.
        let tree = try searched("4141415")
        #expect(tree[0].proof != .unknown)
        #expect(target(tree) == [1, 0, 0, 0, 0, 0, 0])
        // The search stopped once the root was proven, with a visit or so per child: the
        // visit distribution alone would put about 1/7 on the win.
        #expect(tree[0].visits < 20)
    }

    @Test func provenLossesGetNoMassWhileAnotherMoveRemains() throws {
        // Second player to move must block column 4; every other move loses at once.
        let tree = try searched("41414")
        let policy = target(tree)
        let losses = tree.rootMoves.filter { $0.proof == .loss }
        #expect(losses.count == 6)
        for move in losses { #expect(policy[move.action] == 0) }
        #expect(policy[3] == 1)
        #expect(abs(policy.reduce(0, +) - 1) < 1e-6)
    }
}
