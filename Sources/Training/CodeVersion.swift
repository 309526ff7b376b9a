import Foundation

/// The version of the code that wrote a file: the package version plus, when the program
/// runs from a git checkout, the commit (with `-dirty` for uncommitted changes).
public enum CodeVersion {
    public static let package = "0.1.0"

    public static let current: String = {
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
                let commit = git(["rev-parse", "--short=12", "HEAD"], in: folder)
                let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: folder)
                if let commit, !commit.isEmpty {
                    return "\(package)+\(commit)\(dirty?.isEmpty == false ? "-dirty" : "")"
                }
                break
            }
            folder.deleteLastPathComponent()
        }
        return package
    }()

    static func git(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
