import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: data goes to a temporary file in the same folder, is flushed to
/// disk, and is then renamed over the destination, so a reader sees the old file or the new
/// one, never a torn one.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes `data` to `url` atomically (temporary file, fsync, rename, fsync of the folder).
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw WriteError(description: "cannot create \(temporary.path): \(String(cString: strerror(errno)))") }
        var ok = true
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { ok = false; return }
                offset += written
            }
        }
        ok = ok && fsync(descriptor) == 0
        close(descriptor)
        guard ok else {
            unlink(temporary.path)
            throw WriteError(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw WriteError(description: "cannot rename into \(url.path): \(String(cString: strerror(errno)))")
        }
        syncDirectory(folder)
    }

    /// Flushes a folder's entries (after a rename into it).
    public static func syncDirectory(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY)
        if descriptor >= 0 { fsync(descriptor); close(descriptor) }
    }

    /// Renames a file or folder atomically within one file system, e.g. a finished generation.
    public static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw WriteError(description: "cannot rename \(source.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
        syncDirectory(destination.deletingLastPathComponent())
    }

    /// JSON with sorted keys, for files people read and diff.
    public static func encodeJSON<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return try encoder.encode(value)
    }
}
