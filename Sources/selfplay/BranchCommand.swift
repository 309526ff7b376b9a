import ArgumentParser
import Foundation
import Environments
import GameKit
import Training

struct BranchCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "branch",
        abstract: "Start a new run from a generation of another, with some settings changed.",
        discussion: """
            The new run holds the parent's generations up to --at and their samples (hard links: no \
            copy of the data) and the parent's configuration changed with --set; `selfplay train --run \
            NEW` then continues from that generation with the new settings (with none, it repeats the \
            parent's later generations exactly). The parent is only read, so it may be training meanwhile. The network \
            settings and the seed stay: the branch continues the generation's weights and random state \
            (growth.* can grow another network later). NEW/branch.json records where it came from.

            Uses: an ablation of a setting that acts late in a run (its arms share the run up to there), \
            a change of course in the middle of a long run (a lower learning rate, more simulations).

            Example:
              selfplay branch runs/c4 runs/c4-grow --at 120 \\
                --set growth.atProgress=0.33 --set growth.network.body=resnet
              selfplay train --run runs/c4-grow
            """
    )

    @Argument(help: ArgumentHelp("The run to branch from (it is only read).", valueName: "parent"))
    var parentPath: String
    @Argument(help: ArgumentHelp("The new run's folder (must not exist, or be empty).", valueName: "new"))
    var branchPath: String
    @Option(parsing: .unconditional, help: "The parent's generation the branch continues.") var at: Int
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Change one configuration key (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    func validate() throws {
        guard at >= 0 else { throw ValidationError("--at must be a generation number (0 or more)") }
    }

    func run() throws {
        try visitGame(ofRun: parentPath, with: self)
    }

    func visit<G: GameState>(_ type: G.Type) throws {
        let parent = RunDirectory(url: URL(fileURLWithPath: parentPath))  // checked by run()
        let configuration = try runConfiguration(parent, changedBy: overrides)
        if let problem = configuration.validationError() ?? configuration.resourceError(for: G.self) {
            throw ValidationError(problem)
        }
        let branch: RunBranch
        do {
            branch = try parent.makeBranch(
                at: at, to: URL(fileURLWithPath: branchPath), configuration: configuration)
        } catch let error as RunDirectoryError {
            throw CommandFailure(error.description)
        }
        let changes = branch.changes.isEmpty ? "no settings changed" : branch.changes.joined(separator: ", ")
        print("\(branchPath): generations 0...\(at) of \(parentPath); \(changes)")
        print("continue it with: selfplay train --run \(branchPath)")
    }
}
