import ArgumentParser
import Environments
import Foundation
import GameKit
import Players
import Training

/// The most games one match may ask for (arena, experiment final matches).
let maximumGames = 10_000_000

struct ArenaCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "arena",
        abstract: "Play a match between two players and estimate their Elo difference.",
        discussion: """
            Colours alternate game by game; with --opening-moves each pair of games starts from the same \
            random opening, once with each colour.

            Players:
            \(playersHelp)

            Example: selfplay arena net:runs/mine,sims=200 mcts:rollouts=1000 --games 100

            With --record RUN the result is appended to RUN/arena.jsonl, and the run's report lists it \
            (for instance a final network against an external engine).
            """
    )

    @OptionGroup var game: GameOption
    @Argument(help: "Player A.") var playerA: String
    @Argument(help: "Player B.") var playerB: String
    @Option(parsing: .unconditional, help: "Games to play (colours alternate), 1...\(maximumGames).")
    var games: Int = 20
    @Option(parsing: .unconditional, help: "Games in flight at once (network players batch across them), 1...4096.")
    var concurrent: Int = 32
    @Option(parsing: .unconditional, help: "Random moves that open each pair of games, 0...1000.")
    var openingMoves: Int = 0
    @Option(parsing: .unconditional, help: "Seed.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Append the result to this run's arena log (its report lists it).", valueName: "run"))
    var record: String?

    func validate() throws {
        guard (1...maximumGames).contains(games) else {
            throw ValidationError("--games must be in 1...\(maximumGames)")
        }
        guard (1...4096).contains(concurrent) else { throw ValidationError("--concurrent must be in 1...4096") }
        guard (0...1000).contains(openingMoves) else { throw ValidationError("--opening-moves must be in 0...1000") }
    }

    func run() throws { try GameCatalog.visit(try game.resolve(), with: self) }

    func visit<G: GameState>(_ type: G.Type) throws {
        let log = try record.map { try arenaLog(for: G.self, at: $0) }
        let slots = min(games, concurrent)
        let a = try makeSide(playerA, for: G.self, slots: slots, seed: seed &* 2)
        let b = try makeSide(playerB, for: G.self, slots: slots, seed: seed &* 2 &+ 1)
        let reporter = TerminalReporter()
        let start = ContinuousClock.now
        guard
            let result = try MatchRunner.play(
                a, b, games: games, concurrent: slots, openingMoves: openingMoves, seed: seed,
                progress: { done, result in reporter.status("\(done)/\(games) games: \(result)") }
            )
        else { return }
        let seconds = (ContinuousClock.now - start).seconds
        reporter.message(
            """
            \(G.name): \(a.name) (A) vs \(b.name) (B), \(games) games in \(String(format: "%.1f", seconds)) s
              A as first player:  +\(result.asFirst.wins) =\(result.asFirst.draws) -\(result.asFirst.losses)
              A as second player: +\(result.asSecond.wins) =\(result.asSecond.draws) -\(result.asSecond.losses)
              A overall: \(result)
            """)
        if let log {
            let generation = log.completeGenerations().last ?? 0
            try log.recordArenaMatch(
                MatchRecord(result, generation: generation, kind: "arena", playerA: a.name, playerB: b.name))
            reporter.message("recorded in \(log.url.path)/arena.jsonl")
        }
    }

    /// The run whose arena log receives the result: it must exist and be a run of game `G`.
    func arenaLog<G: GameState>(for _: G.Type, at path: String) throws -> RunDirectory {
        let run = RunDirectory(url: URL(fileURLWithPath: path))
        let game = try run.loadConfiguration().game
        guard game == G.name else {
            throw ValidationError("--record: \(path) is a run of \(game), not of \(G.name)")
        }
        return run
    }
}
