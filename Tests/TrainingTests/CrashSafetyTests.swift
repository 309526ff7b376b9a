import Foundation
import Testing
import Training

/// The `selfplay` executable under test: `SELFPLAY_BINARY`, or the one built next to the test bundle
/// (`swift test` builds it). A test that needs it fails when it is missing.
let selfplayExecutable: URL =
    ProcessInfo.processInfo.environment["SELFPLAY_BINARY"].map(URL.init(fileURLWithPath:))
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("selfplay")

func requireExecutable() throws {
    try #require(
        FileManager.default.isExecutableFile(atPath: selfplayExecutable.path),
        "no selfplay executable at \(selfplayExecutable.path); build it with `swift build`")
}

/// A run's `matches.jsonl` and its `metrics.jsonl` without the wall-clock and CPU times, which differ
/// between any two runs; everything else must be bit-identical after a resume.
func results(of run: URL) throws -> (matches: String, metrics: [String]) {
    let matches = try String(contentsOf: run.appendingPathComponent("matches.jsonl"), encoding: .utf8)
    let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        .split(separator: "\n").map { line in
            var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            object["totalSeconds"] = nil
            object["totalCPUSeconds"] = nil
            object["totalEvaluationSeconds"] = nil
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    return (matches, metrics)
}

/// A tiny tic-tac-toe configuration that runs every phase, including the gating arena.
let quickRun = [
    "--game", "tictactoe", "--seed", "7", "--blas-threads", "1",
    "--set", "selfPlay.games=24", "--set", "selfPlay.concurrentGames=24", "--set", "search.simulations=16",
    "--set", "training.steps=20", "--set", "evaluation.games=4", "--set", "evaluation.references=[\"random\"]",
    "--set", "arena.games=4",
]

@discardableResult
func runSelfplay(
    _ arguments: [String], failPoint: String? = nil
) throws -> (status: Int32, killed: Bool, output: String) {
    let process = Process()
    process.executableURL = selfplayExecutable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["SELFPLAY_FAILPOINT"] = failPoint
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, process.terminationReason == .uncaughtSignal, String(decoding: data, as: UTF8.self)
    )
}

@Suite(.serialized) struct CrashSafetyTests {
    @Test func theExecutableIsBuilt() throws {
        try requireExecutable()
    }

    /// SIGKILL at each point of generation 2, then a resume: generations 0 and 1 stay intact, the
    /// run completes, and its final weights equal those of a run that was never interrupted.
    @Test(arguments: [
        "self-play", "training", "arena", "evaluation", "checkpoint-files", "checkpoint-manifest", "logs",
    ])
    func killedRunsResumeToTheSameResult(failPoint: String) throws {
        try requireExecutable()
        let reference = temporaryFolder("reference")
        let crashed = temporaryFolder("crashed-\(failPoint)")
        defer { try? FileManager.default.removeItem(at: reference); try? FileManager.default.removeItem(at: crashed) }
        let uninterrupted = try runSelfplay(["train", "--run", reference.path, "--generations", "3"] + quickRun)
        #expect(uninterrupted.status == 0, "\(uninterrupted.output)")

        let killed = try runSelfplay(
            ["train", "--run", crashed.path, "--generations", "3"] + quickRun, failPoint: "\(failPoint)@2")
        #expect(killed.killed && killed.status == SIGKILL, "not killed at \(failPoint): \(killed.output)")
        let run = RunDirectory(url: crashed)
        let survivors = run.completeGenerations()
        #expect(survivors == (failPoint == "logs" ? [0, 1, 2] : [0, 1]))
        for generation in survivors { _ = try run.loadManifest(generation) }  // checksums hold

        let resumed = try runSelfplay(["train", "--run", crashed.path, "--generations", "3", "--blas-threads", "1"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(run.completeGenerations() == [0, 1, 2, 3])
        let expected = try Data(contentsOf: RunDirectory(url: reference).modelURL(3))
        let actual = try Data(contentsOf: run.modelURL(3))
        #expect(expected == actual, "generation 3 differs after a crash at \(failPoint) and a resume")
        let lines = try String(contentsOf: crashed.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(
            separator: "\n")
        #expect(lines.count == 4)
        let (expectedResults, actualResults) = (try results(of: reference), try results(of: crashed))
        #expect(expectedResults.matches == actualResults.matches, "matches differ after a crash at \(failPoint)")
        #expect(expectedResults.metrics == actualResults.metrics, "metrics differ after a crash at \(failPoint)")
    }

    /// Issue 13, item 5: two generations, then a resume to four, plays the same matches as four in one go
    /// (the random and perfect references used to keep a random state that no checkpoint saved).
    @Test func resumingPlaysTheSameMatches() throws {
        try requireExecutable()
        let oneGo = temporaryFolder("one-go"), resumed = temporaryFolder("two-steps")
        defer { try? FileManager.default.removeItem(at: oneGo); try? FileManager.default.removeItem(at: resumed) }
        let references = #"evaluation.references=["random","perfect"]"#
        let settings = quickRun + ["--set", "evaluation.games=20", "--set", references]
        #expect(try runSelfplay(["train", "--run", oneGo.path, "--generations", "4"] + settings).status == 0)
        #expect(try runSelfplay(["train", "--run", resumed.path, "--generations", "2"] + settings).status == 0)
        #expect(try runSelfplay(["train", "--run", resumed.path, "--generations", "4"]).status == 0)
        let (expected, actual) = (try results(of: oneGo), try results(of: resumed))
        #expect(expected.matches == actual.matches)
        // Besides the flag of the first budget's last generation, which played that budget's final evaluation.
        let flag = #""finalEvaluation":true,"#
        #expect(actual.metrics[2].contains(flag) && !expected.metrics[2].contains(flag))
        let withoutFlag = { (lines: [String]) in lines.map { $0.replacingOccurrences(of: flag, with: "") } }
        #expect(withoutFlag(expected.metrics) == withoutFlag(actual.metrics))
        let models = try [oneGo, resumed].map { try Data(contentsOf: RunDirectory(url: $0).modelURL(4)) }
        #expect(models[0] == models[1])
    }

    /// SIGKILL halfway through the fit that grows the network (generation 3), then a resume: the same
    /// grown network and results as a run that was never interrupted; later generations keep training it.
    @Test func aRunKilledWhileGrowingResumesToTheSameResult() throws {
        try requireExecutable()
        let reference = temporaryFolder("grown"), crashed = temporaryFolder("grown-crashed")
        defer { try? FileManager.default.removeItem(at: reference); try? FileManager.default.removeItem(at: crashed) }
        let growth = [
            "--set", "growth.atProgress=0.5", "--set", "growth.network.hidden=[24]", "--set",
            "growth.fitGenerations=2", "--set", "growth.fitSteps=40",
        ]
        let uninterrupted = try runSelfplay(
            ["train", "--run", reference.path, "--generations", "4"] + quickRun + growth)
        #expect(uninterrupted.status == 0 && uninterrupted.output.contains("grew to mlp 24"), "\(uninterrupted.output)")
        // A fifth of the 2 × 20 steps trained before, not growth.fitSteps.
        #expect(uninterrupted.output.contains("8 steps on"), "\(uninterrupted.output)")
        let killed = try runSelfplay(
            ["train", "--run", crashed.path, "--generations", "4"] + quickRun + growth, failPoint: "training@3")
        #expect(killed.killed, "not killed while growing: \(killed.output)")
        #expect(RunDirectory(url: crashed).completeGenerations() == [0, 1, 2])
        #expect(try runSelfplay(["train", "--run", crashed.path, "--generations", "4"]).status == 0)
        let (expected, actual) = (try results(of: reference), try results(of: crashed))
        #expect(expected.matches == actual.matches)
        #expect(expected.metrics == actual.metrics)
        let models = try [reference, crashed].map { try Data(contentsOf: RunDirectory(url: $0).modelURL(4)) }
        #expect(models[0] == models[1])
        let run = RunDirectory(url: reference)
        let grewAt = try (1...4).filter { try run.loadManifest($0).metrics.grewTo != nil }
        #expect(grewAt == [3])
        let after = try run.loadManifest(4).metrics
        #expect(after.learningRate.map { abs($0 - 0.0005) < 1e-9 } == true, "\(String(describing: after.learningRate))")
    }

    @Test func corruptedCheckpointsAreRefused() throws {
        try requireExecutable()
        let folder = temporaryFolder("corrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSelfplay(["train", "--run", folder.path, "--generations", "1"] + quickRun).status == 0)
        let model = RunDirectory(url: folder).modelURL(1)
        var bytes = try Data(contentsOf: model)
        bytes[bytes.count - 3] ^= 0xFF
        try bytes.write(to: model)
        let resumed = try runSelfplay(["train", "--run", folder.path, "--generations", "2"])
        #expect(resumed.status != 0)
        #expect(resumed.output.contains("corrupted"), "\(resumed.output)")
        try Data(bytes.prefix(100)).write(to: model)
        #expect(try runSelfplay(["train", "--run", folder.path, "--generations", "2"]).output.contains("corrupted"))
    }

    @Test func sameSeedSameWeights() throws {
        try requireExecutable()
        let a = temporaryFolder("seed-a"), b = temporaryFolder("seed-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        #expect(try runSelfplay(["train", "--run", a.path, "--generations", "1"] + quickRun).status == 0)
        #expect(try runSelfplay(["train", "--run", b.path, "--generations", "1"] + quickRun).status == 0)
        #expect(
            try Data(contentsOf: RunDirectory(url: a).modelURL(1)) == Data(contentsOf: RunDirectory(url: b).modelURL(1))
        )
    }
}
