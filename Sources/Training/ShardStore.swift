import Foundation
import NeuralNet

/// The self-play shards of a run played by `selfplay worker` processes, in `RUN/shards/`.
///
/// A shard is one batch of a worker's games: `wKKK-SSSSSS-gGGGG.samples` (worker K, its shard
/// number S, played with generation G) beside `wKKK-SSSSSS-gGGGG.json`, the batch's self-play
/// statistics. The statistics are written first and the samples last, each atomically, so a shard
/// exists exactly when its samples file does. Names are unique per worker, so workers need no lock.
/// The learner consumes shards into a generation's `games/NNNN.samples` and deletes them once that
/// generation is complete; the generation's metrics list the shards it consumed, so that a learner
/// killed between the two deletes them when it resumes.
public struct ShardStore: Sendable {
    public let folder: URL

    public init(run: RunDirectory) { folder = run.url.appendingPathComponent("shards") }

    /// A shard's identity, parsed from and printed to its file name.
    public struct Name: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var worker: Int
        public var shard: Int
        public var generation: Int

        public init(worker: Int, shard: Int, generation: Int) {
            self.worker = worker; self.shard = shard; self.generation = generation
        }

        public init?(fileName: String) {
            let parts = fileName.split(separator: ".")
            guard parts.count == 2, parts[1] == "samples" else { return nil }
            let fields = parts[0].split(separator: "-")
            guard fields.count == 3, fields[0].first == "w", fields[2].first == "g",
                let worker = Int(fields[0].dropFirst()), let shard = Int(fields[1]),
                let generation = Int(fields[2].dropFirst())
            else { return nil }
            self.init(worker: worker, shard: shard, generation: generation)
        }

        public var description: String {
            String(format: "w%03d-%06d-g%04d", worker, shard, generation)
        }

        /// Oldest network first, then the workers' shards interleaved.
        public static func < (a: Name, b: Name) -> Bool {
            (a.generation, a.shard, a.worker) < (b.generation, b.shard, b.worker)
        }
    }

    func samplesURL(_ name: Name) -> URL { folder.appendingPathComponent("\(name).samples") }
    func statisticsURL(_ name: Name) -> URL { folder.appendingPathComponent("\(name).json") }

    /// Writes one shard: statistics first, the samples (which make it visible) last.
    public func write(_ samples: SampleSet, statistics: SelfPlayStatistics, as name: Name, game: String) throws {
        try AtomicFile.write(AtomicFile.encodeJSON(statistics), to: statisticsURL(name))
        try AtomicFile.write(samples.encoded(game: game), to: samplesURL(name))
    }

    /// The shards on disk, oldest network first.
    public func pending() -> [Name] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap(Name.init(fileName:)).sorted()
    }

    /// Games in the pending shards (from their statistics; 0 for a shard whose statistics are unreadable).
    public func pendingGames(_ names: [Name]) -> Int {
        names.reduce(0) { $0 + ((try? statistics(of: $1))?.games ?? 0) }
    }

    func statistics(of name: Name) throws -> SelfPlayStatistics {
        guard let data = FileManager.default.contents(atPath: statisticsURL(name).path) else {
            throw RunDirectoryError("shard \(name) has no statistics file")
        }
        return try JSONDecoder().decode(SelfPlayStatistics.self, from: data)
    }

    /// The samples and statistics of `names`, merged. A corrupt shard is refused with its name.
    public func read(
        _ names: [Name], game: String, inputSize: Int, actionCount: Int
    )
        throws -> (samples: SampleSet, statistics: SelfPlayStatistics)
    {
        var samples = SampleSet(inputSize: inputSize, actionCount: actionCount)
        var parts: [SelfPlayStatistics] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: samplesURL(name).path) else {
                throw RunDirectoryError("shard \(name) disappeared while it was read")
            }
            samples.append(
                contentsOf: try SampleSet.decode(
                    data, expectedGame: game, inputSize: inputSize,
                    actionCount: actionCount, source: "shards/\(name).samples"))
            parts.append(try statistics(of: name))
        }
        return (samples, SelfPlayStatistics.mergedFromShards(parts))
    }

    /// Deletes consumed shards (those already gone are fine).
    public func remove(_ names: [Name]) {
        for name in names {
            try? FileManager.default.removeItem(at: samplesURL(name))
            try? FileManager.default.removeItem(at: statisticsURL(name))
        }
    }
}
