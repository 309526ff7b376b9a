import Foundation
import NeuralNet

#if canImport(Glibc)
    import Glibc
#endif

/// Where a run branched off another: the parent run, the parent's generation it continues, and the
/// settings it changed (`key: old -> new`). Kept in the branch's `branch.json`.
public struct RunBranch: Codable, Sendable, Equatable {
    public var parent: String
    public var generation: Int
    public var changes: [String]
    public var createdAt: String
}

extension RunDirectory {
    static let branchFile = "branch.json"

    var branchURL: URL { url.appendingPathComponent(Self.branchFile) }

    /// The run's branch record; nil for a run that started from scratch.
    public func branch() throws -> RunBranch? {
        guard let data = FileManager.default.contents(atPath: branchURL.path) else { return nil }
        do {
            return try JSONDecoder().decode(RunBranch.self, from: data)
        } catch {
            throw RunDirectoryError("\(branchURL.path) is not a branch record: \(describeDecodingError(error))")
        }
    }

    /// Creates at `destination` a run that continues this run's `generation` with `configuration`
    /// (this run's, with some settings changed). It holds generations 0 through `generation` and
    /// their samples as hard links (copies across file systems); this run is only read, so it may
    /// be training meanwhile. The new run appears whole or not at all: it is built in a hidden
    /// folder beside `destination` and renamed into place. The network's settings and the seed
    /// cannot change (the branch continues the generation's weights and random state), nor the
    /// growth settings once the network has grown.
    @discardableResult
    public func makeBranch(
        at generation: Int, to destination: URL, configuration: TrainingConfiguration
    ) throws -> RunBranch {
        let parentConfiguration = try loadConfiguration()
        let complete = completeGenerations()
        guard complete.contains(generation) else {
            let range = complete.isEmpty ? "none" : "\(complete[0])...\(complete[complete.count - 1])"
            throw RunDirectoryError("\(url.path) has no complete generation \(generation) (complete: \(range))")
        }
        if let gap = Set(0...generation).subtracting(complete).min() {
            throw RunDirectoryError("generation \(gap) of \(url.path) is missing; a branch needs every generation")
        }
        let manifests = try (0...generation).map { try loadManifest($0, verifyFiles: $0 == generation) }
        let changes = Self.differences(from: parentConfiguration, to: configuration, includingBudget: true)
        try Self.checkBranchChanges(
            changes, grown: manifests.contains { $0.metrics.grewTo != nil }, generation: generation)
        try Self.checkBranchDestination(destination)

        let staging = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).branching-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        do {
            let branch = RunBranch(
                parent: url.path, generation: generation, changes: changes,
                createdAt: ISO8601DateFormatter().string(from: Date()))
            let run = RunDirectory(url: staging)
            try FileManager.default.createDirectory(at: run.generationsURL, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: run.gamesURL, withIntermediateDirectories: true)
            for number in 0...generation {
                try Self.link(folder: generationURL(number), to: run.generationURL(number))
                if FileManager.default.fileExists(atPath: samplesURL(number).path) {
                    try Self.link(file: samplesURL(number), to: run.samplesURL(number))
                }
            }
            try AtomicFile.write(try AtomicFile.encodeJSON(branch), to: run.branchURL)
            try run.rebuildLogs()
            try run.writePromoted(manifests[generation].best)
            try run.saveConfiguration(configuration)
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: destination)  // an empty folder, checked above
            }
            try AtomicFile.move(staging, to: destination)
            return branch
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    /// Refuses the changes a branch cannot make.
    static func checkBranchChanges(_ changes: [String], grown: Bool, generation: Int) throws {
        for change in changes {
            let key = String(change.prefix { $0 != ":" })
            if key.hasPrefix("network.") || key == "game" {
                throw RunDirectoryError(
                    "\(key) cannot change in a branch: it continues generation \(generation)'s network "
                        + "(growth.* can grow it into another later)")
            }
            if key == "seed" {
                throw RunDirectoryError(
                    "seed cannot change in a branch: it continues from generation \(generation)'s random state")
            }
            if key.hasPrefix("growth.") && grown {
                throw RunDirectoryError(
                    "\(key) cannot change in a branch: the network grew at or before generation \(generation)")
            }
        }
    }

    /// A branch is made only where no run or other file would be overwritten.
    static func checkBranchDestination(_ destination: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory) else { return }
        let contents = try? FileManager.default.contentsOfDirectory(atPath: destination.path)
        guard isDirectory.boolValue, contents?.isEmpty == true else {
            throw RunDirectoryError("\(destination.path) already exists; choose a new folder for the branch")
        }
    }

    /// Hard-links (or copies) every file of a generation's folder into a new folder.
    static func link(folder: URL, to target: URL) throws {
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            try link(file: folder.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
    }

    /// A hard link where the file system allows it (files of a run are never rewritten in place,
    /// only replaced by renames), else a copy.
    static func link(file: URL, to target: URL) throws {
        if Glibc.link(file.path, target.path) == 0 { return }
        try FileManager.default.copyItem(at: file, to: target)
    }
}
