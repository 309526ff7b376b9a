import ArgumentParser
import Environments
import Foundation
import GameKit
import NeuralNet
import Players
import Search
import Training

/// A named, versioned experiment: a game, configuration changes, seeds and a budget, plus final
/// matches of each seed's best network against fixed opponents. With `arms` it is an ablation:
/// every arm runs every seed with the common changes plus its own, at the same budget.
struct ExperimentFile: Codable {
    var name: String
    var version: Int
    var description: String?
    var game: String
    /// Configuration keys to change, as `selfplay train --set` takes them.
    var set: [String: String]?
    var seeds: [UInt64]
    /// Final matches of each seed's best network: opponent spec and games.
    var finalMatches: [FinalMatch]?
    /// The variants of an ablation, each with its own configuration changes.
    var arms: [Arm]?

    struct FinalMatch: Codable {
        var opponent: String
        var games: Int
    }

    struct Arm: Codable {
        var name: String
        var set: [String: String]?
        /// An earlier arm whose run of the same seed this one branches from (`selfplay branch`) at
        /// the last generation before `branchBefore` of the budget was spent: for an arm whose own
        /// settings act only from there on (growth, say), the two share that stretch of training.
        var branchFrom: String?
        var branchBefore: Double?
    }
}

struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run an experiment file's seeds one after another, then aggregate them.",
        discussion: """
            Writes OUT/seed-N/ (one run per seed; an existing one is resumed), OUT/aggregate.csv \
            (generation, seed, Elo with interval, mistake rate, training time, positions), \
            OUT/final-matches.csv and OUT/report.html with every seed and their mean and spread.

            An experiment with "arms" (an ablation) does this in OUT/ARM/ for each arm, then writes \
            OUT/ablation.csv: each arm's mean final-match score over its seeds with a 95% interval. \
            An arm with "branchFrom": "ARM" and "branchBefore": P (a share of the budget) starts each \
            seed as a branch of that earlier arm's run at its last generation before P was spent \
            (`selfplay branch`): for settings that act only from there on, such as growth.

            Example files: scripts/experiments/ and benchmarks/experiments/.
            """
    )

    @Argument(help: "The experiment file (JSON).") var file: String
    @Option(parsing: .unconditional, help: "Use only the first N seeds of the file.") var seeds: Int?
    @Option(help: "The output folder (default: experiments/NAME).") var out: String?

    func validate() throws {
        if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: file)
        else {
            throw ValidationError("cannot read \(file): not a readable file")
        }
        let experiment: ExperimentFile
        do { experiment = try JSONDecoder().decode(ExperimentFile.self, from: data) } catch {
            throw ValidationError("\(file) is not an experiment file: \(describeDecodingError(error))")
        }
        guard let type = GameCatalog.game(named: experiment.game) else {
            throw ValidationError("unknown game '\(abbreviated(experiment.game))' in \(file)")
        }
        for match in experiment.finalMatches ?? [] where !(1...maximumGames).contains(match.games) {
            throw ValidationError("\(file): finalMatches games must be in 1...\(maximumGames) (got \(match.games))")
        }
        let chosen = Array(experiment.seeds.prefix(seeds ?? experiment.seeds.count))
        guard !chosen.isEmpty else { throw ValidationError("no seeds to run") }
        let folder = URL(fileURLWithPath: out ?? "experiments/\(experiment.name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AtomicFile.write(data, to: folder.appendingPathComponent("experiment.json"))
        guard let arms = experiment.arms, !arms.isEmpty else {
            _ = try GameCatalog.visit(
                type,
                with: Runner(
                    experiment: experiment, seeds: chosen, folder: folder,
                    overrides: experiment.set ?? [:]))
            return
        }
        guard Set(arms.map(\.name)).count == arms.count,
            arms.allSatisfy({ !$0.name.isEmpty && !$0.name.contains("/") && !$0.name.hasPrefix(".") })
        else {
            throw ValidationError("\(file): arm names must be distinct folder names")
        }
        var runners: [Runner] = []
        for arm in arms {
            var runner = Runner(
                experiment: experiment, seeds: chosen, folder: folder.appendingPathComponent(arm.name),
                overrides: (experiment.set ?? [:]).merging(arm.set ?? [:]) { $1 })
            switch (arm.branchFrom, arm.branchBefore) {
            case (nil, nil): break
            case (let source?, let before?):
                guard let parent = runners.first(where: { $0.folder.lastPathComponent == source }) else {
                    throw ValidationError("\(file): arm \(arm.name) branches from '\(source)', not an earlier arm")
                }
                guard before > 0 && before <= 1 else {
                    throw ValidationError("\(file): branchBefore of arm \(arm.name) must be in (0, 1] (got \(before))")
                }
                runner.branch = (parent.folder, before)
            default:
                throw ValidationError("\(file): arm \(arm.name) needs both branchFrom and branchBefore, or neither")
            }
            runners.append(runner)
        }
        // Seed by seed, every arm in turn: a change in the machine's load falls on all arms alike.
        for seed in chosen {
            for runner in runners { try runner.train(seed: seed, game: type.name) }
        }
        var results: [(arm: String, results: [FinalResult])] = []
        for (arm, runner) in zip(arms, runners) {
            results.append((arm.name, try GameCatalog.visit(type, with: runner)))
        }
        try writeAblation(results, to: folder.appendingPathComponent("ablation.csv"))
    }

    /// One seed's final match.
    struct FinalResult {
        var seed: UInt64
        var opponent: String
        var result: MatchResult
    }

    /// Each arm's mean final-match score over its seeds, with a 95% t-interval over the seeds.
    func writeAblation(_ arms: [(arm: String, results: [FinalResult])], to url: URL) throws {
        var csv = "arm,opponent,seeds,games,mean_score,low,high\n"
        print("\nablation: mean final-match score over seeds (95% interval over seeds)")
        for (arm, results) in arms {
            for opponent in Array(Set(results.map(\.opponent))).sorted() {
                let scores = results.filter { $0.opponent == opponent }.map(\.result.score)
                let games = results.filter { $0.opponent == opponent }.reduce(0) { $0 + $1.result.total.games }
                let (mean, halfWidth) = Self.meanInterval(scores)
                csv += String(
                    format: "%@,%@,%d,%d,%.4f,%.4f,%.4f\n", arm, opponent, scores.count, games, mean,
                    mean - halfWidth, mean + halfWidth)
                let label = "\(arm) vs \(opponent)".padding(toLength: 48, withPad: " ", startingAt: 0)
                print(
                    label
                        + String(
                            format: " %.3f [%.3f, %.3f]  (%d seeds, %d games)", mean, mean - halfWidth,
                            mean + halfWidth, scores.count, games))
            }
        }
        try AtomicFile.write(Data(csv.utf8), to: url)
        print("wrote \(url.path)")
    }

    /// The mean and the half-width of its 95% Student-t interval (infinite for one value).
    static func meanInterval(_ values: [Double]) -> (mean: Double, halfWidth: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / max(n, 1)
        guard values.count > 1 else { return (mean, .infinity) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let t: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262]
        let quantile = values.count - 2 < t.count ? t[values.count - 2] : 1.96
        return (mean, quantile * (variance / n).squareRoot())
    }

    struct Runner: GameVisitor {
        let experiment: ExperimentFile
        let seeds: [UInt64]
        let folder: URL
        /// The configuration changes of every seed's run.
        let overrides: [String: String]
        /// The overrides as `--set` items, in key order.
        var overrideItems: [String] { overrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }
        /// The folder of the arm whose runs this one's branch from, and the budget share they branch before.
        var branch: (source: URL, before: Double)?

        func visit<G: GameState>(_ type: G.Type) throws -> [FinalResult] {
            var runs: [RunDirectory] = []
            for seed in seeds {
                try train(seed: seed, game: G.name)
                runs.append(RunDirectory(url: runFolder(seed)))
            }
            try writeAggregate(runs)
            let results = try playFinalMatches(G.self, runs: runs)
            let data = try runs.map { try RunReport.RunData(run: $0) }
            try AtomicFile.write(Data(RunReport.html(data).utf8), to: folder.appendingPathComponent("report.html"))
            print("wrote \(folder.path)/aggregate.csv and \(folder.path)/report.html")
            return results
        }

        func runFolder(_ seed: UInt64) -> URL { folder.appendingPathComponent("seed-\(seed)") }

        /// Trains (or resumes) one seed's run until its budget; a finished run returns at once.
        func train(seed: UInt64, game: String) throws {
            let path = runFolder(seed).path
            print("== \(experiment.name) v\(experiment.version), seed \(seed): \(path)")
            var train = try TrainCommand.parse(["--game", game, "--run", path])
            if let branch, !RunDirectory(url: runFolder(seed)).exists {
                try makeBranch(seed: seed, game: game, from: branch.source, before: branch.before)
            }
            if !RunDirectory(url: URL(fileURLWithPath: path)).exists {
                train.options.seed = seed
                train.options.overrides = overrideItems
            }
            try train.run()
            if interruptRequested.load(ordering: .relaxed) { throw ExitCode(130) }
        }

        /// Makes this seed's run a branch of `source`'s at its last generation before `before` of the
        /// budget was spent, with this arm's configuration.
        func makeBranch(seed: UInt64, game: String, from source: URL, before: Double) throws {
            let parent = RunDirectory(url: source.appendingPathComponent(runFolder(seed).lastPathComponent))
            var configuration: TrainingConfiguration
            do {
                configuration = try TrainingConfiguration.defaults(for: game).applying(overrides: overrideItems)
            } catch let error as ConfigurationError {
                throw ValidationError(error.description)
            }
            configuration.seed = seed
            let generation = try parent.completeGenerations().last { generation in
                let manifest = try parent.loadManifest(generation, verifyFiles: false)
                return configuration.budget.progress(spent: manifest.spent) < before
            }
            guard let generation else {
                throw CommandFailure(
                    "\(parent.url.path) has no generation before \(before) of the budget to branch from")
            }
            do {
                try parent.makeBranch(at: generation, to: runFolder(seed), configuration: configuration)
            } catch let error as RunDirectoryError {
                throw CommandFailure(error.description)
            }
            print("branched from \(source.lastPathComponent) at generation \(generation)")
        }

        func writeAggregate(_ runs: [RunDirectory]) throws {
            var csv =
                "generation,seed,elo,elo_low,elo_high,mistake_rate,training_seconds,cpu_seconds,positions,"
                + "simulations,promoted\n"
            for (run, seed) in zip(runs, seeds) {
                let data = try RunReport.RunData(run: run)
                for manifest in data.manifests {
                    let rating = data.ratings[manifest.generation]
                    func number(_ value: Double?) -> String {
                        value.map { $0.isFinite ? String(format: "%.4g", $0) : "" } ?? ""
                    }
                    csv += "\(manifest.generation),\(seed),\(number(rating?.elo)),\(number(rating?.low)),"
                    csv += "\(number(rating?.high)),"
                    csv += "\(number(manifest.metrics.mistakeRate)),\(String(format: "%.2f", manifest.totalSeconds)),"
                    csv += "\(number(manifest.metrics.totalCPUSeconds)),\(manifest.totalPositions),"
                    csv += "\(manifest.totalSimulations),\(manifest.promoted)\n"
                }
            }
            try AtomicFile.write(Data(csv.utf8), to: folder.appendingPathComponent("aggregate.csv"))
        }

        func playFinalMatches<G: GameState>(_ type: G.Type, runs: [RunDirectory]) throws -> [FinalResult] {
            guard let matches = experiment.finalMatches, !matches.isEmpty else { return [] }
            var results: [FinalResult] = []
            var csv = "seed,player,opponent,games,wins,draws,losses,score,elo_difference,elo_low,elo_high\n"
            for (run, seed) in zip(runs, seeds) {
                for match in matches {
                    let slots = min(64, match.games)
                    let agent = try makeSide("net:\(run.url.path)", for: G.self, slots: slots, seed: seed)
                    let opponent = try makeSide(match.opponent, for: G.self, slots: slots, seed: seed &+ 1)
                    let configuration = try run.loadConfiguration()
                    let openingMoves = configuration.evaluation.openingMoves
                    guard
                        let result = try MatchRunner.play(
                            agent, opponent, games: match.games, concurrent: slots,
                            openingMoves: openingMoves, seed: seed)
                    else {
                        throw ExitCode(130)
                    }
                    results.append(FinalResult(seed: seed, opponent: match.opponent, result: result))
                    let (elo, low, high) = result.eloDifference
                    print("seed \(seed): \(agent.name) vs \(match.opponent): \(result)")
                    let t = result.total
                    csv += "\(seed),\(agent.name),\(match.opponent),\(t.games),\(t.wins),\(t.draws),\(t.losses),"
                    csv += String(format: "%.4f,%.1f,%.1f,%.1f\n", result.score, elo, low, high)
                }
            }
            try AtomicFile.write(Data(csv.utf8), to: folder.appendingPathComponent("final-matches.csv"))
            return results
        }
    }
}
