import ArgumentParser
import Foundation

/// The options of `selfplay train`, which `selfplay learn` takes too.
struct TrainOptions: ParsableArguments {
    @OptionGroup var game: GameOption
    @Option(
        name: .customLong("run"),
        help: "The run directory; an existing run is resumed (train's default: runs/GAME-DATE-TIME).")
    var runPath: String?
    @Option(help: "A JSON file with configuration keys to change.")
    var config: String?
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Change one configuration key (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @Option(
        parsing: .unconditional,
        help: "Stop after this many generations in all (at least 1); without --budget it replaces the time budget.")
    var generations: Int?
    @Option(
        parsing: .unconditional,
        help: """
            Stop after this much wall-clock training time in all, e.g. 90s, 30m, 2h (a plain number is seconds); \
            without --generations it replaces the generation limit.
            """)
    var budget: String?
    @Option(parsing: .unconditional, help: "The run's seed (new runs only).")
    var seed: UInt64?
    @Option(
        parsing: .unconditional,
        help: "OpenBLAS threads (default: the run's blasThreads, else SELFPLAY_BLAS_THREADS, else one per core).")
    var blasThreads: Int?
    @Flag(help: "Print the resolved configuration and exit.")
    var showConfig = false
    /// Set by `selfplay learn`: generations take their samples from the workers' shards.
    @Flag(name: .customLong("from-shards"), help: .hidden)
    var fromShards = false

    /// The role named in the run's lock and messages.
    var role: String { fromShards ? "learner" : "train" }

    func validate() throws {
        if let generations, generations < 1 { throw ValidationError("--generations must be at least 1") }
        if let budget { _ = try parseDuration(budget) }
        if let blasThreads, !(1...64).contains(blasThreads) {
            throw ValidationError("--blas-threads must be in 1...64")
        }
    }

    func defaultRunPath() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = (try? game.resolve())?.name ?? "run"
        return "runs/\(name)-\(formatter.string(from: Date()))"
    }
}
