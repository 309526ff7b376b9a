import ArgumentParser
import Foundation

/// `selfplay learn`: the learner of a run whose self-play is done by `selfplay worker` processes.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Train a run on the games that worker processes play (the learner of a scaled-out run).",
        discussion: """
            Like train, but each generation takes its new samples from the shards that `selfplay worker` \
            processes write into RUN/shards/: it waits until they hold selfPlay.games games, takes the oldest \
            shards that hold them into games/NNNN.samples, trains, gates, evaluates and checkpoints, then names the promoted \
            network in RUN/promoted.json for the workers. One learner per run (it holds RUN/.lock; a \
            second one is refused); at its budget it writes RUN/finished.json and the workers stop. \
            A new run is created as train creates one; workers may start before it exists. \
            SIGTERM or Ctrl-C stops at the next safe point; run the same command to resume.

            Example (three processes sharing one folder, e.g. on a cluster's shared filesystem):
              selfplay learn --game connect4 --run runs/c4 --budget 1h
              selfplay worker --run runs/c4 --worker 0
              selfplay worker --run runs/c4 --worker 1
            """
    )

    @OptionGroup var game: GameOption
    @Option(name: .customLong("run"), help: "The run directory (created if new; an existing run is resumed).")
    var runPath: String
    @Option(help: "A JSON file with configuration keys to change (new runs only).")
    var config: String?
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Change one configuration key (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @Option(parsing: .unconditional, help: "Stop after this many generations in all (at least 1).")
    var generations: Int?
    @Option(parsing: .unconditional, help: "Stop after this much training time in all, e.g. 90s, 30m, 2h.")
    var budget: String?
    @Option(parsing: .unconditional, help: "The run's seed (new runs only).")
    var seed: UInt64?
    @Option(parsing: .unconditional, help: "OpenBLAS threads (default: SELFPLAY_BLAS_THREADS or one per core).")
    var blasThreads: Int?

    func run() throws {
        var arguments = ["--run", runPath, "--from-shards"]
        if let name = game.game { arguments += ["--game", name] }
        if let config { arguments += ["--config", config] }
        arguments += overrides.flatMap { ["--set", $0] }
        if let generations { arguments += ["--generations", String(generations)] }
        if let budget { arguments += ["--budget", budget] }
        if let seed { arguments += ["--seed", String(seed)] }
        if let blasThreads { arguments += ["--blas-threads", String(blasThreads)] }
        let train = try TrainCommand.parse(arguments)
        try train.validate()
        try train.run()
    }
}
