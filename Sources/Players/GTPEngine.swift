import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program speaking GTP (Go Text Protocol, version 2) on its standard input and output, run as
/// a child process: one command at a time, each reply awaited for at most `timeout` seconds.
///
/// Every failure is a one-line `PlayerError` naming the engine: a command not found, an engine
/// that exits, stays silent past the timeout, answers `?` or answers something that is not a
/// GTP reply. After a failure the engine is stopped and every later command fails the same way.
/// `quit()` (or deinit) sends `quit`, then stops the process with SIGTERM and SIGKILL if it lingers,
/// and reaps it. SIGPIPE is ignored process-wide, so that writing to an engine that died is an error.
public final class GTPEngine {
    /// The command line, as written in the player spec.
    public let commandLine: String
    /// Seconds each reply may take.
    public let timeout: Double
    private let process = Process()
    private let toEngine: FileHandle
    private let fromEngine: FileHandle
    private var pending: [UInt8] = []
    private var failure: PlayerError?

    /// The longest reply accepted (a runaway engine is an error, not unbounded memory).
    static let maximumReplyBytes = 1 << 20

    /// Starts `commandLine` (words split at spaces, the first one the program: see `executable(named:)`).
    public init(commandLine: String, timeout: Double) throws(PlayerError) {
        self.commandLine = commandLine
        self.timeout = timeout
        let words = commandLine.split(whereSeparator: \.isWhitespace).map(String.init)
        let input = Pipe(), output = Pipe()
        toEngine = input.fileHandleForWriting
        fromEngine = output.fileHandleForReading
        guard let program = words.first, let executable = Self.executable(named: program) else {
            throw PlayerError("gtp engine '\(abbreviated(commandLine))': command not found")
        }
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = executable
        process.arguments = Array(words.dropFirst())
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PlayerError("gtp engine '\(abbreviated(commandLine))' cannot start: \(error.localizedDescription)")
        }
        try? input.fileHandleForReading.close()
        try? output.fileHandleForWriting.close()
    }

    deinit { quit() }

    /// The executable `name` names: a path, or the first match on `PATH`, then in `/usr/games`
    /// (where Debian installs GNU Go, off root's `PATH`).
    public static func executable(named name: String) -> URL? {
        let files = FileManager.default
        func runnable(_ path: String) -> Bool {
            var isFolder: ObjCBool = false
            return files.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
                && files.isExecutableFile(atPath: path)
        }
        if name.contains("/") { return runnable(name) ? URL(fileURLWithPath: name) : nil }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") + ":/usr/games"
        for folder in path.split(separator: ":") where runnable("\(folder)/\(name)") {
            return URL(fileURLWithPath: "\(folder)/\(name)")
        }
        return nil
    }

    /// Sends `command` and returns the text of its `=` reply; throws for anything else.
    @discardableResult
    public func send(_ command: String) throws(PlayerError) -> String {
        if let failure { throw failure }
        try transmit(command + "\n", command: command)
        let reply = try readReply(to: command)
        guard let status = reply.first, status == "=" || status == "?" else {
            throw fail("answered '\(abbreviated(reply, limit: 40))' to '\(command)', which is not a GTP reply")
        }
        // "=text" or "=ID text": drop the status and an optional command id.
        let text = reply.dropFirst().drop(while: \.isNumber).trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == "=" else { throw fail("refused '\(command)': ? \(abbreviated(text, limit: 60))") }
        return text
    }

    /// Records `message` as the engine's failure and stops it.
    private func fail(_ message: String) -> PlayerError {
        let error = PlayerError("gtp engine '\(abbreviated(commandLine, limit: 40))' \(message)")
        failure = error
        stop()
        return error
    }

    private func transmit(_ text: String, command: String) throws(PlayerError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(toEngine.fileDescriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw fail("exited before '\(command)'\(exitNote())") }
            offset += written
        }
    }

    /// Reads up to the blank line that ends a reply; returns it without carriage returns,
    /// leading blank lines or the trailing newlines.
    private func readReply(to command: String) throws(PlayerError) -> String {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            while pending.first == UInt8(ascii: "\n") { pending.removeFirst() }
            if let end = (0..<max(pending.count - 1, 0)).first(where: {
                pending[$0] == UInt8(ascii: "\n") && pending[$0 + 1] == UInt8(ascii: "\n")
            }) {
                let reply = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...(end + 1))
                return reply
            }
            guard pending.count <= Self.maximumReplyBytes else {
                throw fail("answered '\(command)' with more than \(Self.maximumReplyBytes) bytes")
            }
            let milliseconds = (deadline - ContinuousClock.now) / .milliseconds(1)
            guard milliseconds > 0 else {
                throw fail("did not answer '\(command)' within \(Self.seconds(timeout))")
            }
            var poller = pollfd(fd: fromEngine.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(milliseconds.rounded(.up), 1e9)))
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(fromEngine.fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw fail("exited without answering '\(command)'\(exitNote())") }
            pending += chunk[..<count].filter { $0 != UInt8(ascii: "\r") }
        }
    }

    /// ` (exit status N)` once the process has ended, else nothing.
    private func exitNote() -> String {
        waitForExit(seconds: 0.5)
        return process.isRunning ? "" : " (exit status \(process.terminationStatus))"
    }

    /// Whether the process ended within `seconds`.
    @discardableResult
    private func waitForExit(seconds: Double) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning && ContinuousClock.now < deadline { usleep(5000) }
        return !process.isRunning
    }

    /// Ends the process at once (SIGTERM, then SIGKILL) and reaps it.
    private func stop() {
        try? toEngine.close()
        guard process.isRunning else { return }
        process.terminate()
        if !waitForExit(seconds: 1) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Asks the engine to quit, gives it a second, then stops it; safe to call more than once.
    public func quit() {
        if failure == nil && process.isRunning {
            failure = PlayerError("gtp engine '\(abbreviated(commandLine, limit: 40))' has quit")
            if (try? transmit("quit\n", command: "quit")) != nil { waitForExit(seconds: 1) }
        }
        stop()
    }

    /// The process id, for tests that check the process is gone.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// `value` seconds as `30 s` or `0.5 s`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
