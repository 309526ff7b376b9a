import ArgumentParser
import Foundation
import Players

/// A failure while a command runs (not a usage error), printed as `Error: message`.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A message a user can act on for a file error: the path and the system's reason instead of
/// a Foundation error code; nil for other errors.
func fileErrorMessage(_ error: any Error) -> String? {
    let nsError = error as NSError
    guard nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain else { return nil }
    let path =
        (nsError.userInfo[NSFilePathErrorKey] as? String)
        ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
    var code = nsError.domain == NSPOSIXErrorDomain ? Int32(nsError.code) : 0
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        code = Int32(underlying.code)
    }
    let reasons: [CocoaError.Code: String] = [
        .fileNoSuchFile: "no such file or folder", .fileReadNoSuchFile: "no such file",
        .fileReadNoPermission: "permission denied", .fileWriteNoPermission: "permission denied",
        .fileWriteFileExists: "it already exists", .fileWriteOutOfSpace: "the disk is full",
        .fileWriteVolumeReadOnly: "the file system is read-only",
    ]
    let reason =
        code != 0
        ? String(cString: strerror(code))
        : reasons[CocoaError.Code(rawValue: nsError.code)] ?? "the system refused (error \(nsError.code))"
    let writeCodes = CocoaError.fileWriteUnknown.rawValue...CocoaError.fileWriteVolumeReadOnly.rawValue
    return "cannot \(writeCodes.contains(nsError.code) ? "write" : "read") \(path): \(reason)"
}

extension SelfPlayCommand {
    /// Sets OpenBLAS's thread timeout (`OpenBLASThreadTimeout`), parses the arguments (usage errors
    /// print the subcommand's usage) and runs the command.
    /// Validation, player-spec and file errors while it runs print as one readable line, without usage.
    static func main() {
        OpenBLASThreadTimeout.ensure()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            let message =
                fileErrorMessage(error) ?? (error as? ValidationError)?.message
                ?? (error as? PlayerError)?.description
            if let message {
                FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
