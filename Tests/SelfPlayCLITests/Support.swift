import Foundation
import Synchronization
import Testing
import Training

/// The `selfplay` executable under test: `SELFPLAY_BINARY`, or the one `swift test` builds next to
/// the test bundle (this target depends on it). Tests fail, not skip, when it is missing.
let selfplayBinary: URL =
    ProcessInfo.processInfo.environment["SELFPLAY_BINARY"].map(URL.init(fileURLWithPath:))
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("selfplay")

/// What a run of the executable did.
struct Outcome: CustomStringConvertible {
    var status: Int32
    /// Ended by a signal (a crash, or killed on purpose).
    var signalled: Bool
    var output: String

    var failedCleanly: Bool { !signalled && status != 0 }
    var description: String { "status \(status)\(signalled ? " (signal)" : ""): \(output.prefix(2000))" }
}

/// Runs `selfplay arguments` with standard output and error together, `input` on standard input,
/// this process's environment with `environment` added and the variables `unset` removed;
/// kills it and records an issue if it takes longer than `timeout` seconds (a hang).
func selfplay(
    _ arguments: [String], input: String = "", environment: [String: String] = [:], unset: [String] = [],
    timeout: Double = 300
) throws -> Outcome {
    try #require(
        FileManager.default.isExecutableFile(atPath: selfplayBinary.path),
        "no selfplay executable at \(selfplayBinary.path); build it with `swift build`")
    let process = Process()
    process.executableURL = selfplayBinary
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        .filter { !unset.contains($0.key) }
    let output = Pipe()
    let standardInput = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = standardInput
    try process.run()
    standardInput.fileHandleForWriting.write(Data(input.utf8))
    try standardInput.fileHandleForWriting.close()
    let pid = process.processIdentifier
    let timedOut = Mutex(false)
    let watchdog = DispatchWorkItem {
        timedOut.withLock { $0 = true }
        kill(pid, SIGKILL)
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    watchdog.cancel()
    if timedOut.withLock({ $0 }) { Issue.record("selfplay \(arguments.joined(separator: " ")) hung (\(timeout) s)") }
    return Outcome(
        status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
        output: String(decoding: data, as: UTF8.self))
}

func temporaryFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("selfplay-cli-\(name)-\(UUID().uuidString)")
}

/// A tiny tic-tac-toe configuration that runs every phase in well under a second per generation.
let quickRun = [
    "--game", "tictactoe", "--seed", "7", "--blas-threads", "1",
    "--set", "selfPlay.games=24", "--set", "selfPlay.concurrentGames=24", "--set", "search.simulations=16",
    "--set", "training.steps=20", "--set", "evaluation.games=4", "--set", #"evaluation.references=["random"]"#,
    "--set", "arena.games=4",
]

/// A run of generations 0 to 3, trained once for all tests; tests that change a run use a copy.
let trainedRun: URL = {
    _ = try? selfplay(["train", "--run", trainedRunFolder.path, "--generations", "3"] + quickRun)
    atexit { try? FileManager.default.removeItem(at: trainedRunFolder) }
    return trainedRunFolder
}()

let trainedRunFolder = temporaryFolder("trained")

/// A copy of `trainedRun` to change; removed by the caller.
func copyOfTrainedRun() throws -> URL {
    try #require(RunDirectory(url: trainedRun).completeGenerations() == [0, 1, 2, 3], "the shared run was not trained")
    let copy = temporaryFolder("copy")
    try FileManager.default.copyItem(at: trainedRun, to: copy)
    return copy
}

/// Writes `text` to a new temporary file.
func temporaryFile(_ name: String, _ text: String) throws -> URL {
    let url = temporaryFolder(name)
    try Data(text.utf8).write(to: url)
    return url
}

/// Expects a clean refusal (no signal, non-zero status) whose message contains every fragment.
func expectRefusal(_ outcome: Outcome, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(outcome.failedCleanly, "\(outcome)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(
            outcome.output.contains(fragment), "missing '\(fragment)' in \(outcome)", sourceLocation: sourceLocation)
    }
    #expect(
        !outcome.output.contains("NSCocoaErrorDomain") && !outcome.output.contains("Usage: selfplay <subcommand>"),
        "\(outcome)", sourceLocation: sourceLocation)
}
