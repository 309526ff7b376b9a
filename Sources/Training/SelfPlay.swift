import Foundation
import GameKit
import Search

/// Plays self-play games with one network, many at a time so that every network call
/// carries the leaves of all of them.
///
/// Each move is searched with PUCT, with Dirichlet noise at the root, and sampled in proportion
/// to visits^(1/τ) with the settings' temperature schedule. The policy target is the visit
/// distribution, or at a root the solver has proven, uniform over its best proven moves. With a
/// Gumbel root, the move and the policy target come from sequential halving.
/// With playout-cap randomization only the fully searched moves become samples.
public final class SelfPlayRunner<Game: GameState> {
    public let settings: TrainingConfiguration.SelfPlaySettings
    public let search: BatchedSearch<Game>
    private var rng: Xoshiro256

    public init(
        settings: TrainingConfiguration.SelfPlaySettings, searchConfiguration: SearchConfiguration,
        evaluator: any Evaluator, rng: Xoshiro256
    ) {
        self.settings = settings
        search = BatchedSearch(
            treeCount: min(settings.concurrentGames, settings.games), configuration: searchConfiguration,
            evaluator: evaluator)
        self.rng = rng
    }

    /// The generator's state after the games (for checkpoints).
    public var randomState: Xoshiro256 { rng }

    struct PendingSample {
        var input: [Float]
        var mask: [Float]
        var policy: [Float]
        var player: Player
        var key: UInt64
        /// The root's searched value for `player`.
        var rootValue: Float
    }

    /// Plays `settings.games` games; `progress` gets the number of finished games.
    /// Returns nil if `shouldStop` turned true (the partial games are dropped).
    public func play(
        progress: (Int, SelfPlayStatistics) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }
    ) -> (samples: SampleSet, statistics: SelfPlayStatistics)? {
        let inputSize = Game.encodingShape.count
        let slots = search.trees.count
        var samples = SampleSet(inputSize: inputSize, actionCount: Game.actionCount)
        var statistics = SelfPlayStatistics()
        var pending = [[PendingSample]](repeating: [], count: slots)
        var gameKey = [UInt64](repeating: Self.emptyGameKey, count: slots)
        var rootVisitsBefore = [Int](repeating: 0, count: slots)
        var gameKeys = Set<UInt64>()
        var started = 0
        var active: [Int] = []
        for slot in 0..<slots where started < settings.games {
            search.trees[slot].reset(to: Game())
            started += 1
            active.append(slot)
        }
        var entropySum = 0.0
        var keys = Set<UInt64>()
        var input = [Float](repeating: 0, count: inputSize)
        var policy = [Float](repeating: 0, count: Game.actionCount)
        var full: [Int] = []
        var fast: [Int] = []
        let fullSimulations = search.configuration.simulations
        while !active.isEmpty {
            if shouldStop() { return nil }
            full.removeAll(keepingCapacity: true)
            fast.removeAll(keepingCapacity: true)
            for slot in active {
                if settings.fullSearchFraction >= 1 || rng.nextUnitDouble() < settings.fullSearchFraction {
                    full.append(slot)
                } else {
                    fast.append(slot)
                }
            }
            for slot in active { rootVisitsBefore[slot] = Int(search.trees[slot][0].visits) }
            var gumbelChoices: [Int: GumbelChoice] = [:]
            if !full.isEmpty {
                if case .gumbel(let sampled) = search.configuration.root {
                    let choices = search.searchGumbel(
                        trees: full, simulations: fullSimulations, sampledActions: sampled, using: &rng)
                    for (slot, choice) in zip(full, choices) { gumbelChoices[slot] = choice }
                } else {
                    search.search(trees: full, simulations: fullSimulations, rootNoise: true, using: &rng)
                }
            }
            if !fast.isEmpty {
                search.search(trees: fast, simulations: settings.fastSimulations, rootNoise: false, using: &rng)
            }
            var finished: [Int] = []
            for slot in active {
                let tree = search.trees[slot]
                let state = tree.rootState
                let gumbel = gumbelChoices[slot]
                statistics.simulations += Int(tree[0].visits) - rootVisitsBefore[slot]
                if full.contains(slot) {
                    if tree[0].proof != .unknown { statistics.provenRoots += 1 }
                    input.withUnsafeMutableBufferPointer { state.encode(into: $0) }
                    if let gumbel {
                        policy = gumbel.policy
                    } else {
                        policy.withUnsafeMutableBufferPointer { tree.visitDistribution(into: $0) }
                    }
                    var mask = [Float](repeating: 0, count: Game.actionCount)
                    for action in state.legalActions { mask[action] = 1 }
                    var entropy = 0.0
                    for p in policy where p > 0 { entropy -= Double(p) * log(Double(p)) }
                    entropySum += entropy
                    let rootValue = tree[0].proof.value.map { -$0 } ?? -tree[0].meanValue
                    pending[slot].append(
                        PendingSample(
                            input: input, mask: mask, policy: policy, player: state.currentPlayer,
                            key: state.positionKey, rootValue: rootValue))
                }
                let temperature = settings.temperature(atMove: state.moveCount)
                // Gumbel sampling already explores; its selected action is played as it is.
                let action = gumbel?.action ?? tree.chooseAction(temperature: temperature, using: &rng)
                if state.moveCount == 0 { statistics.firstMoves[action, default: 0] += 1 }
                gameKey[slot] = Self.extend(gameKey[slot], with: action)
                tree.advance(by: action)
                statistics.moves += 1
                if let outcome = tree.rootState.outcome {
                    statistics.games += 1
                    if outcome == .draw { statistics.draws += 1 }
                    for sample in pending[slot] {
                        sample.input.withUnsafeBufferPointer { i in
                            sample.mask.withUnsafeBufferPointer { m in
                                sample.policy.withUnsafeBufferPointer { p in
                                    let weight = Float(settings.valueTargetQWeight)
                                    let value =
                                        (1 - weight) * outcome.value(for: sample.player) + weight * sample.rootValue
                                    samples.append(input: i, mask: m, policy: p, value: value)
                                }
                            }
                        }
                        keys.insert(sample.key)
                    }
                    pending[slot].removeAll()
                    gameKeys.insert(gameKey[slot])
                    gameKey[slot] = Self.emptyGameKey
                    if started < settings.games {
                        tree.reset(to: Game())
                        started += 1
                    } else {
                        finished.append(slot)
                    }
                    progress(statistics.games, statistics)
                }
            }
            if !finished.isEmpty { active.removeAll { finished.contains($0) } }
        }
        statistics.samples = samples.count
        statistics.evaluations = search.statistics.evaluatedPositions
        statistics.cachedEvaluations = search.statistics.cachedPositions
        statistics.rootPolicyEntropy = samples.count > 0 ? entropySum / Double(samples.count) : 0
        statistics.distinctPositionFraction = samples.count > 0 ? Double(keys.count) / Double(samples.count) : 0
        statistics.positionKeys = keys
        statistics.gameKeys = gameKeys
        statistics.distinctGames = gameKeys.count
        return (samples, statistics)
    }
}

extension SelfPlayRunner {
    /// The key of a game with no moves yet, and the key after one more move (FNV-1a over the moves).
    static var emptyGameKey: UInt64 { 0xCBF2_9CE4_8422_2325 }

    static func extend(_ key: UInt64, with action: Int) -> UInt64 {
        (key ^ UInt64(action + 1)) &* 0x0000_0100_0000_01B3
    }
}

/// Runs self-play on several threads at once, each with its own copy of the network and its
/// own share of the games, while OpenBLAS uses one thread per call: on 2 cores this keeps both
/// busy through the element-wise work between the matrix products. The games each worker plays
/// depend only on the seed, so results do not depend on thread timing.
public enum ParallelSelfPlay {
    /// A box that lets one worker's values cross into its thread; each is used by one thread only.
    final class WorkerBox<Value>: @unchecked Sendable {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    public static func play<Game: GameState>(
        _ game: Game.Type, settings: TrainingConfiguration.SelfPlaySettings, search: SearchConfiguration,
        workers: Int, makeEvaluator: () -> any Evaluator, rng: inout Xoshiro256,
        progress: @escaping (Int, SelfPlayStatistics) -> Void,
        shouldStop: @escaping () -> Bool
    ) -> (samples: SampleSet, statistics: SelfPlayStatistics)? {
        let count = max(1, min(workers, settings.games))
        let runners: [WorkerBox<SelfPlayRunner<Game>>] = (0..<count).map { worker in
            var share = settings
            share.games = settings.games / count + (worker < settings.games % count ? 1 : 0)
            share.concurrentGames = max(1, settings.concurrentGames / count)
            return WorkerBox(
                SelfPlayRunner<Game>(
                    settings: share, searchConfiguration: search, evaluator: makeEvaluator(),
                    rng: rng.split(stream: UInt64(worker))))
        }
        let results = WorkerBox([(samples: SampleSet, statistics: SelfPlayStatistics)?](repeating: nil, count: count))
        let lock = NSLock()
        let report = WorkerBox(progress)
        let stop = WorkerBox(shouldStop)
        DispatchQueue.concurrentPerform(iterations: count) { worker in
            let result = runners[worker].value.play(
                progress: { done, statistics in
                    // Progress is reported by the first worker, scaled to all games.
                    if worker == 0 { report.value(done * count, statistics) }
                }, shouldStop: { stop.value() })
            lock.lock()
            results.value[worker] = result
            lock.unlock()
        }
        guard results.value.allSatisfy({ $0 != nil }) else { return nil }
        var samples = SampleSet(inputSize: Game.encodingShape.count, actionCount: Game.actionCount)
        for result in results.value { samples.append(contentsOf: result!.samples) }
        return (samples, SelfPlayStatistics.merged(results.value.map { $0!.statistics }))
    }
}
