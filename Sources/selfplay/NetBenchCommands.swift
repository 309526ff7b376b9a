import ArgumentParser
import Foundation
import GameKit
import NeuralNet
import Training

/// The network `game` trains by default: what the network benches measure unless told otherwise.
func trainingArchitecture<G: GameState>(for game: G.Type) -> NetworkArchitecture {
    TrainingLoop<G>.architecture(TrainingConfiguration.defaults(for: G.self).network)
}

// MARK: - selfplay bench gemm

struct BenchGemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "sgemm GFLOP/s for the shapes a game's training network issues, against the CPU's peak.",
        discussion: """
            Records the distinct sgemm shapes of one inference pass (forward, NT) and one training \
            pass (backward: TN for weight gradients, NN for input gradients) at each batch size, then \
            times each shape alone with 1 OpenBLAS thread and with all threads, and a 1024^3 product. \
            The peak is cores x GHz x 2 FMA units x fp32 lanes (16 for avx512f, 8 for avx2) x 2, \
            from /proc/cpuinfo ('cpu MHz' is the base clock on most VMs); --peak-gflops overrides it.
            """
    )

    @OptionGroup var game: GameOption
    @Option(help: "Comma-separated batch sizes.")
    var batches: String = "1,32,256,1024"
    @Option(help: "Seconds spent timing each shape at each thread count.")
    var seconds: Double = 0.05
    @Option(help: "The CPU's fp32 peak in GFLOP/s, instead of the estimate from /proc/cpuinfo.")
    var peakGflops: Double?

    func validate() throws {
        _ = try game.resolve()
        _ = try parseBatches(batches)
        guard seconds > 0, seconds <= longestDuration else {
            throw ValidationError("--seconds must be positive and at most a year")
        }
        guard (peakGflops ?? 1) > 0 else { throw ValidationError("--peak-gflops must be positive") }
    }

    func run() throws {
        let type = try game.resolve()
        let batchSizes = try parseBatches(batches)
        let machine = Machine.current()
        machine.printHeader()
        let peak = peakGflops ?? machine.estimatedPeakGFLOPS
        print(
            peakGflops != nil
                ? "fp32 peak: \(format(peak)) GFLOP/s (given)"
                : "fp32 peak: \(machine.peakExplanation)")
        let threadCounts = [1, ProcessInfo.processInfo.activeProcessorCount]
        let original = BLAS.threadCount
        defer { BLAS.threadCount = original }

        let architecture = trainingArchitecture(for: type)
        print("\nnetwork: \(architecture.summary)")
        let network = PolicyValueNetwork(architecture: architecture, seed: 1)
        let timer = ShapeTimer(seconds: seconds)
        for batch in batchSizes {
            let data = BenchData(type, architecture: architecture, count: batch, seed: 1)
            let forward = recordShapes { data.predict(network, count: batch) }
            let training = recordShapes { data.computeGradients(network, count: batch) }
                .filter { $0.key.transposeA || !$0.key.transposeB }
            print("\nbatch \(batch)")
            print(
                "  pass      shape                  calls  MFLOP/pass "
                    + threadCounts.map { "  GF/s \($0)T" }.joined() + "  %peak \(threadCounts.last!)T")
            for (pass, shapes) in [("forward", forward), ("backward", training)] {
                var totalFlops = 0.0, totalSeconds = threadCounts.map { _ in 0.0 }
                let heaviestFirst = shapes.sorted { $0.key.flops * Double($0.value) > $1.key.flops * Double($1.value) }
                for (shape, calls) in heaviestFirst {
                    let rates = threadCounts.map { threads -> Double in
                        BLAS.threadCount = threads
                        return timer.gflops(shape)
                    }
                    let flops = shape.flops * Double(calls)
                    totalFlops += flops
                    for index in rates.indices { totalSeconds[index] += flops / (rates[index] * 1e9) }
                    let label = pass.padding(toLength: 9, withPad: " ", startingAt: 0)
                    print(
                        "  \(label) \(shape.description.padding(toLength: 22, withPad: " ", startingAt: 0))"
                            + String(format: "%5d  %10.2f", calls, flops / 1e6)
                            + rates.map { String(format: "  %8.1f", $0) }.joined()
                            + String(format: "  %9.1f%%", 100 * rates.last! / peak))
                }
                let rates = totalSeconds.map { totalFlops / $0 / 1e9 }
                let totals = zip(threadCounts, rates).map { String(format: "%.1f GF/s at %dT", $0.1, $0.0) }
                print(
                    "  \(pass) total: " + totals.joined(separator: ", ")
                        + String(format: " (%.1f%% of peak)", 100 * rates.last! / peak))
            }
        }
        print("\nsquare product")
        let square = GEMMShape(m: 1024, n: 1024, k: 1024)
        for threads in threadCounts {
            BLAS.threadCount = threads
            let rate = ShapeTimer(seconds: max(seconds, 0.5)).gflops(square)
            print(String(format: "  1024^3 at %dT: %.1f GFLOP/s (%.1f%% of peak)", threads, rate, 100 * rate / peak))
        }
    }

    /// The shapes `body` issues, with their call counts.
    private func recordShapes(_ body: () -> Void) -> [GEMMShape: Int] {
        body()  // warm-up: workspaces
        GEMMProfiler.reset()
        GEMMProfiler.isEnabled = true
        body()
        GEMMProfiler.isEnabled = false
        return GEMMProfiler.shapes.mapValues(\.calls)
    }
}

/// Times one sgemm shape in a loop on private buffers.
private struct ShapeTimer {
    var seconds: Double

    func gflops(_ shape: GEMMShape) -> Double {
        let a = FloatBuffer(count: shape.m * shape.k), b = FloatBuffer(count: shape.k * shape.n)
        let c = FloatBuffer(count: shape.m * shape.n)
        var generator = Xoshiro256(seed: 7)
        for buffer in [a, b] {
            for i in 0..<buffer.count { buffer.pointer[i] = generator.nextUnitFloat() - 0.5 }
        }
        let perCall = timePerRun(seconds: seconds) {
            GEMM.multiply(shape, a: a.pointer, b: b.pointer, c: c.pointer)
        }
        return shape.flops / perCall / 1e9
    }
}

// MARK: - selfplay bench nn

struct BenchNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn",
        abstract: "Network throughput: positions/s for inference and training, time inside sgemm, heap allocations.",
        discussion: """
            Inputs are positions from random playouts of the game. 'train' is a full optimizer step \
            (forward, backward, the update: Adam as in training, or --optimizer sgd). The sgemm share \
            comes from a timer around every sgemm call, switched on only for that measurement. Heap \
            allocations after warm-up are counted exactly when a malloc counter is preloaded \
            (benchmarks/nn/run.sh builds one); otherwise they are not measured. OpenBLAS threads: --blas-threads, else \
            \(BLAS.threadsEnvironmentVariable), else OpenBLAS's default.
            """
    )

    @OptionGroup var game: GameOption
    @Option(help: "Override the body: mlp or resnet.")
    var architecture: String?
    @Option(help: "Residual blocks (with --architecture resnet).")
    var blocks: Int?
    @Option(help: "Filters per convolution (with --architecture resnet).")
    var filters: Int?
    @Option(help: "Comma-separated hidden widths (with --architecture mlp).")
    var hidden: String?
    @Option(help: "Hidden units of the value head.")
    var valueHidden: Int?
    @Option(help: "Comma-separated batch sizes.")
    var batches: String = "1,32,256,1024"
    @Option(help: "Minimum seconds per measurement.")
    var seconds: Double = 1
    @Option(help: "Batch size of the sgemm-share and allocation measurements.")
    var profileBatch: Int = 256
    @Option(help: "OpenBLAS threads.")
    var blasThreads: Int?
    @Option(help: "Seed of the weights and positions.")
    var seed: UInt64 = 1
    @Option(help: "The training step's optimizer: adam (what training uses) or sgd (with momentum).")
    var optimizer: String = "adam"

    func validate() throws {
        _ = try parseBatches(batches)
        guard Optimizer.Kind(rawValue: optimizer) != nil else {
            throw ValidationError("--optimizer must be adam or sgd (got '\(optimizer)')")
        }
        guard profileBatch > 0, seconds > 0, (blasThreads ?? 1) > 0 else {
            throw ValidationError("--profile-batch, --seconds and --blas-threads must be positive")
        }
        guard profileBatch <= 65_536, seconds <= longestDuration else {
            throw ValidationError("--profile-batch must be at most 65536 and --seconds at most a year")
        }
        do { try resolveArchitecture(for: try game.resolve()).validate() } catch let error as NetworkError {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let type = try game.resolve()
        let architecture = try resolveArchitecture(for: type)
        let batchSizes = try parseBatches(batches)
        let threads = try BLAS.applyThreadSetting(blasThreads)
        Machine.current().printHeader()
        print("game: \(type.name), network: \(architecture.summary), OpenBLAS threads: \(threads), ", terminator: "")
        print("optimizer: \(optimizer)\n")

        let network = PolicyValueNetwork(architecture: architecture, seed: seed)
        var optimizer = Optimizer(
            kind: Optimizer.Kind(rawValue: self.optimizer)!, learningRate: 1e-3, momentum: 0.9, weightDecay: 1e-4,
            clipNorm: 10)
        let data = BenchData(type, architecture: architecture, count: max(batchSizes.max()!, profileBatch), seed: seed)
        // CPU time (all threads of the process) is less sensitive than wall time to other jobs on a shared machine.
        print(" batch   inference pos/s   us/pos   cpu us/pos    train pos/s   us/pos   cpu us/pos")
        for batch in batchSizes {
            let inference = wallAndCPUPerRun(seconds: seconds) { data.predict(network, count: batch) }
            let training = try wallAndCPUPerRun(seconds: seconds) { try data.train(network, &optimizer, count: batch) }
            let size = Double(batch)
            print(
                String(
                    format: "%6d   %15.0f   %6.1f   %10.1f   %12.0f   %6.1f   %10.1f", batch,
                    size / inference.wall, 1e6 * inference.wall / size, 1e6 * inference.cpu / size,
                    size / training.wall, 1e6 * training.wall / size, 1e6 * training.cpu / size))
        }

        // Two threads may each call sgemm (a batch in slices, Winograd's workers): its timer then sums them.
        print(
            "\nat batch \(profileBatch)"
                + (threads > 1 ? " (sgemm time summed over threads: exact with --blas-threads 1):" : ":"))
        let inferenceShare = sgemmShare { data.predict(network, count: profileBatch) }
        let trainingShare = try sgemmShare { try data.train(network, &optimizer, count: profileBatch) }
        for (name, share) in [("inference", inferenceShare), ("train step", trainingShare)] {
            let format =
                "  %@: %.2f ms per pass, %.1f%% in sgemm (%d calls, %.1f GF/s inside), "
                + "non-sgemm %.2f ms = %.1f%%"
            print(
                String(
                    format: format, name, 1e3 * share.wall, 100 * share.gemm / share.wall, share.calls,
                    share.flops / share.gemm / 1e9, 1e3 * (share.wall - share.gemm),
                    100 * (1 - share.gemm / share.wall)))
        }
        let overhead = 1 - trainingShare.gemm / trainingShare.wall
        if threads == 1 {
            print(
                String(
                    format: "  non-sgemm share of the train step: %.1f%% (target <= 15%%: %@)", 100 * overhead,
                    overhead <= 0.15 ? "met" : "not met"))
        }

        print(
            "\nheap allocations after warm-up (20 inference + 20 train calls at batch \(profileBatch) "
                + "and at batch 1):")
        guard let count = MallocCounter.load() else {
            print("  not measured: no malloc counter preloaded (benchmarks/nn/run.sh runs this bench with one)")
            return
        }
        defer { BLAS.threadCount = threads }
        for threadCount in Set([1, threads]).sorted() {
            BLAS.threadCount = threadCount
            func exercise(_ repetitions: Int) throws {
                for batch in [profileBatch, 1] {
                    for _ in 0..<repetitions {
                        data.predict(network, count: batch)
                        try data.train(network, &optimizer, count: batch)
                    }
                }
            }
            try exercise(1)
            let before = count()
            try exercise(20)
            let allocations = count() - before
            print(
                "  OpenBLAS \(threadCount) thread\(threadCount == 1 ? "" : "s"): \(allocations) malloc-family calls "
                    + "(exact, all threads)"
                    + (threadCount > 1 && allocations > 0
                        ? "; OpenBLAS's threaded sgemm allocates once per call it splits" : ""))
        }
    }

    private func resolveArchitecture(for type: any GameState.Type) throws -> NetworkArchitecture {
        var result = trainingArchitecture(for: type)
        if let valueHidden { result.valueHidden = valueHidden }
        switch architecture {
        case nil:
            guard blocks == nil, filters == nil, hidden == nil else {
                throw ValidationError("--blocks, --filters and --hidden need --architecture")
            }
        case "resnet":
            var (defaultBlocks, defaultFilters) = (4, 32)
            if case .residual(let b, let f) = result.body { (defaultBlocks, defaultFilters) = (b, f) }
            result.body = .residual(blocks: blocks ?? defaultBlocks, filters: filters ?? defaultFilters)
        case "mlp":
            let widths = (hidden ?? "64,64").split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--hidden must be positive integers, e.g. 64,64")
            }
            result.body = .mlp(hidden: widths.map { $0! })
        case let other?:
            throw ValidationError("--architecture must be mlp or resnet, not '\(other)'")
        }
        return result
    }

    /// Wall time and time inside sgemm per run of `body`, with the sgemm timer on.
    private func sgemmShare(
        _ body: () throws -> Void
    ) rethrows
        -> (wall: Double, gemm: Double, calls: Int, flops: Double)
    {
        try body()
        GEMMProfiler.reset()
        GEMMProfiler.isEnabled = true
        defer { GEMMProfiler.isEnabled = false }
        var runs = 0
        let wall = try timePerRun(seconds: seconds, warmUp: false) {
            try body()
            runs += 1
        }
        let totals = GEMMProfiler.totals
        return (wall, totals.seconds / Double(runs), totals.calls / runs, totals.flops / Double(runs))
    }
}

// MARK: - Shared pieces

/// Encoded positions from random playouts, with legal masks, training targets and output buffers.
private final class BenchData {
    let inputs: [Float]
    let mask: [Float]
    let policyTargets: [Float]
    let valueTargets: [Float]
    private var policy: [Float]
    private var values: [Float]

    convenience init(_ type: any GameState.Type, architecture: NetworkArchitecture, count: Int, seed: UInt64) {
        self.init(type, architecture.inputSize, architecture.actionCount, count, seed)
    }

    private init<G: GameState>(_ type: G.Type, _ size: Int, _ actions: Int, _ count: Int, _ seed: UInt64) {
        var generator = Xoshiro256(seed: seed)
        var inputs = [Float](repeating: 0, count: count * size), mask = [Float](repeating: 0, count: count * actions)
        var policy = [Float](repeating: 0, count: count * actions), values = [Float](repeating: 0, count: count)
        for n in 0..<count {
            var state = G()
            for _ in 0..<Int(generator.next() % UInt64(G.maxGameLength)) where !state.isTerminal {
                state.apply(state.legalActions.randomElement(using: &generator))
            }
            if state.isTerminal { state = G() }
            inputs.withUnsafeMutableBufferPointer {
                state.encode(into: UnsafeMutableBufferPointer(rebasing: $0[(n * size)..<((n + 1) * size)]))
            }
            let legal = state.legalActions
            for action in legal {
                mask[n * actions + action] = 1
                policy[n * actions + action] = 1 / Float(legal.count)
            }
            values[n] = Float(Int(generator.next() % 3) - 1)
        }
        (self.inputs, self.mask, policyTargets, valueTargets) = (inputs, mask, policy, values)
        self.policy = [Float](repeating: 0, count: count * actions)
        self.values = [Float](repeating: 0, count: count)
    }

    func predict(_ network: PolicyValueNetwork, count: Int) {
        inputs.withUnsafeBufferPointer { x in
            mask.withUnsafeBufferPointer { m in
                policy.withUnsafeMutableBufferPointer { p in
                    values.withUnsafeMutableBufferPointer { v in
                        network.predict(inputs: x, legalMask: m, count: count, policy: p, values: v)
                    }
                }
            }
        }
    }

    func train(_ network: PolicyValueNetwork, _ optimizer: inout Optimizer, count: Int) throws {
        _ = try inputs.withUnsafeBufferPointer { x in
            try mask.withUnsafeBufferPointer { m in
                try policyTargets.withUnsafeBufferPointer { p in
                    try valueTargets.withUnsafeBufferPointer { v in
                        try network.train(
                            inputs: x, legalMask: m, policyTargets: p, valueTargets: v, count: count,
                            optimizer: &optimizer)
                    }
                }
            }
        }
    }

    func computeGradients(_ network: PolicyValueNetwork, count: Int) {
        inputs.withUnsafeBufferPointer { x in
            mask.withUnsafeBufferPointer { m in
                policyTargets.withUnsafeBufferPointer { p in
                    valueTargets.withUnsafeBufferPointer { v in
                        _ = network.computeGradients(
                            inputs: x, legalMask: m, policyTargets: p, valueTargets: v,
                            count: count)
                    }
                }
            }
        }
    }
}

/// Seconds per run of `body`: after one warm-up run (unless `warmUp` is false), runs it
/// until at least `seconds` have passed and at least `minimumRuns` runs.
private func timePerRun(
    seconds: Double, minimumRuns: Int = 3, warmUp: Bool = true, _ body: () throws -> Void
) rethrows
    -> Double
{
    if warmUp { try body() }
    let clock = ContinuousClock()
    let start = clock.now
    var runs = 0
    var elapsed = 0.0
    repeat {
        try body()
        runs += 1
        elapsed = (clock.now - start).seconds
    } while elapsed < seconds || runs < minimumRuns
    return elapsed / Double(runs)
}

/// Wall and process CPU seconds per run of `body`, timed as by `timePerRun` after one warm-up run.
private func wallAndCPUPerRun(seconds: Double, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    try body()
    var runs = 0
    let start = ProcessCPUTime.seconds()
    let wall = try timePerRun(seconds: seconds, warmUp: false) {
        try body()
        runs += 1
    }
    return (wall, (ProcessCPUTime.seconds() - start) / Double(runs))
}

private func parseBatches(_ text: String) throws -> [Int] {
    let sizes = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !sizes.isEmpty, sizes.count == text.split(separator: ",").count,
        sizes.allSatisfy({ (1...65_536).contains($0) })
    else {
        throw ValidationError("--batches must be comma-separated sizes from 1 to 65536, e.g. 1,32,256")
    }
    return sizes
}

private func format(_ value: Double) -> String { String(format: "%.1f", value) }
