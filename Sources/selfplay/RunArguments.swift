import ArgumentParser
import Environments
import Foundation
import Players
import Training

/// The run at `path`, or an error when there is none. Warns about generations that are missing.
func existingRun(_ path: String) throws -> RunDirectory {
    let directory = RunDirectory(url: URL(fileURLWithPath: path))
    guard directory.exists else { throw CommandFailure("\(path) holds no run (no config.json)") }
    let missing = directory.missingGenerations()
    if !missing.isEmpty {
        let list = missing.map(String.init).joined(separator: ", ")
        let warning = "warning: generation(s) \(list) of \(path) are missing; their matches are not counted\n"
        FileHandle.standardError.write(Data(warning.utf8))
    }
    return directory
}

/// Runs `visitor` on the game of the run at `path`: an error when there is no run or its game is unknown.
func visitGame<Visitor: GameVisitor>(ofRun path: String, with visitor: Visitor) throws -> Visitor.Result {
    let stored = try existingRun(path).loadConfiguration()
    guard let type = GameCatalog.game(named: stored.game) else {
        throw CommandFailure("the run's game '\(stored.game)' is unknown")
    }
    return try GameCatalog.visit(type, with: visitor)
}

/// The configuration of `run` changed by `--set key=value` items; a bad item is a usage error.
func runConfiguration(_ run: RunDirectory, changedBy overrides: [String]) throws -> TrainingConfiguration {
    do {
        return try run.loadConfiguration().applying(overrides: overrides)
    } catch let error as ConfigurationError {
        throw ValidationError(error.description)
    }
}

/// The longest budget `parseDuration` accepts: a year.
let longestDuration: Double = 365 * 24 * 3600

/// Parses budgets like `90s`, `30m`, `2h` or a plain number of seconds.
func parseDuration(_ text: String) throws -> Double {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
    var seconds: Double?
    if let unit = text.last, let factor = units[unit], let value = Double(text.dropLast()) { seconds = value * factor }
    if let value = Double(text) { seconds = value }
    guard let seconds, seconds.isFinite, seconds > 0, seconds <= longestDuration else {
        throw ValidationError("'\(abbreviated(text))' is not a duration; write e.g. 90s, 30m or 2h (at most a year)")
    }
    return seconds
}
