import ArgumentParser
import Environments
import Foundation
import GameKit
import Players
import Training

/// The `--game NAME` option shared by commands that act on one game.
struct GameOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The game (default \(GameCatalog.defaultGame.name)): \(GameCatalog.names.joined(separator: ", ")).",
            valueName: "name"))
    var game: String?

    func resolve() throws -> any GameState.Type {
        guard let name = game else { return GameCatalog.defaultGame }
        guard let type = GameCatalog.game(named: name) else {
            let names = GameCatalog.names.joined(separator: ", ")
            throw ValidationError("unknown game '\(abbreviated(name))'; choose one of: \(names)")
        }
        return type
    }
}

/// One line per game: its name and how its moves are written, for help texts.
let notationHelp = GameCatalog.all.map { helpRow("\($0.name):", $0.notationHelp, separator: " ", indent: 4) }
    .joined(separator: "\n")

/// One line per player kind with its options, then what it plays (`PlayerSpec.kinds`).
let playersHelp = PlayerSpec.kinds.map { kind in
    let options = kind.options.isEmpty ? "" : ":" + kind.options.map { "\($0)=…" }.joined(separator: ",")
    return helpRow(kind.kind + options, kind.summary)
}
.joined(separator: "\n")

/// The widest line ArgumentParser prints unwrapped in 80 columns: it keeps a line whole only
/// when the line's newline is among its first 80 characters.
let helpWidth = 79

/// A row of a help table: `  term`, `separator` and the description, wrapped by hand to `helpWidth`
/// columns with the lines after the first indented by `indent` (ArgumentParser's own wrapping
/// would start them at column 0). An example after a last `e.g.` stays whole on one line.
func helpRow(_ term: String, _ description: String, separator: String = "  ", indent: Int = 6) -> String {
    var words = description.split(separator: " ").map(String.init)
    if let example = words.lastIndex(of: "e.g.") {
        let whole = words[example...].joined(separator: " ")
        if indent + whole.count <= helpWidth { words.replaceSubrange(example..., with: [whole]) }
    }
    var lines: [String] = []
    var line = "  " + term
    var gap = separator
    for word in words {
        if line.count + gap.count + word.count <= helpWidth {
            line += gap + word
        } else {
            lines.append(line)
            line = String(repeating: " ", count: indent) + word
        }
        gap = " "
    }
    return (lines + [line]).joined(separator: "\n")
}

/// The game help examples name with `--game`: the second registered, else the default.
let exampleGame = (GameCatalog.all.dropFirst().first ?? GameCatalog.defaultGame).name

struct GamesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "games", abstract: "List the games SelfPlay can play.")

    func run() {
        for game in GameCatalog.all {
            let shape = game.encodingShape
            let swaps = game.sideSwappingSymmetries.count
            print(
                "\(game.name.padding(toLength: 10, withPad: " ", startingAt: 0))  actions: \(game.actionCount)  "
                    + "input: \(shape)  symmetries: \(game.symmetries.count)"
                    + (swaps > 0 ? " (+\(swaps) swapping the sides, for training)" : ""))
        }
    }
}

struct ShowCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Render a position given as a move sequence.",
        discussion: "Notation:\n\(notationHelp)"
    )

    @OptionGroup var game: GameOption
    @Option(name: .long, help: "The moves played from the start position.")
    var moves: String = ""

    func run() throws {
        try GameCatalog.visit(try game.resolve(), with: self)
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        let state: G
        do {
            state = try G(notation: moves)
        } catch {
            throw ValidationError("bad \(G.name) notation '\(abbreviated(moves))' \(error)")
        }
        print(state)
        if let outcome = state.outcome {
            print("Game over after \(state.moveCount) moves: \(outcome).")
        } else {
            print("To move: \(state.currentPlayer) player (move \(state.moveCount + 1)).")
            print("Legal moves: \(state.legalActions.map(G.actionName).joined(separator: " "))")
        }
    }
}

struct PerftCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "perft",
        abstract: "Count move sequences of an exact length (checks and times move generation).",
        discussion: "A game that ends before the depth is not extended, as in OpenSpiel's perft."
    )

    @OptionGroup var game: GameOption
    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "The number of moves in each counted sequence (default 5, or the game's benchmark depth if smaller).",
            valueName: "depth"))
    var depth: Int?
    @Option(name: .long, help: "The position to count from, as a move sequence.")
    var moves: String = ""

    func validate() throws {
        guard (1...64).contains(depth ?? 1) else { throw ValidationError("--depth must be between 1 and 64") }
    }

    func run() throws {
        try GameCatalog.visit(try game.resolve(), with: self)
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        let root: G
        do { root = try G(notation: moves) } catch {
            throw ValidationError("bad \(G.name) notation '\(abbreviated(moves))' \(error)")
        }
        for d in 1...(depth ?? min(5, G.perft.benchmarkDepth)) {
            let start = ContinuousClock.now
            let nodes = perft(root, depth: d)
            let seconds = (ContinuousClock.now - start).seconds
            let rate = seconds > 0 ? Double(nodes) / seconds : 0
            print(
                "depth \(d): \(nodes)  \(String(format: "%.3f", seconds)) s  "
                    + "\(String(format: "%.2e", rate)) leaves/s")
        }
    }
}
