import ArgumentParser
import Environments
import GameKit

/// Replays many games at once for rules cross-checks against another engine
/// (benchmarks/games/openspiel_compare.py).
struct ReplayCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay games read from standard input, printing every position's legal moves.",
        discussion: """
            Reads one game per line in the game's notation. For each game prints one line: the legal \
            actions of every position reached, each as a 32-digit hexadecimal mask (bit a is action a), \
            separated by spaces, then `=` and the result: `first`, `second`, `draw` or `-` (not over). \
            A move that is illegal or comes after the end prints `! index` (its 0-based position) instead; \
            a line that does not parse as moves prints `! parse` and the reason.
            """
    )

    @OptionGroup var game: GameOption

    func run() throws {
        try GameCatalog.visit(try game.resolve(), with: self)
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        while let line = readLine() {
            var state = G()
            var fields: [String] = []
            var refused: Int?
            let parsed: [(action: Int, offset: Int)]
            do { parsed = try G.parseActions(line) } catch {
                print("! parse \(error)")
                continue
            }
            for (index, move) in parsed.enumerated() {
                fields.append(Self.mask(state.legalActions))
                if state.isTerminal || !state.legalActions.contains(move.action) { refused = index; break }
                state.apply(move.action)
            }
            if let refused {
                print("! \(refused)")
                continue
            }
            fields.append(Self.mask(state.legalActions))
            let result: String
            switch state.outcome {
            case .win(.first): result = "first"
            case .win(.second): result = "second"
            case .draw: result = "draw"
            case nil: result = "-"
            }
            print(fields.joined(separator: " ") + " = " + result)
        }
    }

    static func mask(_ actions: ActionSet) -> String {
        func hex(_ word: UInt64) -> String {
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(actions.high) + hex(actions.low)
    }
}
