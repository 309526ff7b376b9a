import ArgumentParser
import Environments
import Foundation
import GameKit
import NeuralNet
import Training

/// `selfplay worker`: one self-play process of a scaled-out run.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Play self-play games for a run's learner, writing them as shards (any number of workers).",
        discussion: """
            Plays batches of games with the network RUN/promoted.json names (checking for a newer one \
            between batches) and writes each batch atomically as RUN/shards/wKKK-SSSSSS-gGGGG.samples. \
            Workers take no lock and share nothing but the run folder; a killed worker loses only the \
            batch it was playing. It waits up to --wait seconds for the run to appear (the learner \
            creates it), pauses while the learner has 2 generations' games still to take, and stops \
            when the learner writes RUN/finished.json, after --max-shards batches, or on SIGTERM/Ctrl-C.

            The worker number defaults to SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (Kubernetes \
            Indexed Jobs), else 0; workers must have distinct numbers.
            """
    )

    @Option(name: .customLong("run"), help: "The run directory the learner writes.")
    var runPath: String
    @Option(parsing: .unconditional, help: "This worker's number, 0...999 (see above for the default).")
    var worker: Int?
    @Option(parsing: .unconditional, help: "Games per shard (default: a quarter of selfPlay.games).")
    var shardGames: Int?
    @Option(parsing: .unconditional, help: "Stop after writing this many shards.")
    var maxShards: Int?
    @Option(parsing: .unconditional, help: "Seconds to wait for the run to appear.")
    var wait: Double = 600
    @Option(
        parsing: .unconditional,
        help: "OpenBLAS threads (default: the run's blasThreads, else SELFPLAY_BLAS_THREADS, else one per core).")
    var blasThreads: Int?

    /// The worker number from the option or the scheduler's environment.
    func workerNumber() throws -> Int {
        let environment = ProcessInfo.processInfo.environment
        let fromScheduler = environment["SLURM_ARRAY_TASK_ID"] ?? environment["JOB_COMPLETION_INDEX"]
        let number = worker ?? fromScheduler.map { Int($0) ?? -1 } ?? 0
        guard (0...999).contains(number) else {
            throw ValidationError("the worker number must be in 0...999")
        }
        return number
    }

    func validate() throws {
        _ = try workerNumber()
        if let shardGames, !(1...1_000_000).contains(shardGames) {
            throw ValidationError("--shard-games must be in 1...1000000")
        }
        if let maxShards, maxShards < 1 { throw ValidationError("--max-shards must be at least 1") }
        guard wait.isFinite, (0...longestDuration).contains(wait) else {
            throw ValidationError("--wait must be a number of seconds from 0 to a year")
        }
        if let blasThreads, !(1...64).contains(blasThreads) {
            throw ValidationError("--blas-threads must be in 1...64")
        }
    }

    func run() throws {
        let directory = RunDirectory(url: URL(fileURLWithPath: runPath))
        installInterruptHandler()
        let deadline = Date().addingTimeInterval(wait)
        while !directory.exists || directory.promotedGeneration() == nil {
            if interruptRequested.load(ordering: .relaxed) { throw ExitCode(130) }
            guard Date() < deadline else {
                throw CommandFailure(
                    "\(runPath) holds no run with a generation yet (waited \(Int(wait)) s); "
                        + "start `selfplay learn --run \(runPath)` first, or wait longer with --wait")
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let configuration = try directory.loadConfiguration()
        guard let type = GameCatalog.game(named: configuration.game) else {
            throw CommandFailure("the run's game '\(configuration.game)' is unknown")
        }
        try BLAS.applyThreadSetting(blasThreads ?? (configuration.blasThreads > 0 ? configuration.blasThreads : nil))
        try GameCatalog.visit(
            type,
            with: Runner(
                command: self, directory: directory, configuration: configuration,
                worker: try workerNumber()))
    }

    struct Runner: GameVisitor {
        let command: WorkerCommand
        let directory: RunDirectory
        let configuration: TrainingConfiguration
        let worker: Int

        func visit<G: GameState>(_ type: G.Type) throws {
            let games = command.shardGames ?? max(1, configuration.selfPlay.games / 4)
            let reporter = TerminalReporter()
            reporter.message(
                "worker \(worker) on \(directory.url.path): \(G.name), \(games) games per shard, "
                    + "OpenBLAS \(BLAS.threadCount) thread(s)")
            let worker = SelfPlayWorker<G>(
                run: directory, configuration: configuration, worker: worker,
                gamesPerShard: games, reporter: reporter,
                shouldStop: { interruptRequested.load(ordering: .relaxed) })
            let stop = try worker.work(maxShards: command.maxShards)
            reporter.message("worker \(self.worker): stopped: \(stop)")
            if stop == .interrupted { throw ExitCode(130) }
        }
    }
}
