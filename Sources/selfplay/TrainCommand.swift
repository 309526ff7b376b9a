import ArgumentParser
import Environments
import Foundation
import GameKit
import NeuralNet
import Players
import Search
import Solvers
import Synchronization
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an agent from scratch by self-play, or resume a run.",
        discussion: """
            Each generation: self-play with the best network, training on a window of recent games, \
            an optional gating match against the best, matches against fixed reference players, and \
            an atomic checkpoint. Elo ratings (random = 0) come from all matches of the run.

            A new run gets the game's defaults, changed with --config FILE (JSON with any subset of the \
            keys) and --set key=value (e.g. --set selfPlay.games=256 --set training.optimizer=sgd). \
            Given an existing --run, training resumes after its last complete generation; only the \
            budget may change then. Ctrl-C stops cleanly; run the same command to resume.

            Examples:
              selfplay train    the default game (\(GameCatalog.defaultGame.name)) with its default budget
              selfplay train --game \(exampleGame) --run runs/\(exampleGame) --budget 1h
              selfplay train --run runs/\(exampleGame) --budget 2h    resume: two hours in all
            """
    )

    @OptionGroup var options: TrainOptions

    func run() throws { try Self.train(options) }

    /// Trains a new run or resumes one with `options`; `selfplay learn` calls it with `fromShards` set.
    static func train(_ options: TrainOptions) throws {
        let directory = RunDirectory(url: URL(fileURLWithPath: options.runPath ?? options.defaultRunPath()))
        if directory.exists {
            let stored = try directory.loadConfiguration()
            guard options.config == nil, options.overrides.isEmpty, options.seed == nil else {
                throw CommandFailure(
                    "\(directory.url.path) is an existing run whose configuration is fixed; "
                        + "drop --config/--set/--seed to resume it, or choose a new --run")
            }
            guard let type = GameCatalog.game(named: stored.game) else {
                throw CommandFailure("the run's game '\(stored.game)' is unknown")
            }
            if options.game.game != nil, try options.game.resolve().name != type.name {
                throw CommandFailure(
                    "\(directory.url.path) is a \(type.name) run, not \(try options.game.resolve().name); "
                        + "drop --game to resume it")
            }
            try directory.checkWritable()
            try RunLock.withLock(on: directory, role: options.role) {
                try directory.finishPendingRollback()
                let missing = directory.missingGenerations()
                guard missing.isEmpty else {
                    let list = missing.map(String.init).joined(separator: ", ")
                    throw CommandFailure(
                        "generation(s) \(list) of \(directory.url.path) are missing; restore them, "
                            + "or roll back to generation \(missing[0] - 1) to continue from there")
                }
                try directory.checkConfiguration(stored)
                try GameCatalog.visit(type, with: Runner(options: options, directory: directory, stored: stored))
            }
        } else {
            try GameCatalog.visit(
                try options.game.resolve(), with: Runner(options: options, directory: directory, stored: nil))
        }
    }

    /// Resolves the configuration for the concrete game and runs the loop.
    struct Runner: GameVisitor {
        let options: TrainOptions
        let directory: RunDirectory
        let stored: TrainingConfiguration?

        func visit<G: GameState>(_ type: G.Type) throws {
            var configuration: TrainingConfiguration
            if let stored {
                configuration = stored
            } else {
                configuration = TrainingConfiguration.defaults(for: G.self)
                do {
                    if let file = options.config {
                        var isDirectory: ObjCBool = false
                        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory),
                            !isDirectory.boolValue, let data = FileManager.default.contents(atPath: file)
                        else {
                            throw ValidationError("cannot read --config \(file): not a readable file")
                        }
                        configuration = try configuration.applying(json: data, source: file)
                    }
                    configuration = try configuration.applying(overrides: options.overrides)
                } catch let error as ConfigurationError {
                    throw ValidationError(error.description)
                }
                if let seed = options.seed { configuration.seed = seed }
            }
            if let generations = options.generations {
                configuration.budget.generations = generations
                if options.budget == nil { configuration.budget.wallSeconds = 0 }
            }
            if let budget = options.budget {
                configuration.budget.wallSeconds = try parseDuration(budget)
                if options.generations == nil { configuration.budget.generations = 0 }
            }
            if let threads = options.blasThreads { configuration.blasThreads = threads }
            if let problem = configuration.validationError() ?? configuration.resourceError(for: G.self) {
                throw ValidationError(problem)
            }
            if stored == nil && !configuration.network.initialWeights.isEmpty {
                do {
                    _ = try TrainingLoop<G>.initialNetwork(configuration.network, seed: 0)
                } catch let error as RunDirectoryError {
                    throw ValidationError(error.description)
                }
            }
            if options.showConfig {
                print(String(decoding: try AtomicFile.encodeJSON(configuration), as: UTF8.self))
                return
            }
            let specs = configuration.evaluation.references + configuration.evaluation.strongerReferences
            let references = try ReferencePlayer<G>.parsing(specs, seed: configuration.seed)
            guard stored == nil else {
                try directory.saveConfiguration(configuration)  // the caller holds the run's lock
                return try train(G.self, configuration: configuration, references: references)
            }
            try RunLock.withLock(on: directory, role: options.role) {
                guard !directory.exists else {
                    throw CommandFailure(
                        "\(directory.url.path) became a run while this one started; run the command again "
                            + "to resume it")
                }
                _ = try RunDirectory.create(at: directory.url, configuration: configuration)
                try train(G.self, configuration: configuration, references: references)
            }
        }

        /// Runs the training loop on the prepared run directory, then prints the ratings and the final check.
        func train<G: GameState>(
            _ type: G.Type, configuration: TrainingConfiguration,
            references: [ReferencePlayer<G>]
        ) throws {
            try BLAS.applyThreadSetting(configuration.blasThreads > 0 ? configuration.blasThreads : nil)
            installInterruptHandler()
            let terminal = TerminalReporter()
            let reporter = StatusFileReporter(run: directory, forwardingTo: terminal)
            reporter.message(
                "\(stored == nil ? "new run" : "run") \(directory.url.path): \(G.name), seed \(configuration.seed), "
                    + "OpenBLAS \(BLAS.threadCount) thread(s) (\(BLAS.coreName))")
            let loop = TrainingLoop<G>(
                run: directory, configuration: configuration, references: references,
                labels: LabelledPositions.solverLabelled(G.self), reporter: reporter, codeVersion: CodeVersion.current,
                shouldStop: { interruptRequested.load(ordering: .relaxed) })
            if options.fromShards {
                loop.sampleSource = .shards(ShardStore(run: directory))
                directory.clearFinished()
            }
            let stop = try loop.train()
            if options.fromShards && stop != .interrupted { try directory.markFinished("\(stop)") }
            reporter.message("stopped: \(stop)")
            let ratings = EloRating.fit(try directory.allMatches())
            reporter.message("\nElo (random = 0, 95% intervals):\n" + EloRating.table(ratings))
            if stop != .interrupted {
                try finalCheck(G.self, configuration: configuration, reporter: terminal)
            }
        }

        /// Where the game's solver answers at once: the best network with search plays the perfect player 200 games.
        func finalCheck<G: GameState>(
            _ type: G.Type, configuration: TrainingConfiguration, reporter: TerminalReporter
        ) throws {
            guard let solvable = G.self as? any SolvableGame.Type, solvable.solvesInstantly,
                let perfectSpec = try? PlayerSpec(parsing: "perfect")
            else { return }
            let best = try directory.loadManifest(directory.completeGenerations().last!).best
            let network = try PolicyValueNetwork.load(from: directory.modelURL(best)).network
            var search = configuration.search
            search.simulations = configuration.evaluation.simulations
            search.dirichletFraction = 0
            let agent = NetworkSide<G>(
                name: "gen\(best)", evaluator: NetworkEvaluator(network: network), configuration: search, slots: 100,
                seed: 1)
            let perfect = try PlayerSide<G>(name: "perfect", slots: 100) {
                try makePlayer(perfectSpec, for: G.self, seed: UInt64($0) + 1)
            }
            guard let result = try MatchRunner.play(agent, perfect, games: 200, concurrent: 100, seed: 2) else {
                return
            }
            reporter.message(
                """

                Final check, generation \(best) with \(search.simulations) simulations/move against the perfect \
                player, 200 games:
                  as first player  +\(result.asFirst.wins) =\(result.asFirst.draws) -\(result.asFirst.losses)
                  as second player +\(result.asSecond.wins) =\(result.asSecond.draws) -\(result.asSecond.losses)
                  \(result.total.losses == 0 ? "never lost" : "lost \(result.total.losses) game(s)")
                """)
        }
    }
}
