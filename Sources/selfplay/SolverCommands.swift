import ArgumentParser
import Environments
import Foundation
import GameKit
import NeuralNet
import Players
import Solvers
import Training

struct SolveCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Exact scores of positions, read one per line.",
        discussion: """
            Each line holds a move sequence from the start position, in the game's notation (below); \
            a second whitespace-separated field is ignored, so the public benchmark files \
            ('moves score') can be read as they are. Blank lines are skipped. Each position prints \
            as 'moves score', or with --all-moves as 'moves' and the score of every action (x where \
            illegal); with --all-moves --outcomes each action's outcome alone, W, D or L, which is \
            faster to prove near the start of a game; with --time two more fields follow: seconds \
            and searched nodes.

            Scores are for the side to move: 0 draw, positive a win worth m + 1 - n, n being the \
            number of its own stones when it wins with best play and m the most stones a player can \
            place, negative a loss on the same scale.

            Lines that are not positions of a game still going on get an error on standard error \
            and are skipped; the exit status is then 1. A solver's transposition table persists \
            across lines, so later positions may reuse earlier work.

            Games with an exact solver:
            \(solvableNotationHelp)
            """
    )

    @OptionGroup var game: GameOption
    @Argument(help: "A file of positions (default: standard input).")
    var file: String?
    @Flag(name: .customLong("all-moves"), help: "Print the score of every action instead of the position's.")
    var allMoves = false
    @Flag(help: "With --all-moves: print each action's outcome (W, D or L) instead of its exact score.")
    var outcomes = false
    @Flag(help: "Print each solve's seconds and searched nodes, and a summary on standard error.")
    var time = false
    @Option(parsing: .unconditional, help: ArgumentHelp(tableHelp))
    var table: Int = 23

    func validate() throws {
        guard (10...30).contains(table) else { throw ValidationError("--table must be in 10...30") }
        if outcomes && !allMoves { throw ValidationError("--outcomes needs --all-moves") }
    }

    func run() throws {
        try GameCatalog.visit(try game.resolve(), with: self)
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        let solver = try requireSolver(for: G.self, tableSizeLog2: table)
        var failures = 0
        var solved = 0
        var totalSeconds = 0.0
        var slowest = (seconds: 0.0, line: 0)
        var totalNodes = 0
        let malformed = try forEachPositionLine(in: file) { number, moves, _ in
            let state: G
            do {
                state = try parsePosition(moves)
            } catch {
                reportLineError(file: file, line: number, "\(error)")
                failures += 1
                return
            }
            let nodesBefore = solver.nodeCount
            let start = ContinuousClock.now
            let result =
                outcomes
                ? solver.actionOutcomes(state).map { $0.map { ["L", "D", "W"][$0 + 1] } ?? "x" }
                    .joined(separator: " ")
                : allMoves
                    ? solver.actionValues(state).map { $0.map(String.init) ?? "x" }.joined(separator: " ")
                    : String(solver.score(state))
            let seconds = (ContinuousClock.now - start).seconds
            let nodes = solver.nodeCount - nodesBefore
            print("\(moves) \(result)" + (time ? " \(String(format: "%.6f", seconds)) \(nodes)" : ""))
            solved += 1
            totalSeconds += seconds
            totalNodes += nodes
            if seconds > slowest.seconds { slowest = (seconds, number) }
        }
        failures += malformed
        if time && solved > 0 {
            let format = "solved %d positions in %.3f s: mean %.6f s, max %.6f s (line %d); mean %.0f nodes"
            let summary = String(
                format: format, solved, totalSeconds, totalSeconds / Double(solved), slowest.seconds,
                slowest.line, Double(totalNodes) / Double(solved))
            FileHandle.standardError.write(Data((summary + "\n").utf8))
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

struct EvalPositionsCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "eval-positions",
        abstract: "A player's mistake rate on solved positions.",
        discussion: """
            For each position (lines 'moves [score]', as in the public benchmark sets; \
            the score is ignored) the player chooses a move. The move is a mistake if another legal \
            move has a strictly better game-theoretic value (win > draw > loss), as the exact solver \
            finds. Lines that carry a score per action ('moves s1 s2 ...', '-' for an illegal \
            action, as solver-labelled files under benchmarks/ do) are judged by those scores, without solving. \
            Prints, per file, the mistake count and rate with a 95% Wilson interval, and the \
            player's expected rate where its move distribution is known (random, perfect, minimax).

            Players:
            \(playersHelp)
            """
    )

    @OptionGroup var game: GameOption
    @Option(help: "The player, e.g. random or perfect (see below).")
    var player: String
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Position files.", valueName: "file"))
    var positions: [String]
    @Option(parsing: .unconditional, help: "Use only the first N positions of each file.")
    var limit: Int?
    @Option(parsing: .unconditional, help: "Seed of the player.")
    var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: ArgumentHelp(tableHelp))
    var table: Int = 23
    @Flag(help: "Print each mistake: the file's line, the position's moves, the move chosen and the best ones.")
    var showMistakes = false

    func validate() throws {
        guard !positions.isEmpty else { throw ValidationError("give at least one file with --positions") }
        if let limit, limit < 1 { throw ValidationError("--limit must be positive") }
        guard (10...30).contains(table) else { throw ValidationError("--table must be in 10...30") }
    }

    func run() throws {
        try GameCatalog.visit(try game.resolve(), with: self)
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        // One position at a time: batches of a leaf or two, which one OpenBLAS thread serves best.
        BLAS.threadCount = 1
        let spec = try PlayerSpec(parsing: player)
        let player = try makePlayer(spec, for: G.self, seed: seed)
        var solver: (any GameSolver<G>)?
        let knownPolicy = player as? any KnownPolicy<G>
        let showProgress = isatty(STDERR_FILENO) != 0
        var failures = 0
        var total = Tally()
        for file in positions {
            var tally = Tally()
            let clock = ContinuousClock()
            let start = clock.now
            var lastProgress = start
            var lineCount = 0
            let fieldCounts = [0, 1, G.actionCount]
            let malformed = try forEachPositionLine(in: file, extraFields: fieldCounts) { number, moves, rest in
                if let limit, lineCount >= limit { return }
                lineCount += 1
                let state: G
                var labels: LabelledPosition<G>?
                do {
                    if rest.count == G.actionCount {
                        labels = try LabelledPosition(moves: moves, scoreFields: rest)
                        state = labels!.state
                    } else {
                        state = try parsePosition(moves)
                    }
                } catch {
                    reportLineError(file: file, line: number, "\(error)")
                    failures += 1
                    return
                }
                let solveStart = clock.now
                let mistakes: ActionSet
                if let labels {
                    mistakes = labels.mistakes
                } else {
                    if solver == nil { solver = try requireSolver(for: G.self, tableSizeLog2: table) }
                    mistakes = solver!.mistakes(in: state)
                }
                let playerStart = clock.now
                player.newGame(from: state)
                let action = try player.chooseAction(in: state)
                let probabilities = knownPolicy?.actionProbabilities(in: state)
                let playerEnd = clock.now
                tally.solverSeconds += (playerStart - solveStart).seconds
                tally.playerSeconds += (playerEnd - playerStart).seconds

                guard state.legalActions.contains(action) else {
                    reportLineError(file: file, line: number, "player \(player.name) chose illegal action \(action)")
                    failures += 1
                    return
                }
                tally.positions += 1
                if mistakes.contains(action) {
                    tally.mistakes += 1
                    if showMistakes {
                        let best = state.legalActions.filter { !mistakes.contains($0) }
                        print(
                            "\(file):\(number): \(moves) chose \(G.notation(of: [action])), "
                                + "best \(best.map { G.notation(of: [$0]) }.joined(separator: " "))")
                    }
                }
                if let probabilities { tally.expectedMistakes += mistakes.reduce(0) { $0 + probabilities[$1] } }
                if showProgress && (playerEnd - lastProgress).seconds > 0.5 {
                    lastProgress = playerEnd
                    let progress = "\r\(file): \(tally.positions) positions, \(tally.mistakes) mistakes"
                    FileHandle.standardError.write(Data(progress.utf8))
                }
            }
            if showProgress && lastProgress != start { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            failures += malformed
            print(tally.summary(name: file, expected: knownPolicy != nil))
            total.add(tally)
        }
        if positions.count > 1 { print(total.summary(name: "all", expected: knownPolicy != nil)) }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Counts over one file's positions.
    struct Tally {
        var positions = 0
        var mistakes = 0
        var expectedMistakes = 0.0
        var solverSeconds = 0.0
        var playerSeconds = 0.0

        mutating func add(_ other: Tally) {
            positions += other.positions
            mistakes += other.mistakes
            expectedMistakes += other.expectedMistakes
            solverSeconds += other.solverSeconds
            playerSeconds += other.playerSeconds
        }

        func summary(name: String, expected: Bool) -> String {
            guard positions > 0 else { return "\(name): no positions" }
            let (low, high) = wilsonInterval(proportion: Double(mistakes) / Double(positions), trials: positions)
            var text =
                name
                + String(
                    format: ": %d positions, %d mistakes, rate %.2f%% (95%% CI %.2f-%.2f%%)",
                    positions, mistakes, 100 * Double(mistakes) / Double(positions), 100 * low, 100 * high)
            if expected { text += String(format: ", expected %.2f%%", 100 * expectedMistakes / Double(positions)) }
            text += String(format: "; solver %.2f s, player %.2f s", solverSeconds, playerSeconds)
            return text
        }
    }
}

/// The exact solver of game `G`; throws for a game without one.
private func requireSolver<G: GameState>(for game: G.Type, tableSizeLog2: Int) throws -> any GameSolver<G> {
    guard let solver = exactSolver(for: G.self, tableSizeLog2: tableSizeLog2) else {
        let names = GameCatalog.namesWithSolver.joined(separator: " and ")
        throw ValidationError("there is no exact solver for \(G.name); solvers exist for \(names)")
    }
    return solver
}

/// Calls `body` with each non-blank line's number, first field (the moves) and further fields, from
/// `file` or standard input. Lines whose count of further fields is not in `extraFields` get an
/// error instead; returns how many.
private func forEachPositionLine(
    in file: String?, extraFields: [Int] = [0, 1],
    _ body: (Int, String, [Substring]) throws -> Void
) throws -> Int {
    var number = 0
    var malformed = 0
    func handle(_ line: some StringProtocol) throws {
        number += 1
        let fields = line.split(whereSeparator: \.isWhitespace)
        if fields.isEmpty { return }
        if !extraFields.contains(fields.count - 1) {
            let labels = extraFields.filter { $0 > 1 }.map { " or 'moves' and \($0) action scores" }.joined()
            reportLineError(file: file, line: number, "expected 'moves [score]'\(labels), found \(fields.count) fields")
            malformed += 1
            return
        }
        try body(number, String(fields[0]), fields.dropFirst().map { Substring($0) })
    }
    if let file {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw InputError(description: "cannot read \(file): no such file")
        }
        guard !isDirectory.boolValue else {
            throw InputError(description: "\(file) is a folder, not a file of positions")
        }
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw InputError(description: fileErrorMessage(error) ?? "cannot read \(file): \(error)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines { try handle(line) }
    } else {
        while let line = readLine() { try handle(line) }
    }
    return malformed
}

/// The position after `moves`, which must leave the game going on.
private func parsePosition<G: GameState>(_ moves: String) throws -> G {
    let state: G
    do { state = try G(notation: moves) } catch {
        throw InputError(description: "bad position '\(abbreviated(moves))' \(error)")
    }
    if let outcome = state.outcome {
        throw InputError(description: "'\(abbreviated(moves))': the game is already over (\(outcome))")
    }
    return state
}

/// Unusable input: a file that cannot be read, a line that is no position.
private struct InputError: Error, CustomStringConvertible {
    var description: String
}

private func reportLineError(file: String?, line: Int, _ message: String) {
    FileHandle.standardError.write(Data("\(file ?? "stdin") line \(line): \(message)\n".utf8))
}

/// The help of `--table`, the size of a solver's transposition table.
let tableHelp = "log2 of the solver's transposition table entries (8 bytes each), where it has one."

/// One line per game with an exact solver: its name and how its moves are written.
let solvableNotationHelp = GameCatalog.all.filter { $0 is any SolvableGame.Type }
    .map { helpRow("\($0.name):", $0.notationHelp, separator: " ", indent: 4) }.joined(separator: "\n")
