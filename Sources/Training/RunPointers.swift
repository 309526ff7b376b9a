import Foundation
import NeuralNet

/// The small files through which the processes of one run coordinate: `promoted.json` names the
/// network self-play should use; `finished.json` tells workers that the learner has stopped for good.
extension RunDirectory {
    struct Pointer: Codable {
        var generation: Int?
        var reason: String?
    }

    var promotedURL: URL { url.appendingPathComponent("promoted.json") }
    var finishedURL: URL { url.appendingPathComponent("finished.json") }

    /// Names `generation` as the network self-play plays with (atomically).
    public func writePromoted(_ generation: Int) throws {
        try AtomicFile.write(AtomicFile.encodeJSON(Pointer(generation: generation)), to: promotedURL)
    }

    /// The promoted generation: `promoted.json` when it names a complete generation, else the
    /// newest manifest's best (a rollback may have moved the named one away); nil before generation 0.
    public func promotedGeneration() -> Int? {
        let complete = completeGenerations()
        if let data = FileManager.default.contents(atPath: promotedURL.path),
            let generation = (try? JSONDecoder().decode(Pointer.self, from: data))?.generation,
            complete.contains(generation)
        {
            return generation
        }
        guard let head = complete.last else { return nil }
        return (try? loadManifest(head, verifyFiles: false))?.best
    }

    /// Records that the learner reached its budget, so that workers stop.
    public func markFinished(_ reason: String) throws {
        try AtomicFile.write(AtomicFile.encodeJSON(Pointer(reason: reason)), to: finishedURL)
    }

    /// Whether the learner has stopped for good (until a new `learn` clears it).
    public var isFinished: Bool { FileManager.default.fileExists(atPath: finishedURL.path) }

    public func clearFinished() { try? FileManager.default.removeItem(at: finishedURL) }
}
