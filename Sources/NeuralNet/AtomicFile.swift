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
    /// The temporary file is `.NAME.tmp-PID`, so that a run can remove those of dead processes.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        func failure(_ what: String) -> WriteError {
            WriteError(description: "cannot \(what) \(url.path): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw WriteError(description: "cannot create \(temporary.path): \(String(cString: strerror(errno)))")
        }
        let wroteAll: Bool = data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
        var error: WriteError?
        if !wroteAll { error = failure("write") } else if fsync(descriptor) != 0 { error = failure("flush") }
        if close(descriptor) != 0 && error == nil { error = failure("close") }
        if error == nil && rename(temporary.path, url.path) != 0 { error = failure("rename into") }
        if let error {
            unlink(temporary.path)
            throw error
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
            throw WriteError(
                description: "cannot rename \(source.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
        syncDirectory(destination.deletingLastPathComponent())
    }
}
