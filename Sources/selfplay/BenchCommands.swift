import ArgumentParser
import Environments
import Foundation
import GameKit
import Training
import NeuralNet
import Search

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the kernels: game move generation, tree search, the network.",
        subcommands: [BenchGamesCommand.self, BenchMCTSCommand.self, BenchGemmCommand.self, BenchNNCommand.self]
    )
}

struct BenchGamesCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "games",
        abstract: "Random playouts per second and perft leaves per second.",
        discussion: "benchmarks/games/openspiel_compare.py puts these figures next to OpenSpiel's on the same machine."
    )

    @OptionGroup var game: GameOption
    @Option(help: "Seconds to spend on random playouts.")
    var seconds: Double = 2
    @Option(help: "Perft depth (default: the game's benchmark depth; 0 skips perft).")
    var perftDepth: Int?
    @Option(help: "Seed of the random playouts.")
    var seed: UInt64 = 1
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        guard seconds > 0, seconds <= longestDuration else {
            throw ValidationError("--seconds must be positive and at most a year")
        }
        try GameCatalog.visit(try game.resolve(), with: self)
    }

    func visit<G: GameState>(_ type: G.Type) {
        var rng = Xoshiro256(seed: seed)
        var games = 0
        var moves = 0
        var firstWins = 0
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        while clock.now < deadline {
            for _ in 0..<100 {
                var state = G()
                // The engine's own uniform move (Go checks superko only for the point drawn).
                while !state.isTerminal {
                    state.playRandomAction(using: &rng)
                    moves += 1
                }
                if state.outcome == .win(.first) { firstWins += 1 }
                games += 1
            }
        }
        let elapsed = (clock.now - start).seconds
        let depth = perftDepth ?? G.perft.benchmarkDepth
        var perftLeaves = 0
        var perftSeconds = 0.0
        if depth > 0 {
            let perftStart = clock.now
            perftLeaves = perft(G(), depth: depth)
            perftSeconds = (clock.now - perftStart).seconds
        }
        let copyNanoseconds = Self.copyNanoseconds(of: Self.midGameState(G.self, using: &rng))
        if json {
            let firstPlayerWinRate = Double(firstWins) / Double(games)
            print(
                """
                {"game":"\(G.name)","playouts_per_s":\(Double(games) / elapsed),\
                "moves_per_s":\(Double(moves) / elapsed),\
                "mean_length":\(Double(moves) / Double(games)),"first_player_win_rate":\(firstPlayerWinRate),\
                "perft_depth":\(depth),"perft_leaves":\(perftLeaves),"perft_seconds":\(perftSeconds),\
                "state_bytes":\(MemoryLayout<G>.size),"copy_ns":\(copyNanoseconds)}
                """)
        } else {
            print("\(G.name): \(games) random playouts in \(String(format: "%.2f", elapsed)) s")
            print(
                String(
                    format: "  playouts/s %.0f   moves/s %.3g   mean length %.1f   first player wins %.1f%%",
                    Double(games) / elapsed, Double(moves) / elapsed, Double(moves) / Double(games),
                    100 * Double(firstWins) / Double(games)))
            if depth > 0 {
                print(
                    String(
                        format: "  perft(%d) = %d in %.3f s: %.3g leaves/s", depth, perftLeaves, perftSeconds,
                        Double(perftLeaves) / perftSeconds))
            }
            print(
                String(
                    format: "  state %d bytes, one copy %.1f ns (load average %@)", MemoryLayout<G>.size,
                    copyNanoseconds, Machine.loadAverage))
        }
    }

    /// A position halfway through a random game (a state's storage may depend on its moves).
    static func midGameState<G: GameState>(_ game: G.Type, using rng: inout Xoshiro256) -> G {
        var state = G()
        while !state.isTerminal && state.moveCount < G.maxGameLength / 4 {
            var next = state
            next.apply(state.legalActions.randomElement(using: &rng))
            if next.isTerminal { break }
            state = next
        }
        return state
    }

    /// Nanoseconds per copy of `state` from one slot of a 64-state array into another, as search
    /// copies its root state at the start of every simulation and hands a leaf's state on.
    static func copyNanoseconds<G: GameState>(of state: G) -> Double {
        var slots = [G](repeating: state, count: 64)
        let copies = 2_000_000
        let start = ContinuousClock.now
        slots.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<copies { buffer[index & 63] = buffer[(index &+ 17) & 63] }
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(slots[copies & 63].moveCount == state.moveCount)
        return seconds * 1e9 / Double(copies)
    }
}

struct BenchMCTSCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "mcts",
        abstract: "Simulations per second of tree search from the start position.",
        discussion: """
            --evaluator rollout: UCT with one random rollout per leaf (the settings of OpenSpiel's MCTSBot \
            in benchmarks/mcts/openspiel_compare.py). --evaluator uniform: batched PUCT with a stand-in \
            evaluator, which isolates the search's own cost. --evaluator net: batched PUCT with the game's \
            default network (random weights: the cost is the same), timing the share spent in the network.
            """
    )

    enum EvaluatorKind: String, ExpressibleByArgument, CaseIterable { case rollout, uniform, net }

    @OptionGroup var game: GameOption
    @Option(help: "Simulations per search.")
    var sims: Int = 10_000
    @Option(help: "Searches to time (each from the start position, fresh tree).")
    var repeats: Int = 5
    @Option(help: "The leaf evaluator: \(EvaluatorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var evaluator: EvaluatorKind = .rollout
    @Option(help: "UCT exploration constant (rollout evaluator).")
    var c: Float = 2
    @Flag(inversion: .prefixedNo, help: "Use the MCTS-solver.")
    var solver = false
    @Option(help: "Concurrent games (uniform and net evaluators).")
    var trees: Int = 1
    @Option(help: "Residual blocks of the network instead of the game's default (net evaluator; with --filters).")
    var blocks: Int?
    @Option(help: "Filters per convolution of that residual network.")
    var filters: Int?
    @Option(help: "Seed.")
    var seed: UInt64 = 1
    @Flag(
        help: """
            Answer repeated positions from the search's evaluation cache, as games do (uniform and net \
            evaluators). Off by default: the trees here all search the same start position without noise, \
            so nearly every leaf would repeat.
            """)
    var cache = false
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (1...10_000_000).contains(sims), (1...10_000).contains(repeats), (1...4096).contains(trees) else {
            throw ValidationError("--sims must be in 1...10000000, --repeats in 1...10000, --trees in 1...4096")
        }
        guard (blocks == nil) == (filters == nil) else { throw ValidationError("--blocks and --filters go together") }
    }

    func run() throws {
        try GameCatalog.visit(try game.resolve(), with: self)
    }

    /// The batched searches' cache size: none unless `--cache`.
    func cacheBytes<G: GameState>(_: G.Type) -> Int { cache ? BatchedSearch<G>.defaultCacheBytes : 0 }

    /// The batched search's configuration and, for `--evaluator net`, the timed network it evaluates with (the
    /// game's default network and search, or a ResNet of `--blocks` × `--filters`); nil for the uniform evaluator.
    func batchedSetting<G: GameState>(_: G.Type) throws -> (SearchConfiguration, TimedEvaluator?) {
        guard evaluator == .net else {
            var configuration = SearchConfiguration()
            configuration.solver = solver
            return (configuration, nil)
        }
        var defaults = TrainingConfiguration.defaults(for: G.self)
        if let blocks, let filters {
            defaults.network.body = "resnet"
            (defaults.network.blocks, defaults.network.filters) = (blocks, filters)
        }
        let architecture = TrainingLoop<G>.architecture(defaults.network)
        do { try architecture.validate() } catch { throw ValidationError("--blocks/--filters: \(error)") }
        var configuration = defaults.search
        configuration.solver = solver
        let network = PolicyValueNetwork(architecture: architecture, seed: seed)
        return (configuration, TimedEvaluator(NetworkEvaluator(network: network)))
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        var rng = Xoshiro256(seed: seed)
        let clock = ContinuousClock()
        var times: [Double] = []
        var nodes = 0
        var batch = 0.0
        var cachedShare = 0.0
        var networkShare = 0.0
        // One rollout search for all repeats, its tree reset each time, as `mcts:rollouts=N` keeps
        // its node storage from move to move.
        let rolloutSearch = RolloutSearch<G>(explorationConstant: c, solver: solver)
        for _ in 0..<repeats {
            switch evaluator {
            case .rollout:
                let search = rolloutSearch
                search.tree.reset(to: G())
                let start = clock.now
                search.search(simulations: sims, using: &rng)
                times.append((clock.now - start).seconds)
                nodes = search.tree.nodeCount
            case .uniform, .net:
                let (configuration, timed) = try batchedSetting(G.self)
                let search = BatchedSearch<G>(
                    treeCount: trees, configuration: configuration,
                    evaluator: timed ?? UniformEvaluator(actionCount: G.actionCount), cacheBytes: cacheBytes(G.self))
                let start = clock.now
                search.search(trees: Array(0..<trees), simulations: sims, rootNoise: false, using: &rng)
                let seconds = (clock.now - start).seconds
                times.append(seconds)
                nodes = search.trees[0].nodeCount
                batch = search.statistics.meanBatchSize
                cachedShare = search.statistics.cachedShare
                networkShare = (timed?.seconds ?? 0) / seconds
            }
        }
        times.sort()
        let median = times[times.count / 2]
        let rate = Double(sims * (evaluator == .rollout ? 1 : trees)) / median
        if json {
            print(
                #"{"game":"\#(G.name)","evaluator":"\#(evaluator.rawValue)","sims":\#(sims),"trees":\#(trees),"#
                    + #""median_seconds":\#(median),"sims_per_s":\#(rate),"nodes":\#(nodes),"mean_batch":\#(batch),"#
                    + #""network_share":\#(networkShare),"cached_share":\#(cachedShare)}"#)
        } else {
            let treeCount = evaluator == .rollout ? 1 : trees
            print(
                "\(G.name), \(evaluator.rawValue) evaluator, \(sims) simulations x \(treeCount) tree(s), "
                    + "\(repeats) runs")
            print(
                String(
                    format: "  median %.4f s  (min %.4f, max %.4f)   %.0f simulations/s   %d nodes in the tree",
                    median, times.first!, times.last!, rate, nodes))
            if evaluator != .rollout { print(String(format: "  mean evaluator batch %.1f", batch)) }
            if cache && evaluator != .rollout {
                print(String(format: "  leaves answered from the cache %.1f%% (last run)", 100 * cachedShare))
            }
            if evaluator == .net {
                let format = "  time in the network %.0f%%, outside it %.0f%% (last run; OpenBLAS %d thread(s), %@)"
                print(
                    String(
                        format: format, 100 * networkShare, 100 * (1 - networkShare), BLAS.threadCount,
                        BLAS.coreName))
            }
        }
    }
}

/// Wraps an evaluator and adds up the time spent in it.
final class TimedEvaluator: Evaluator {
    let inner: any Evaluator
    var seconds = 0.0

    init(_ inner: any Evaluator) { self.inner = inner }

    func evaluate(
        inputs: UnsafeBufferPointer<Float>, legalMask: UnsafeBufferPointer<Float>, count: Int,
        priors: UnsafeMutableBufferPointer<Float>, values: UnsafeMutableBufferPointer<Float>
    ) {
        let start = ContinuousClock.now
        inner.evaluate(inputs: inputs, legalMask: legalMask, count: count, priors: priors, values: values)
        seconds += (ContinuousClock.now - start).seconds
    }
}
