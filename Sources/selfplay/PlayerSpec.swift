import ArgumentParser
import Environments
import Foundation
import GameKit
import Search
import Solvers

/// A player named on the command line: a kind and `key=value` options after a colon,
/// e.g. `random`, `perfect`, `perfect:table=20`, `mcts:rollouts=1000,c=1.4`.
struct PlayerSpec: CustomStringConvertible {
    var kind: String
    var options: [String: String]

    /// The kinds `makePlayer` knows, with their options, for messages and help.
    static let kinds: [(kind: String, options: [String], summary: String)] = [
        ("random", [], "uniformly random legal moves"),
        ("perfect", ["table"], "an exact solver's best move (tictactoe, connect4); table=log2 of Connect Four table entries (default 23)"),
        ("minimax", ["depth"], "alpha-beta to depth=N plies (1...12, default 5), then the game's heuristic"),
        ("mcts", ["rollouts", "c", "solver"], "UCT with random rollouts: rollouts=N simulations per move (default 1000), c=exploration (1.4), solver=0|1 (1)"),
        ("net", ["sims", "gen", "temperature", "moves"], "a trained network with PUCT search, written net:PATH,sims=N (PATH: a run directory or a .safetensors file)"),
    ]

    /// One line per kind, for `--help` texts.
    static var help: String {
        kinds.map { "  \($0.kind)\($0.options.isEmpty ? "" : ":" + $0.options.map { "\($0)=…" }.joined(separator: ","))  \($0.summary)" }
            .joined(separator: "\n")
    }

    init(kind: String, options: [String: String] = [:]) {
        self.kind = kind
        self.options = options
    }

    /// Parses `kind[:key=value[,key=value...]]`; the kind is case-insensitive.
    init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        kind = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard !kind.isEmpty else {
            let kinds = Self.kinds.map(\.kind).joined(separator: ", ")
            throw ValidationError("player spec '\(abbreviated(text))' has no kind; use one of: \(kinds)")
        }
        options = [:]
        guard parts.count == 2 else { return }
        var items = parts[1].split(separator: ",", omittingEmptySubsequences: false)
        if kind == "net", let first = items.first, !first.contains("=") {
            // net:PATH,... — the path comes first and is not a key=value pair.
            options["path"] = String(first)
            items.removeFirst()
        }
        for item in items {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard pair.count == 2, !key.isEmpty else {
                throw ValidationError("player spec '\(abbreviated(text))': option '\(abbreviated(item))' "
                                      + "is not key=value")
            }
            guard options[key] == nil else {
                throw ValidationError("player spec '\(abbreviated(text))': option '\(abbreviated(key))' given twice")
            }
            options[key] = pair[1].trimmingCharacters(in: .whitespaces)
        }
    }

    var description: String {
        options.isEmpty ? kind : kind + ":" + options.keys.sorted().map { "\($0)=\(options[$0]!)" }.joined(separator: ",")
    }

    /// Throws unless every option is one of `allowed`.
    func checkOptions(allowed: [String]) throws {
        for key in options.keys.sorted() where !allowed.contains(key) {
            let valid = allowed.isEmpty ? "it takes no options" : "valid options: \(allowed.joined(separator: ", "))"
            throw ValidationError("player '\(abbreviated(kind))' has no option '\(abbreviated(key))'; \(valid)")
        }
    }

    /// The integer option `key`, `defaultValue` when absent; throws unless it lies in `range`.
    func intOption(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = options[key] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ValidationError("player '\(kind)': \(key)=\(abbreviated(text)) must be an integer in "
                                  + "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The number option `key`, `defaultValue` when absent; throws unless it lies in `range`.
    func doubleOption(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let text = options[key] else { return defaultValue }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw ValidationError("player '\(kind)': \(key)=\(abbreviated(text)) must be a number in "
                                  + "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}

/// The player `spec` names, for game `G`, seeded with `seed`.
func makePlayer<G: GameState>(_ spec: PlayerSpec, for game: G.Type, seed: UInt64) throws -> any GamePlayer<G> {
    switch spec.kind {
    case "random":
        try spec.checkOptions(allowed: [])
        return RandomPlayer<G>(seed: seed)
    case "perfect":
        try spec.checkOptions(allowed: ["table"])
        let tableSizeLog2 = try spec.intOption("table", default: 23, in: 10...30)
        let player: AnyObject
        if G.self == TicTacToe.self {
            player = PerfectPlayer(solver: TicTacToeSolver(), seed: seed)
        } else if G.self == ConnectFour.self {
            player = PerfectPlayer(solver: ConnectFourSolver(tableSizeLog2: tableSizeLog2), seed: seed)
        } else {
            throw ValidationError("player 'perfect' needs an exact solver, which \(G.name) does not have; it plays tictactoe and connect4")
        }
        return player as! any GamePlayer<G>
    case "mcts":
        try spec.checkOptions(allowed: ["rollouts", "c", "solver"])
        let rollouts = try spec.intOption("rollouts", default: 1000, in: 1...10_000_000)
        let c = try spec.doubleOption("c", default: 1.4, in: 0...100)
        let solver = try spec.intOption("solver", default: 1, in: 0...1) == 1
        return RolloutMCTSPlayer<G>(simulations: rollouts, explorationConstant: Float(c), solver: solver, seed: seed)
    case "minimax":
        try spec.checkOptions(allowed: ["depth"])
        return MinimaxPlayer<G>(depth: try spec.intOption("depth", default: 5, in: 1...12), seed: seed)
    case "net":
        return try makeNetworkPlayer(spec, for: G.self, seed: seed)
    default:
        throw ValidationError("unknown player '\(abbreviated(spec.kind))'; valid players:\n\(PlayerSpec.help)")
    }
}

/// The exact solver of game `G`; throws for a game without one.
func makeSolver<G: GameState>(for game: G.Type, tableSizeLog2: Int = 23) throws -> any GameSolver<G> {
    let solver: Any
    if G.self == TicTacToe.self {
        solver = TicTacToeSolver()
    } else if G.self == ConnectFour.self {
        solver = ConnectFourSolver(tableSizeLog2: tableSizeLog2)
    } else {
        throw ValidationError("there is no exact solver for \(G.name); solvers exist for tictactoe and connect4")
    }
    return solver as! any GameSolver<G>
}

/// A player whose move distribution is known, so that its expected mistake rate is computable.
protocol KnownPolicy<Game>: GamePlayer {
    /// The probability of each action index in `state` (not terminal).
    func actionProbabilities(in state: Game) -> [Double]
}

extension RandomPlayer: KnownPolicy {
    func actionProbabilities(in state: Game) -> [Double] {
        let legal = state.legalActions
        return (0..<Game.actionCount).map { legal.contains($0) ? 1 / Double(legal.count) : 0 }
    }
}

extension PerfectPlayer: KnownPolicy {
    func actionProbabilities(in state: Game) -> [Double] {
        let best = bestActions(in: state)
        return (0..<Game.actionCount).map { best.contains($0) ? 1 / Double(best.count) : 0 }
    }
}

extension MinimaxPlayer: KnownPolicy {
    func actionProbabilities(in state: Game) -> [Double] {
        let best = bestActions(in: state)
        return (0..<Game.actionCount).map { best.contains($0) ? 1 / Double(best.count) : 0 }
    }
}
