import Foundation
import NeuralNet

/// The run's current phase, written to `status.json` for `selfplay watch`.
public struct RunStatus: Codable, Sendable {
    public var line: String
    public var updated: String
}

/// Writes status lines to a run's `status.json` (at most once a second) and passes
/// everything on to another reporter.
public final class StatusFileReporter: TrainingReporter {
    let next: any TrainingReporter
    let url: URL
    var lastWrite = ContinuousClock.now - .seconds(2)

    public init(run: RunDirectory, forwardingTo next: any TrainingReporter) {
        self.next = next
        url = run.url.appendingPathComponent("status.json")
    }

    public func status(_ line: String) {
        next.status(line)
        let now = ContinuousClock.now
        guard now - lastWrite > .seconds(1) else { return }
        lastWrite = now
        write(line)
    }

    public func message(_ text: String) {
        next.message(text)
        write(text.split(separator: "\n").first.map(String.init) ?? text)
    }

    func write(_ line: String) {
        let status = RunStatus(line: line, updated: ISO8601DateFormatter().string(from: Date()))
        try? AtomicFile.write(AtomicFile.encodeJSON(status, pretty: false), to: url)
    }
}
