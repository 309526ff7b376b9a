import ArgumentParser
import Foundation
import Players
import Training

struct EloCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elo",
        abstract: "Print the Elo table of a run (maximum likelihood over all its matches, random = 0)."
    )

    @Option(name: .customLong("run"), help: "The run directory.")
    var runPath: String
    @Option(help: "The player rated 0 (default: random).")
    var anchor: String?

    func run() throws {
        let directory = try existingRun(runPath)
        let matches = try directory.allMatches()
        guard !matches.isEmpty else { print("no matches yet"); return }
        let players = Set(matches.flatMap { [$0.playerA, $0.playerB] })
        if let anchor, !players.contains(anchor) {
            let names = players.sorted().joined(separator: ", ")
            throw CommandFailure("--anchor \(abbreviated(anchor)) played no match in this run; players: \(names)")
        }
        print(EloRating.table(EloRating.fit(matches, anchor: anchor ?? "random")))
    }
}
