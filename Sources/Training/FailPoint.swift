import Foundation

/// Fault injection for crash-safety tests: with `SELFPLAY_FAILPOINT=NAME@GENERATION` in the
/// environment, the process kills itself with SIGKILL when it reaches that point, as a power
/// cut would. Points: `self-play`, `training`, `arena`, `evaluation`, `checkpoint-files`,
/// `checkpoint-manifest`, `logs`, and `rollback` (after moving that generation aside).
public enum FailPoint {
    static let target: (name: String, generation: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["SELFPLAY_FAILPOINT"] else { return nil }
        let parts = value.split(separator: "@")
        guard parts.count == 2, let generation = Int(parts[1]) else { return nil }
        return (String(parts[0]), generation)
    }()

    /// Kills the process if `name` at `generation` is the configured point.
    public static func hit(_ name: String, generation: Int) {
        guard let target, target.name == name, target.generation == generation else { return }
        kill(getpid(), SIGKILL)
    }
}
