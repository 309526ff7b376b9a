import ArgumentParser
import Environments
import Foundation
import GameKit

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the kernels: game move generation, tree search, the network.",
        subcommands: [BenchGamesCommand.self]
    )
}

struct BenchGamesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "games",
        abstract: "Random playouts per second and perft leaves per second.",
        discussion: "benchmarks/games/run.sh puts these figures next to OpenSpiel's on the same machine."
    )

    @OptionGroup var game: GameOption
    @Option(help: "Seconds to spend on random playouts.")
    var seconds: Double = 2
    @Option(help: "Perft depth (0 skips perft).")
    var perftDepth: Int?
    @Option(help: "Seed of the random playouts.")
    var seed: UInt64 = 1
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        measure(try game.resolve())
    }

    private func measure<G: GameState>(_ type: G.Type) {
        var rng = Xoshiro256(seed: seed)
        var games = 0
        var moves = 0
        var firstWins = 0
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        while clock.now < deadline {
            for _ in 0..<100 {
                var state = G()
                while !state.isTerminal {
                    state.apply(state.legalActions.randomElement(using: &rng))
                    moves += 1
                }
                if state.outcome == .win(.first) { firstWins += 1 }
                games += 1
            }
        }
        let elapsed = (clock.now - start).seconds
        let depth = perftDepth ?? ["tictactoe": 9, "connect4": 8, "othello": 8][G.name] ?? 6
        var perftLeaves = 0
        var perftSeconds = 0.0
        if depth > 0 {
            let perftStart = clock.now
            perftLeaves = perft(G(), depth: depth)
            perftSeconds = (clock.now - perftStart).seconds
        }
        if json {
            print("""
            {"game":"\(G.name)","playouts_per_s":\(Double(games) / elapsed),"moves_per_s":\(Double(moves) / elapsed),\
            "mean_length":\(Double(moves) / Double(games)),"first_player_win_rate":\(Double(firstWins) / Double(games)),\
            "perft_depth":\(depth),"perft_leaves":\(perftLeaves),"perft_seconds":\(perftSeconds)}
            """)
        } else {
            print("\(G.name): \(games) random playouts in \(String(format: "%.2f", elapsed)) s")
            print(String(format: "  playouts/s %.0f   moves/s %.3g   mean length %.1f   first player wins %.1f%%",
                         Double(games) / elapsed, Double(moves) / elapsed, Double(moves) / Double(games), 100 * Double(firstWins) / Double(games)))
            if depth > 0 {
                print(String(format: "  perft(%d) = %d in %.3f s: %.3g leaves/s", depth, perftLeaves, perftSeconds, Double(perftLeaves) / perftSeconds))
            }
        }
    }
}
