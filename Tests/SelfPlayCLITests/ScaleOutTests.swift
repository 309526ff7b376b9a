import Foundation
import Testing
import Training

/// Starts `selfplay arguments` in the background, its output in `log`.
func startSelfplay(_ arguments: [String], log: URL) throws -> Process {
    let process = Process()
    process.executableURL = selfplayBinary
    process.arguments = arguments
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
}

/// Waits until `condition` holds or `seconds` pass; returns whether it holds.
func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() && Date() < deadline { usleep(50_000) }
    return condition()
}

/// Learner and workers as separate processes sharing only the run folder (`learn`, `worker`).
@Suite struct ScaleOutTests {
    let folder = temporaryFolder("scale-out")
    var run: RunDirectory { RunDirectory(url: folder) }

    func worker(_ number: Int) throws -> Process {
        try startSelfplay(
            ["worker", "--run", folder.path, "--worker", "\(number)", "--blas-threads", "1", "--wait", "60"],
            log: folder.deletingLastPathComponent().appendingPathComponent("\(folder.lastPathComponent).w\(number).log")
        )
    }

    func learner(_ generations: Int) -> [String] {
        ["learn", "--run", folder.path, "--generations", "\(generations)"] + quickRun
    }

    /// Every generation's consumed shards: names unique across the run, each played with an earlier generation.
    func consumedShards() throws -> [(generation: Int, shards: [ShardStore.Name])] {
        try run.completeGenerations().dropFirst().map { generation in
            let names = try run.loadManifest(generation).metrics.consumedShards ?? []
            return (generation, names.compactMap { ShardStore.Name(fileName: "\($0).samples") })
        }
    }

    func checkShards() throws {
        let consumed = try consumedShards()
        let all = consumed.flatMap(\.shards)
        #expect(Set(all).count == all.count, "a shard was consumed twice")
        #expect(Set(all.map { "\($0.worker)-\($0.shard)" }).count == all.count, "a worker reused a shard number")
        for (generation, shards) in consumed {
            #expect(!shards.isEmpty, "generation \(generation) consumed no shard")
            #expect(
                shards.allSatisfy { $0.generation < generation },
                "generation \(generation) took a shard of its own future")
        }
        let left = Set(ShardStore(run: run).pending())
        #expect(left.isDisjoint(with: all), "consumed shards were left in shards/")
    }

    @Test func twoWorkersFeedOneLearnerAndStopWhenItFinishes() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let workers = try [worker(0), worker(1)]
        defer { for process in workers where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let learned = try selfplay(learner(3))
        #expect(learned.status == 0, "\(learned)")
        #expect(run.completeGenerations() == [0, 1, 2, 3])
        #expect(eventually(30) { workers.allSatisfy { !$0.isRunning } }, "workers did not stop after the learner")
        #expect(workers.allSatisfy { $0.terminationStatus == 0 })
        try checkShards()
        expectRefusal(try selfplay(["worker", "--run", folder.path, "--worker", "1000"]), "0...999")
    }

    @Test func killedWorkersAndLearnersLoseNothingComplete() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.deletingLastPathComponent().appendingPathComponent("\(folder.lastPathComponent).learner.log")
        var learnerProcess = try startSelfplay(learner(100_000), log: log)
        var workers = try [worker(0), worker(1)]
        defer {
            for process in workers + [learnerProcess] where process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        try #require(eventually(120) { run.completeGenerations().count >= 2 }, "the learner did not get going")

        // A second learner is refused while the first holds the run.
        expectRefusal(try selfplay(["learn", "--run", folder.path]), "is in use by another process", "learner, pid")

        // kill -9 a worker; a new worker 1 starts where the old one's numbering left off.
        kill(workers[1].processIdentifier, SIGKILL)
        workers[1].waitUntilExit()
        workers[1] = try worker(1)
        let before = run.completeGenerations().count
        try #require(eventually(120) { run.completeGenerations().count >= before + 2 }, "no progress after the kill")

        // kill -9 the learner; nothing complete is lost and a new learner continues the run.
        kill(learnerProcess.processIdentifier, SIGKILL)
        learnerProcess.waitUntilExit()
        let head = try #require(run.completeGenerations().last)
        learnerProcess = try startSelfplay(["learn", "--run", folder.path, "--generations", "\(head + 2)"], log: log)
        learnerProcess.waitUntilExit()
        #expect(learnerProcess.terminationStatus == 0)
        #expect(run.completeGenerations() == Array(0...(head + 2)))
        #expect(eventually(30) { workers.allSatisfy { !$0.isRunning } }, "workers did not stop after the learner")
        try checkShards()
    }
}
