import Foundation
import NeuralNet

/// What a generation's manifest records: where it came from, how it was made, what it scored.
/// A generation exists only once its manifest has been written.
public struct GenerationManifest: Codable, Sendable {
    public static let formatName = "selfplay-generation/1"
    public var format = GenerationManifest.formatName
    public var game: String
    public var generation: Int
    /// The generation whose weights this one was trained from (nil for generation 0).
    public var parent: Int?
    /// Whether this generation became the self-play player.
    public var promoted: Bool
    /// The best (self-play) generation once this one is complete.
    public var best: Int
    public var configurationHash: String
    public var seed: UInt64
    public var codeVersion: String
    public var createdAt: String
    /// The run's random generator state after this generation (for an exact resume).
    public var randomState: [UInt64]
    /// FNV-1a checksums of the generation's files, by file name.
    public var checksums: [String: String]
    /// Seconds per phase.
    public var timings: [String: Double]
    /// Totals since the run began, including this generation.
    public var totalSeconds: Double
    public var totalSimulations: Int
    public var totalPositions: Int

    /// What the run had spent of each kind of budget once this generation was complete.
    public var spent: TrainingConfiguration.BudgetSettings.Spent {
        (generation, totalSeconds, metrics.totalCPUSeconds ?? 0, totalSimulations)
    }
    public var metrics: GenerationMetrics
    /// The matches this generation played (also collected into `matches.jsonl`).
    public var matches: [MatchRecord]
    /// FNV-1a of this manifest as written without this field, so that an edit is detected
    /// (absent in manifests written before it existed).
    public var checksum: String?

    public init(
        game: String, generation: Int, parent: Int?, promoted: Bool, best: Int, configurationHash: String, seed: UInt64,
        codeVersion: String, createdAt: String, randomState: [UInt64], checksums: [String: String],
        timings: [String: Double],
        totalSeconds: Double, totalSimulations: Int, totalPositions: Int, metrics: GenerationMetrics,
        matches: [MatchRecord]
    ) {
        self.game = game; self.generation = generation; self.parent = parent; self.promoted = promoted; self.best = best
        self.configurationHash = configurationHash; self.seed = seed; self.codeVersion = codeVersion;
        self.createdAt = createdAt
        self.randomState = randomState; self.checksums = checksums; self.timings = timings;
        self.totalSeconds = totalSeconds
        self.totalSimulations = totalSimulations; self.totalPositions = totalPositions; self.metrics = metrics;
        self.matches = matches
    }
}

/// One generation's figures: losses, loop-health diagnostics and rating.
public struct GenerationMetrics: Codable, Sendable {
    public var generation: Int
    public var policyLoss: Double?
    public var valueLoss: Double?
    /// The learning rate at the generation's first training step.
    public var learningRate: Double?
    /// The network this generation grew to (`growth`), fitted on earlier generations' samples.
    public var grewTo: String?
    /// The self-play network's value loss on its own fresh games, and the candidate's on the window.
    public var freshValueLoss: Double?
    public var windowValueLoss: Double?
    /// Mean entropy (nats) of the search's root policies and of the raw network's policy.
    public var rootPolicyEntropy: Double?
    public var networkPolicyEntropy: Double?
    public var drawRate: Double?
    public var meanGameLength: Double?
    public var distinctPositionFraction: Double?
    /// Distinct self-play games and the fraction of games that repeated an earlier one.
    public var distinctGames: Int?
    public var duplicateGameRate: Double?
    /// Fraction of recorded self-play positions whose root the search had proven.
    public var provenRootFraction: Double?
    /// Fraction of self-play leaves answered from the search's evaluation cache.
    public var cachedEvaluationFraction: Double?
    /// Mean root visits added per recorded move (the real simulation count).
    public var meanRootVisits: Double?
    public var firstMoves: [String: Int]?
    /// Raw network's mistake rate on solver-labelled positions, where the game has them, and
    /// by kind of position: an immediate win available, a threat to meet, neither.
    public var mistakeRate: Double?
    public var mistakeRateImmediateWin: Double?
    public var mistakeRateThreat: Double?
    public var mistakeRateQuiet: Double?
    /// Per published test set, where the game ships labelled ones (`SolvableGame.labelledTestPositions`).
    public var mistakeRateBySet: [String: Double]?
    /// The value loss of a constant prediction on the fresh samples (the bar the value head must beat).
    public var freshValueBaseline: Double?
    public var selfPlayPositions: Int?
    public var gatingScore: Double?
    public var promoted: Bool
    /// Why the candidate was rejected (collapse, non-finite loss, gating), if it was.
    public var rejection: String?
    public var elo: Double?
    public var eloLow: Double?
    public var eloHigh: Double?
    public var totalSeconds: Double
    /// CPU-seconds of the process, all threads together (absent before it was recorded).
    public var totalCPUSeconds: Double?
    /// Whether this generation played the evaluation matches, and the run's wall-clock seconds of
    /// evaluation up to it (both absent before they were recorded).
    public var evaluated: Bool?
    public var totalEvaluationSeconds: Double?
    /// Whether this generation played the budget's final evaluation (another like it would overrun the
    /// budget); the run ends with it unless the budget was raised since.
    public var finalEvaluation: Bool?
    public var totalSimulations: Int
    public var totalPositions: Int
    /// The worker shards this generation's samples came from (`selfplay learn`), deleted once it is complete.
    public var consumedShards: [String]?

    public init(generation: Int, promoted: Bool, totalSeconds: Double, totalSimulations: Int, totalPositions: Int) {
        self.generation = generation
        self.promoted = promoted
        self.totalSeconds = totalSeconds
        self.totalSimulations = totalSimulations
        self.totalPositions = totalPositions
    }
}

/// The error for a run directory that cannot be used, with what to do about it.
public struct RunDirectoryError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A training run on disk:
///
///     config.json               the resolved configuration
///     generations/NNNN/         model.safetensors (weights and optimizer state), manifest.json
///     games/NNNN.samples        the self-play samples of generation NNNN
///     matches.jsonl             every match result, one per line
///     metrics.jsonl             one line per generation
///     arena.jsonl               matches recorded by `selfplay arena --record` (see ArenaLog.swift)
///     rolled-back/              generations set aside by `rollback`
///
/// Every file is written atomically. A generation is written into a temporary folder that
/// is renamed into place only once complete, so a crash loses at most the unfinished one.
/// `matches.jsonl` and `metrics.jsonl` are rebuilt from the manifests after each generation.
public struct RunDirectory: Sendable {
    public let url: URL
    static let configurationFile = "config.json"
    static let modelFile = "model.safetensors"
    static let manifestFile = "manifest.json"

    public var configurationURL: URL { url.appendingPathComponent(Self.configurationFile) }
    public var generationsURL: URL { url.appendingPathComponent("generations") }
    public var gamesURL: URL { url.appendingPathComponent("games") }

    public init(url: URL) { self.url = url }

    /// Whether `url` already holds a run (a generation folder, with its copy of the configuration, does not).
    public var exists: Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: configurationURL.path) && manager.fileExists(atPath: generationsURL.path)
    }

    /// Creates a new run with `configuration`, refusing a folder that holds anything else.
    /// `config.json` is written last, so a crash before it leaves a folder this accepts again.
    public static func create(at url: URL, configuration: TrainingConfiguration) throws -> RunDirectory {
        let manager = FileManager.default
        let data = try AtomicFile.encodeJSON(configuration)
        let run = RunDirectory(url: url)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RunDirectoryError("\(url.path) is a file, not a run directory") }
            let contents = try manager.contentsOfDirectory(atPath: url.path).filter { !$0.hasPrefix(".") }
            let emptyFolders = [run.generationsURL, run.gamesURL].filter { folder in
                (try? manager.contentsOfDirectory(atPath: folder.path).isEmpty) == true
            }.map(\.lastPathComponent)
            guard Set(contents).isSubset(of: emptyFolders) else {
                throw RunDirectoryError(
                    "\(url.path) is not empty and holds no run (no \(configurationFile)); choose a new folder")
            }
            run.removeStaleTemporaryFiles()
        }
        try manager.createDirectory(at: run.generationsURL, withIntermediateDirectories: true)
        try manager.createDirectory(at: run.gamesURL, withIntermediateDirectories: true)
        try AtomicFile.write(data, to: run.configurationURL)
        return run
    }

    /// Throws unless the run's folders can be written (training, rollback and reports write there).
    public func checkWritable() throws {
        for folder in [url, generationsURL, gamesURL] where access(folder.path, W_OK) != 0 {
            throw RunDirectoryError("cannot write in \(folder.path): \(String(cString: strerror(errno)))")
        }
    }

    public func saveConfiguration(_ configuration: TrainingConfiguration) throws {
        try AtomicFile.write(try AtomicFile.encodeJSON(configuration), to: configurationURL)
    }

    /// Reads the run's configuration, refusing a missing, foreign or invalid one.
    public func loadConfiguration() throws -> TrainingConfiguration {
        guard let data = FileManager.default.contents(atPath: configurationURL.path) else {
            throw RunDirectoryError("\(url.path) holds no run (no \(Self.configurationFile))")
        }
        do {
            return try TrainingConfiguration.decode(data)
        } catch {
            throw RunDirectoryError(
                "\(configurationURL.path) is not a SelfPlay configuration: "
                    + describeDecodingError(error))
        }
    }

    /// Refuses a run whose `config.json` was edited by hand: it must equal the configuration
    /// each generation kept (generations written before they kept one are not checked, nor those
    /// that a branch took over from its parent).
    public func checkConfiguration(_ configuration: TrainingConfiguration) throws {
        let inherited = try branch()?.generation ?? -1
        for generation in completeGenerations() {
            let manifest = try loadManifest(generation, verifyFiles: false)
            guard manifest.game == configuration.game else {
                throw RunDirectoryError(
                    "generations/\(Self.folderName(generation))/\(Self.manifestFile) is for "
                        + "\(manifest.game) but \(Self.configurationFile) for \(configuration.game)")
            }
            let copyURL = generationURL(generation).appendingPathComponent(Self.configurationFile)
            guard generation > inherited, let data = FileManager.default.contents(atPath: copyURL.path) else {
                continue
            }
            let trained: TrainingConfiguration
            do { trained = try TrainingConfiguration.decode(data) } catch {
                throw RunDirectoryError(
                    "generations/\(Self.folderName(generation))/\(Self.configurationFile) is "
                        + "unreadable: \(describeDecodingError(error))")
            }
            let changes = Self.differences(from: trained, to: configuration)
            guard changes.isEmpty else {
                throw RunDirectoryError(
                    "\(Self.configurationFile) was changed after generation \(generation) was "
                        + "trained: \(changes.joined(separator: ", ")); restore it (only the budget "
                        + "may change when a run resumes)")
            }
        }
    }

    /// `key: old -> new` for each key that shapes a run's results and differs; the budget, which may
    /// change when a run resumes, only `includingBudget`.
    static func differences(
        from old: TrainingConfiguration, to new: TrainingConfiguration, includingBudget: Bool = false
    ) -> [String] {
        func flatten(_ configuration: TrainingConfiguration) -> [String: String] {
            var shaping = configuration
            if !includingBudget { shaping.budget = .init() }
            shaping.blasThreads = 0
            var result: [String: String] = [:]
            func visit(_ value: Any, _ path: String) {
                if let object = value as? [String: Any] {
                    for (key, child) in object { visit(child, path.isEmpty ? key : "\(path).\(key)") }
                } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                    result[path] = String(decoding: data, as: UTF8.self)
                }
            }
            if let data = try? AtomicFile.encodeJSON(shaping) {
                visit((try? JSONSerialization.jsonObject(with: data)) ?? [:], "")
            }
            return result
        }
        let before = flatten(old), after = flatten(new)
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            before[key] == after[key] ? nil : "\(key): \(before[key] ?? "(none)") -> \(after[key] ?? "(none)")"
        }
    }

    // MARK: Generations

    static func folderName(_ generation: Int) -> String { String(format: "%04d", generation) }

    func generationURL(_ generation: Int) -> URL { generationsURL.appendingPathComponent(Self.folderName(generation)) }

    public func modelURL(_ generation: Int) -> URL { generationURL(generation).appendingPathComponent(Self.modelFile) }

    func samplesURL(_ generation: Int) -> URL {
        gamesURL.appendingPathComponent(String(format: "%04d.samples", generation))
    }

    /// The generations whose folder is complete (has a manifest), in order. During a rollback
    /// (its journal written, its moves not yet all done) the rolled-back ones no longer count.
    public func completeGenerations() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: generationsURL.path)) ?? []
        let head = pendingRollback()?.to ?? Int.max
        return names.compactMap { name -> Int? in
            guard name.count == 4, let number = Int(name), number <= head,
                FileManager.default.fileExists(
                    atPath: generationURL(number).appendingPathComponent(Self.manifestFile).path)
            else { return nil }
            return number
        }.sorted()
    }

    /// Generations before the last complete one whose folder is missing or incomplete.
    public func missingGenerations() -> [Int] {
        let complete = completeGenerations()
        guard let last = complete.last else { return [] }
        return Array(Set(0...last).subtracting(complete)).sorted()
    }

    /// Reads a generation's manifest and checks its files against their checksums.
    public func loadManifest(_ generation: Int, verifyFiles: Bool = true) throws -> GenerationManifest {
        let folder = generationURL(generation)
        let label = "generations/\(Self.folderName(generation))"
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(Self.manifestFile).path) else {
            throw RunDirectoryError("generation \(generation) is incomplete (no manifest)")
        }
        let manifest = try Self.readManifest(in: folder, label: label)
        guard manifest.generation == generation, manifest.metrics.generation == generation else {
            let claimed = manifest.generation == generation ? manifest.metrics.generation : manifest.generation
            throw RunDirectoryError(
                "\(label)/\(Self.manifestFile) says it is generation \(claimed); "
                    + "manifests must not be edited")
        }
        guard manifest.randomState.count == 4, manifest.randomState.contains(where: { $0 != 0 }) else {
            throw RunDirectoryError("\(label)/\(Self.manifestFile): randomState must be four words, not all zero")
        }
        let counts = 0...1_000_000_000
        for match in manifest.matches
        where
            !([
                match.wins, match.draws, match.losses, match.winsAsFirst, match.drawsAsFirst,
                match.lossesAsFirst,
            ].allSatisfy(counts.contains))
        {
            throw RunDirectoryError(
                "\(label)/\(Self.manifestFile): match \(match.playerA) vs \(match.playerB) has counts "
                    + "out of range")
        }
        if verifyFiles {
            for file in manifest.checksums.keys.sorted() {
                try Self.verify(folder.appendingPathComponent(file), against: manifest, label: label) {
                    "roll back with `selfplay rollback --run \(url.path) --to \(generation - 1)`"
                }
            }
        }
        return manifest
    }

    /// The manifest in `folder`, refusing an unreadable or foreign one.
    static func readManifest(in folder: URL, label: String) throws -> GenerationManifest {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(manifestFile).path) else {
            throw RunDirectoryError("\(label): cannot read \(manifestFile)")
        }
        let manifest: GenerationManifest
        do {
            manifest = try JSONDecoder().decode(GenerationManifest.self, from: data)
        } catch {
            throw RunDirectoryError("\(label): unreadable manifest (\(describeDecodingError(error)))")
        }
        guard manifest.format == GenerationManifest.formatName else {
            throw RunDirectoryError("\(label): unknown manifest format '\(manifest.format.prefix(80))'")
        }
        if let recorded = manifest.checksum, try recorded != checksum(of: manifest) {
            throw RunDirectoryError(
                "\(label)/\(manifestFile) was edited (its checksum does not match); "
                    + "manifests must not be edited, restore it")
        }
        return manifest
    }

    /// The checksum of `manifest` written without its own checksum.
    static func checksum(of manifest: GenerationManifest) throws -> String {
        var unsigned = manifest
        unsigned.checksum = nil
        return FNV1a.hex(try AtomicFile.encodeJSON(unsigned))
    }

    /// Throws unless `file` matches the checksum `manifest` records for it (if it records one).
    static func verify(_ file: URL, against manifest: GenerationManifest, label: String, remedy: () -> String) throws {
        guard let checksum = manifest.checksums[file.lastPathComponent] else { return }
        guard let contents = FileManager.default.contents(atPath: file.path) else {
            throw RunDirectoryError("\(label): \(file.lastPathComponent) is missing")
        }
        let actual = FNV1a.hex(contents)
        guard actual == checksum else {
            throw RunDirectoryError(
                "\(label): \(file.lastPathComponent) is corrupted (checksum \(actual), "
                    + "manifest says \(checksum)); \(remedy())")
        }
    }

    /// Checks a file inside a generation folder (e.g. a `model.safetensors` named by path)
    /// against the manifest beside it; does nothing for a file without one.
    public static func verifyAgainstManifest(_ file: URL) throws {
        let folder = file.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(manifestFile).path) else { return }
        let manifest = try readManifest(in: folder, label: folder.path)
        try verify(file, against: manifest, label: folder.path) { "this file cannot be trusted" }
    }

    /// Writes generation `generation`: `writeFiles` fills a temporary folder, then the manifest
    /// (with the files' checksums) is added and the folder renamed into place.
    public func writeGeneration(
        _ generation: Int, manifest: GenerationManifest, writeFiles: (URL) throws -> Void
    ) throws {
        let manager = FileManager.default
        let temporary = generationsURL.appendingPathComponent(String(format: ".incomplete-%04d", generation))
        try? manager.removeItem(at: temporary)
        try manager.createDirectory(at: temporary, withIntermediateDirectories: true)
        try writeFiles(temporary)
        // The configuration it was trained with, so that a later edit of config.json can be named.
        try AtomicFile.write(
            try Data(contentsOf: configurationURL),
            to: temporary.appendingPathComponent(Self.configurationFile))
        var manifest = manifest
        for file in try manager.contentsOfDirectory(atPath: temporary.path) where !file.hasPrefix(".") {
            guard let contents = manager.contents(atPath: temporary.appendingPathComponent(file).path) else { continue }
            manifest.checksums[file] = FNV1a.hex(contents)
        }
        manifest.checksum = try Self.checksum(of: manifest)
        try AtomicFile.write(
            try AtomicFile.encodeJSON(manifest), to: temporary.appendingPathComponent(Self.manifestFile))
        FailPoint.hit("checkpoint-manifest", generation: generation)
        let destination = generationURL(generation)
        guard !manager.fileExists(atPath: destination.path) else {
            throw RunDirectoryError("generation \(generation) already exists in \(url.path)")
        }
        try AtomicFile.move(temporary, to: destination)
    }

    /// Removes leftovers of an interrupted generation (temporary folders and files, samples of
    /// generations that never completed). Does nothing to samples while a rollback is pending.
    public func removeIncomplete() {
        let manager = FileManager.default
        removeStaleTemporaryFiles()
        for name in (try? manager.contentsOfDirectory(atPath: generationsURL.path)) ?? []
        where name.hasPrefix(".incomplete-") {
            try? manager.removeItem(at: generationsURL.appendingPathComponent(name))
        }
        guard pendingRollback() == nil else { return }
        let last = completeGenerations().last ?? -1
        for name in (try? manager.contentsOfDirectory(atPath: gamesURL.path)) ?? [] {
            if name.hasPrefix(".") || (Int(name.prefix(4)).map { $0 > last } ?? false) {
                try? manager.removeItem(at: gamesURL.appendingPathComponent(name))
            }
        }
    }

    /// Removes the temporary files (`.NAME.tmp-PID`) of atomic writes whose process is gone.
    func removeStaleTemporaryFiles() {
        let manager = FileManager.default
        for folder in [url, generationsURL, gamesURL] {
            for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") {
                guard let range = name.range(of: ".tmp-", options: .backwards),
                    let pid = Int32(name[range.upperBound...]), pid != getpid(),
                    kill(pid, 0) != 0, errno == ESRCH
                else { continue }
                try? manager.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    // MARK: Samples

    public func writeSamples(_ samples: SampleSet, generation: Int, game: String) throws {
        try AtomicFile.write(samples.encoded(game: game), to: samplesURL(generation))
    }

    public func loadSamples(generation: Int, game: String, inputSize: Int, actionCount: Int) throws -> SampleSet {
        guard let data = FileManager.default.contents(atPath: samplesURL(generation).path) else {
            throw RunDirectoryError(
                "the samples of generation \(generation) are missing (\(samplesURL(generation).lastPathComponent))")
        }
        return try SampleSet.decode(
            data, expectedGame: game, inputSize: inputSize, actionCount: actionCount,
            source: "games/\(samplesURL(generation).lastPathComponent)")
    }

    // MARK: Logs

    /// Rewrites `matches.jsonl` and `metrics.jsonl` from the manifests of complete generations.
    public func rebuildLogs() throws {
        var matches = Data()
        var metrics = Data()
        for generation in completeGenerations() {
            let manifest = try loadManifest(generation, verifyFiles: false)
            for match in manifest.matches {
                matches.append(try AtomicFile.encodeJSON(match, pretty: false))
                matches.append(UInt8(ascii: "\n"))
            }
            metrics.append(try AtomicFile.encodeJSON(manifest.metrics, pretty: false))
            metrics.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(matches, to: url.appendingPathComponent("matches.jsonl"))
        try AtomicFile.write(metrics, to: url.appendingPathComponent("metrics.jsonl"))
    }

    /// Every match of the complete generations.
    public func allMatches() throws -> [MatchRecord] {
        try completeGenerations().flatMap { try loadManifest($0, verifyFiles: false).matches }
    }

    // MARK: Rollback

    /// A rollback in progress: written (atomically) before anything moves, removed when all has
    /// moved. From then on the generations after `to` no longer count, so a rollback takes
    /// effect at once; whoever opens the run next finishes the moves.
    struct RollbackJournal: Codable {
        var to: Int
        /// The folder in `rolled-back/` that receives the later generations and their samples.
        var destination: String
        var generations: [Int]
    }

    var rollbackJournalURL: URL { url.appendingPathComponent("rollback.json") }

    func pendingRollback() -> RollbackJournal? {
        guard let data = FileManager.default.contents(atPath: rollbackJournalURL.path) else { return nil }
        return try? JSONDecoder().decode(RollbackJournal.self, from: data)
    }

    /// Makes `generation` the head again: later generations and their samples are moved to
    /// `rolled-back/<time>/` (kept, not deleted) and the logs rebuilt. Returns what was moved.
    @discardableResult
    public func rollback(to generation: Int) throws -> [Int] {
        try finishPendingRollback()
        let complete = completeGenerations()
        guard complete.contains(generation) else {
            let list = complete.map(String.init).joined(separator: ", ")
            throw RunDirectoryError("generation \(generation) does not exist; complete generations: \(list)")
        }
        _ = try loadManifest(generation)
        let later = complete.filter { $0 > generation }
        guard !later.isEmpty else { return [] }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
        let aside = url.appendingPathComponent("rolled-back")
        let taken = Set((try? FileManager.default.contentsOfDirectory(atPath: aside.path)) ?? [])
        var destination = stamp, suffix = 1
        while taken.contains(destination) {
            suffix += 1
            destination = "\(stamp)-\(suffix)"
        }
        let journal = RollbackJournal(to: generation, destination: destination, generations: later)
        try AtomicFile.write(try AtomicFile.encodeJSON(journal), to: rollbackJournalURL)
        try finishPendingRollback()
        return later
    }

    /// Finishes a rollback that was interrupted: moves what has not moved yet, rebuilds the logs
    /// and removes the journal. Does nothing when no rollback is pending.
    public func finishPendingRollback() throws {
        guard FileManager.default.fileExists(atPath: rollbackJournalURL.path) else { return }
        guard let journal = pendingRollback() else {
            throw RunDirectoryError("\(rollbackJournalURL.path) is unreadable; it records an unfinished rollback")
        }
        let manager = FileManager.default
        let aside = url.appendingPathComponent("rolled-back").appendingPathComponent(journal.destination)
        try manager.createDirectory(at: aside.appendingPathComponent("generations"), withIntermediateDirectories: true)
        try manager.createDirectory(at: aside.appendingPathComponent("games"), withIntermediateDirectories: true)
        for number in journal.generations {
            let moves = [(generationURL(number), "generations"), (samplesURL(number), "games")]
            for (source, folder) in moves where manager.fileExists(atPath: source.path) {
                let destination = aside.appendingPathComponent(folder).appendingPathComponent(source.lastPathComponent)
                try AtomicFile.move(source, to: destination)
            }
            FailPoint.hit("rollback", generation: number)
        }
        try rebuildLogs()
        try manager.removeItem(at: rollbackJournalURL)
        AtomicFile.syncDirectory(url)
        removeIncomplete()
    }
}
