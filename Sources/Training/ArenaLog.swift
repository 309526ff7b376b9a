import Foundation

/// Matches played with `selfplay arena --record RUN` after or beside training (against an
/// external engine, say), kept in `RUN/arena.jsonl`, one match per line, and shown by the report.
///
/// Each match is appended with one write to a file opened for appending, so arenas recording at
/// the same time do not overwrite each other and the trainer's files are never touched; a line
/// cut short by a crash is skipped on reading (and counted), never taken for a result.
extension RunDirectory {
    static let arenaLogFile = "arena.jsonl"

    var arenaLogURL: URL { url.appendingPathComponent(Self.arenaLogFile) }

    /// Appends `match` to the run's arena log, creating the log if needed.
    public func recordArenaMatch(_ match: MatchRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var line = try encoder.encode(match) + Data("\n".utf8)
        let descriptor = open(arenaLogURL.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        let failure = {
            RunDirectoryError("cannot record the match in \(arenaLogURL.path): \(String(cString: strerror(errno)))")
        }
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        // After a line cut short, start a new one, so that only the cut line is lost.
        let size = lseek(descriptor, 0, SEEK_END)
        var last: UInt8 = 0
        if size > 0, pread(descriptor, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") {
            line.insert(UInt8(ascii: "\n"), at: 0)
        }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else { throw failure() }
    }

    /// The recorded arena matches, oldest first, and the number of unreadable lines skipped.
    public func arenaMatches() -> (matches: [MatchRecord], skippedLines: Int) {
        guard let data = FileManager.default.contents(atPath: arenaLogURL.path) else { return ([], 0) }
        var matches: [MatchRecord] = []
        var skipped = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let match = try? JSONDecoder().decode(MatchRecord.self, from: Data(line)) {
                matches.append(match)
            } else {
                skipped += 1
            }
        }
        return (matches, skipped)
    }
}
