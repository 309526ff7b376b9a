import Environments
import Foundation
import Solvers

/// A player named in text: a kind and `key=value` options after a colon, e.g. `random`,
/// `perfect`, `perfect:table=20`, `mcts:rollouts=1000,c=1.4`, `net:runs/NAME,sims=200`. A `gtp`
/// spec ends with a command line, after its options and a second colon if it has any:
/// `gtp:gnugo --mode gtp`, `gtp:timeout=10:gnugo --mode gtp` (option `command` holds it).
public struct PlayerSpec: Sendable, CustomStringConvertible {
    public var kind: String
    public var options: [String: String]

    /// The kinds `makePlayer` knows, with their options, for messages and help.
    public static var kinds: [(kind: String, options: [String], summary: String)] {
        let solvable = GameCatalog.namesWithSolver.joined(separator: ", ")
        return [
            ("random", [], "uniformly random legal moves"),
            (
                "perfect", ["table"],
                "an exact solver's best move (\(solvable)); "
                    + "table=log2 of a solver's transposition table entries (default 23)"
            ),
            ("minimax", ["depth"], "alpha-beta to depth=N plies (1...12, default 5), then the game's heuristic"),
            (
                "mcts", ["rollouts", "c", "solver"],
                "UCT with random rollouts: rollouts=N simulations per move "
                    + "(default 1000), c=exploration (1.4), solver=0|1 (1)"
            ),
            (
                "net", ["sims", "gen", "temperature", "moves", "cpuct", "fpu", "symmetries"],
                "a trained network with PUCT search, written "
                    + "net:PATH,sims=N (PATH: a run directory or a .safetensors file); gen=N, "
                    + "temperature=T with moves=K, cpuct=C and fpu=R|none (the run's search unless given), "
                    + "symmetries=all (average each evaluation over the board's symmetries) or none"
            ),
            (
                "gtp", ["timeout"],
                "an engine speaking GTP (\(GameCatalog.namesSpeakingGTP.joined(separator: ", "))), written "
                    + "gtp:COMMAND or gtp:timeout=S:COMMAND (S seconds per reply, default 30), "
                    + "e.g. gtp:gnugo --mode gtp --level 1 --chinese-rules --capture-all-dead"
            ),
        ]
    }

    public init(kind: String, options: [String: String] = [:]) {
        self.kind = kind
        self.options = options
    }

    /// Parses `kind[:key=value[,key=value...]]`; the kind is case-insensitive. A `net` spec's
    /// first option may be a bare path: `net:PATH,...` stands for `net:path=PATH,...`. A `gtp`
    /// spec's command line is the text after `gtp:`, or after `gtp:OPTIONS:` when the text before
    /// its first colon is key=value items without spaces.
    public init(parsing text: String) throws(PlayerError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        kind = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard !kind.isEmpty else {
            let kinds = Self.kinds.map(\.kind).joined(separator: ", ")
            throw PlayerError("player spec '\(abbreviated(text))' has no kind; use one of: \(kinds)")
        }
        options = [:]
        guard parts.count == 2 else { return }
        var body = parts[1]
        if kind == "gtp" {
            let optionEnd = body.firstIndex(of: ":")
            let head = optionEnd.map { body[..<$0] } ?? ""
            let hasOptions = head.contains("=") && !head.contains(where: \.isWhitespace)
            options["command"] = (hasOptions ? body[body.index(after: optionEnd!)...] : body)
                .trimmingCharacters(in: .whitespaces)
            guard hasOptions else { return }
            body = head
        }
        var items = body.split(separator: ",", omittingEmptySubsequences: false)
        if kind == "net", let first = items.first, !first.contains("=") {
            options["path"] = String(first)
            items.removeFirst()
        }
        for item in items {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard pair.count == 2, !key.isEmpty else {
                throw PlayerError(
                    "player spec '\(abbreviated(text))': option '\(abbreviated(item))' "
                        + "is not key=value")
            }
            guard options[key] == nil else {
                throw PlayerError("player spec '\(abbreviated(text))': option '\(abbreviated(key))' given twice")
            }
            options[key] = pair[1].trimmingCharacters(in: .whitespaces)
        }
    }

    public var description: String {
        if kind == "gtp", let command = options["command"] {
            let rest = options.filter { $0.key != "command" }
            let prefix = rest.keys.sorted().map { "\($0)=\(rest[$0]!)" }.joined(separator: ",")
            return "gtp:" + (prefix.isEmpty ? "" : prefix + ":") + command
        }
        guard !options.isEmpty else { return kind }
        return kind + ":" + options.keys.sorted().map { "\($0)=\(options[$0]!)" }.joined(separator: ",")
    }

    /// Whether one instance of the player can serve every game of a match: it keeps no state
    /// between moves (and a solver's table may be too large to copy per game), or, as a GTP
    /// engine, sets its board up from each position's moves.
    public var isStateless: Bool { ["random", "perfect", "gtp"].contains(kind) }

    /// Throws unless every option is one of `allowed`.
    public func checkOptions(allowed: [String]) throws(PlayerError) {
        for key in options.keys.sorted() where !allowed.contains(key) {
            let valid = allowed.isEmpty ? "it takes no options" : "valid options: \(allowed.joined(separator: ", "))"
            throw PlayerError("player '\(abbreviated(kind))' has no option '\(abbreviated(key))'; \(valid)")
        }
    }

    /// The integer option `key`, `defaultValue` when absent; throws unless it lies in `range`.
    public func intOption(
        _ key: String, default defaultValue: Int, in range: ClosedRange<Int>
    ) throws(PlayerError)
        -> Int
    {
        guard let text = options[key] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw PlayerError(
                "player '\(kind)': \(key)=\(abbreviated(text)) must be an integer in "
                    + "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The number option `key`, `defaultValue` when absent; throws unless it lies in `range`.
    public func doubleOption(
        _ key: String, default defaultValue: Double, in range: ClosedRange<Double>
    )
        throws(PlayerError) -> Double
    {
        guard let text = options[key] else { return defaultValue }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw PlayerError(
                "player '\(kind)': \(key)=\(abbreviated(text)) must be a number in "
                    + "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
