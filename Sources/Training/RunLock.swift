import Foundation

/// The single-writer lock of a run directory: an exclusive `flock(2)` on the hidden file `.lock`.
///
/// The kernel drops the lock when its holder exits in any way (kill -9 included), so a crashed
/// holder never leaves it stuck; on NFSv4 the server drops it when the holder's lease expires.
/// The file also records who holds it (role, process, host, time), read only to explain a refusal.
public enum RunLock {
    /// The lock file's name inside the run directory (hidden, so a new run's folder check ignores it).
    public static let fileName = ".lock"

    /// Runs `body` holding the lock of `run` for `role`; refuses at once, naming the holder, if another
    /// process holds it. Creates the run's folder when it does not exist yet.
    public static func withLock<T>(on run: RunDirectory, role: String, _ body: () throws -> T) throws -> T {
        let descriptor = try acquire(run, role: role)
        defer { close(descriptor) }
        return try body()
    }

    static func acquire(_ run: RunDirectory, role: String) throws -> Int32 {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: run.url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw RunDirectoryError("\(run.url.path) is a file, not a run directory")
            }
        } else {
            try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        }
        let path = run.url.appendingPathComponent(fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunDirectoryError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            if reason == EWOULDBLOCK {
                throw RunDirectoryError(
                    "\(run.url.path) is in use by another process"
                        + (holder.isEmpty ? "" : " (\(holder))")
                        + "; only one \(role) may write a run at a time: wait for it or stop it")
            }
            throw RunDirectoryError(
                "cannot lock \(path): \(String(cString: strerror(reason))) "
                    + "(the filesystem must support flock)")
        }
        let record =
            "\(role), pid \(getpid()) on \(ProcessInfo.processInfo.hostName), since "
            + ISO8601DateFormatter().string(from: Date()) + "\n"
        _ = ftruncate(descriptor, 0)
        _ = record.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return descriptor
    }
}
