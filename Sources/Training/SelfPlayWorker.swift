import Foundation
import GameKit
import NeuralNet

/// Why a worker stopped.
public enum WorkerStop: Sendable, Equatable, CustomStringConvertible {
    case finished
    case shardLimit(Int)
    case interrupted

    public var description: String {
        switch self {
        case .finished: return "the learner has finished the run"
        case .shardLimit(let n): return "wrote its \(n) shard(s)"
        case .interrupted: return "interrupted; its finished shards are on disk"
        }
    }
}

/// A self-play worker (`selfplay worker`): plays batches of games with the run's promoted network
/// and writes each batch as a shard, checking for a newer network between batches. It takes no
/// lock; what it writes carries its worker number. Shard S of worker K is played from a seed
/// derived from the run's seed, the role, K and S, so that it is reproducible given its network.
public final class SelfPlayWorker<Game: GameState> {
    let run: RunDirectory
    let configuration: TrainingConfiguration
    let worker: Int
    let gamesPerShard: Int
    let store: ShardStore
    let reporter: any TrainingReporter
    let shouldStop: () -> Bool

    public init(
        run: RunDirectory, configuration: TrainingConfiguration, worker: Int, gamesPerShard: Int,
        reporter: any TrainingReporter, shouldStop: @escaping () -> Bool
    ) {
        self.run = run
        self.configuration = configuration
        self.worker = worker
        self.gamesPerShard = gamesPerShard
        store = ShardStore(run: run)
        self.reporter = reporter
        self.shouldStop = shouldStop
    }

    /// How far ahead of the learner the workers may run, in games not yet taken: beyond this they wait.
    var backlogLimit: Int { 2 * max(configuration.selfPlay.games, gamesPerShard) }

    /// Plays shards until the learner finishes, `maxShards` are written, or `shouldStop` says so.
    public func work(maxShards: Int? = nil) throws -> WorkerStop {
        var loaded: (generation: Int, network: PolicyValueNetwork)?
        var written = 0
        while true {
            if run.isFinished { return .finished }
            if let maxShards, written >= maxShards { return .shardLimit(written) }
            if shouldStop() { return .interrupted }
            let backlog = store.pendingGames(store.pending())
            guard backlog < backlogLimit, let generation = run.promotedGeneration() else {
                reporter.status("worker \(worker): waiting (\(backlog) games not yet taken by the learner)")
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            if loaded?.generation != generation {
                do {
                    loaded = (generation, try PolicyValueNetwork.load(from: run.modelURL(generation)).network)
                    reporter.message("worker \(worker): playing with generation \(generation)")
                } catch {
                    reporter.status("worker \(worker): generation \(generation) not readable yet (\(error)); retrying")
                    Thread.sleep(forTimeInterval: 0.5)
                    continue
                }
            }
            guard let loaded else { continue }
            let shard = try takeShardNumber()
            guard try play(shard: shard, generation: loaded.generation, network: loaded.network) else {
                return .interrupted
            }
            written += 1
        }
    }

    /// The worker's next shard number, recorded before the shard is played: a worker killed
    /// during a shard loses that shard's games and never reuses its number (or its seed).
    func takeShardNumber() throws -> Int {
        let url = store.folder.appendingPathComponent(String(format: ".w%03d-next", worker))
        let next =
            FileManager.default.contents(atPath: url.path)
            .flatMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        try AtomicFile.write(Data("\(next + 1)\n".utf8), to: url)
        return next
    }

    /// Plays one shard; false if interrupted (nothing is written then).
    func play(shard: Int, generation: Int, network: PolicyValueNetwork) throws -> Bool {
        var settings = configuration.selfPlay
        settings.games = gamesPerShard
        settings.concurrentGames = min(settings.concurrentGames, gamesPerShard)
        var search = configuration.search
        search.leavesPerTree = max(1, search.leavesPerTree)
        var rng = Xoshiro256(seed: FNV1a.hash(Data("worker \(worker) shard \(shard) seed \(configuration.seed)".utf8)))
        let threads = settings.workers
        let threadsBefore = BLAS.threadCount
        if threads > 1 { BLAS.threadCount = 1 }
        defer { BLAS.threadCount = threadsBefore }
        let (worker, reporter, games) = (self.worker, self.reporter, gamesPerShard)
        let played = ParallelSelfPlay.play(
            Game.self, settings: settings, search: search, workers: threads,
            makeEvaluator: { NetworkEvaluator(network: threads > 1 ? network.copy() : network) }, rng: &rng,
            progress: { done, _ in reporter.status("worker \(worker) shard \(shard): \(done)/\(games) games") },
            shouldStop: shouldStop)
        guard let played else { return false }
        let name = ShardStore.Name(worker: worker, shard: shard, generation: generation)
        try store.write(played.samples, statistics: played.statistics, as: name, game: Game.name)
        reporter.message(
            "worker \(worker): shard \(name), \(played.statistics.games) games, "
                + "\(played.samples.count) positions")
        return true
    }
}
