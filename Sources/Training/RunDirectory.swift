import Foundation

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
    public var metrics: GenerationMetrics
    /// The matches this generation played (also collected into `matches.jsonl`).
    public var matches: [MatchRecord]

    public init(game: String, generation: Int, parent: Int?, promoted: Bool, best: Int, configurationHash: String, seed: UInt64,
                codeVersion: String, createdAt: String, randomState: [UInt64], checksums: [String: String], timings: [String: Double],
                totalSeconds: Double, totalSimulations: Int, totalPositions: Int, metrics: GenerationMetrics, matches: [MatchRecord]) {
        self.game = game; self.generation = generation; self.parent = parent; self.promoted = promoted; self.best = best
        self.configurationHash = configurationHash; self.seed = seed; self.codeVersion = codeVersion; self.createdAt = createdAt
        self.randomState = randomState; self.checksums = checksums; self.timings = timings; self.totalSeconds = totalSeconds
        self.totalSimulations = totalSimulations; self.totalPositions = totalPositions; self.metrics = metrics; self.matches = matches
    }
}

/// One generation's figures: losses, loop-health diagnostics and rating.
public struct GenerationMetrics: Codable, Sendable {
    public var generation: Int
    public var policyLoss: Double?
    public var valueLoss: Double?
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
    /// Mean root visits added per recorded move (the real simulation count).
    public var meanRootVisits: Double?
    public var firstMoves: [String: Int]?
    /// Raw network's mistake rate on solver-labelled positions, where the game has them, and
    /// by kind of position: an immediate win available, a threat to meet, neither.
    public var mistakeRate: Double?
    public var mistakeRateImmediateWin: Double?
    public var mistakeRateThreat: Double?
    public var mistakeRateQuiet: Double?
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
    public var totalSimulations: Int
    public var totalPositions: Int

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

    /// Whether `url` already holds a run.
    public var exists: Bool { FileManager.default.fileExists(atPath: configurationURL.path) }

    /// Creates a new run with `configuration`, refusing a folder that holds anything else.
    public static func create(at url: URL, configuration: TrainingConfiguration) throws -> RunDirectory {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RunDirectoryError("\(url.path) is a file, not a run directory") }
            let contents = try manager.contentsOfDirectory(atPath: url.path).filter { !$0.hasPrefix(".") }
            guard contents.isEmpty else {
                throw RunDirectoryError("\(url.path) is not empty and holds no run (no \(configurationFile)); choose a new folder")
            }
        }
        let run = RunDirectory(url: url)
        try manager.createDirectory(at: run.generationsURL, withIntermediateDirectories: true)
        try manager.createDirectory(at: run.gamesURL, withIntermediateDirectories: true)
        try run.saveConfiguration(configuration)
        return run
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
            throw RunDirectoryError("\(configurationURL.path) is not a SelfPlay configuration: \(error)")
        }
    }

    // MARK: Generations

    func generationURL(_ generation: Int) -> URL {
        generationsURL.appendingPathComponent(String(format: "%04d", generation))
    }

    public func modelURL(_ generation: Int) -> URL { generationURL(generation).appendingPathComponent(Self.modelFile) }

    func samplesURL(_ generation: Int) -> URL { gamesURL.appendingPathComponent(String(format: "%04d.samples", generation)) }

    /// The generations whose folder is complete (has a manifest), in order.
    public func completeGenerations() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: generationsURL.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.count == 4, let number = Int(name),
                  FileManager.default.fileExists(atPath: generationURL(number).appendingPathComponent(Self.manifestFile).path) else { return nil }
            return number
        }.sorted()
    }

    /// Reads a generation's manifest and checks its files against their checksums.
    public func loadManifest(_ generation: Int, verifyFiles: Bool = true) throws -> GenerationManifest {
        let folder = generationURL(generation)
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Self.manifestFile).path) else {
            throw RunDirectoryError("generation \(generation) is incomplete (no manifest)")
        }
        let manifest: GenerationManifest
        do {
            manifest = try JSONDecoder().decode(GenerationManifest.self, from: data)
        } catch {
            throw RunDirectoryError("generation \(generation): unreadable manifest (\(error))")
        }
        guard manifest.format == GenerationManifest.formatName else {
            throw RunDirectoryError("generation \(generation): unknown manifest format '\(manifest.format)'")
        }
        if verifyFiles {
            for (file, checksum) in manifest.checksums {
                guard let contents = FileManager.default.contents(atPath: folder.appendingPathComponent(file).path) else {
                    throw RunDirectoryError("generation \(generation): \(file) is missing")
                }
                guard FNV1a.hex(contents) == checksum else {
                    throw RunDirectoryError("generation \(generation): \(file) is corrupted (checksum \(FNV1a.hex(contents)), manifest says \(checksum)); roll back with `selfplay rollback --run \(url.path) --to \(generation - 1)`")
                }
            }
        }
        return manifest
    }

    /// Writes generation `generation`: `writeFiles` fills a temporary folder, then the manifest
    /// (with the files' checksums) is added and the folder renamed into place.
    public func writeGeneration(_ generation: Int, manifest: GenerationManifest, writeFiles: (URL) throws -> Void) throws {
        let manager = FileManager.default
        let temporary = generationsURL.appendingPathComponent(String(format: ".incomplete-%04d", generation))
        try? manager.removeItem(at: temporary)
        try manager.createDirectory(at: temporary, withIntermediateDirectories: true)
        try writeFiles(temporary)
        var manifest = manifest
        for file in try manager.contentsOfDirectory(atPath: temporary.path) where !file.hasPrefix(".") {
            guard let contents = manager.contents(atPath: temporary.appendingPathComponent(file).path) else { continue }
            manifest.checksums[file] = FNV1a.hex(contents)
        }
        try AtomicFile.write(try AtomicFile.encodeJSON(manifest), to: temporary.appendingPathComponent(Self.manifestFile))
        FailPoint.hit("checkpoint-manifest", generation: generation)
        let destination = generationURL(generation)
        guard !manager.fileExists(atPath: destination.path) else {
            throw RunDirectoryError("generation \(generation) already exists in \(url.path)")
        }
        try AtomicFile.moveDirectory(temporary, to: destination)
    }

    /// Removes leftovers of an interrupted generation (temporary folders, samples of
    /// generations that never completed).
    public func removeIncomplete() {
        let manager = FileManager.default
        let last = completeGenerations().last ?? -1
        for name in (try? manager.contentsOfDirectory(atPath: generationsURL.path)) ?? [] where name.hasPrefix(".incomplete-") {
            try? manager.removeItem(at: generationsURL.appendingPathComponent(name))
        }
        for name in (try? manager.contentsOfDirectory(atPath: gamesURL.path)) ?? [] {
            if name.hasPrefix(".") || (Int(name.prefix(4)).map { $0 > last } ?? false) {
                try? manager.removeItem(at: gamesURL.appendingPathComponent(name))
            }
        }
    }

    // MARK: Samples

    public func writeSamples(_ samples: SampleSet, generation: Int, game: String) throws {
        try AtomicFile.write(samples.encoded(game: game), to: samplesURL(generation))
    }

    public func loadSamples(generation: Int, game: String, inputSize: Int, actionCount: Int) throws -> SampleSet {
        guard let data = FileManager.default.contents(atPath: samplesURL(generation).path) else {
            throw RunDirectoryError("the samples of generation \(generation) are missing (\(samplesURL(generation).lastPathComponent))")
        }
        return try SampleSet.decode(data, expectedGame: game, inputSize: inputSize, actionCount: actionCount,
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

    /// Makes `generation` the head again: later generations and their samples are moved to
    /// `rolled-back/<time>/` (kept, not deleted) and the logs rebuilt. Returns what was moved.
    @discardableResult
    public func rollback(to generation: Int) throws -> [Int] {
        let complete = completeGenerations()
        guard complete.contains(generation) else {
            throw RunDirectoryError("generation \(generation) does not exist; complete generations: \(complete.map(String.init).joined(separator: ", "))")
        }
        _ = try loadManifest(generation)
        let later = complete.filter { $0 > generation }
        guard !later.isEmpty else { return [] }
        let manager = FileManager.default
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
        let aside = url.appendingPathComponent("rolled-back").appendingPathComponent(stamp)
        try manager.createDirectory(at: aside.appendingPathComponent("generations"), withIntermediateDirectories: true)
        try manager.createDirectory(at: aside.appendingPathComponent("games"), withIntermediateDirectories: true)
        for number in later {
            try manager.moveItem(at: generationURL(number), to: aside.appendingPathComponent("generations").appendingPathComponent(String(format: "%04d", number)))
            if manager.fileExists(atPath: samplesURL(number).path) {
                try manager.moveItem(at: samplesURL(number), to: aside.appendingPathComponent("games").appendingPathComponent(samplesURL(number).lastPathComponent))
            }
        }
        removeIncomplete()
        try rebuildLogs()
        return later
    }
}
