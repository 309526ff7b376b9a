import Foundation
import Search

extension TrainingConfiguration {
    /// The default configuration of a game: sized so that a run on 2 cores shows learning
    /// quickly (tic-tac-toe in seconds, Connect Four and Othello within an hour).
    public static func defaults(for game: String) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(game: game)
        switch game {
        case "tictactoe":
            // Sampling every move with temperature 1 keeps the games diverse enough that the
            // network also learns the lines a perfect opponent may choose.
            configuration.network.body = "mlp"
            configuration.network.hidden = [64, 64]
            configuration.network.valueHidden = 32
            configuration.search.simulations = 64
            configuration.search.dirichletAlpha = 1.0
            configuration.search.dirichletFraction = 0.25
            configuration.search.leavesPerTree = 2
            configuration.selfPlay.games = 256
            configuration.selfPlay.concurrentGames = 256
            configuration.selfPlay.temperatureMoves = 9
            configuration.replay.windowGenerations = 4
            configuration.training.batchSize = 64
            configuration.training.steps = 300
            configuration.training.learningRate = 0.003
            configuration.evaluation.references = ["random", "mcts:rollouts=100", "perfect"]
            configuration.evaluation.games = 20
            configuration.evaluation.simulations = 64
            configuration.budget.generations = 12
        case "connect4":
            // An MLP: on 2 cores it evaluates ~19x more positions per second than a 2x32 residual
            // net (bench nn), and in a one-hour budget more games beat a better-shaped network.
            configuration.network.body = "mlp"
            configuration.network.hidden = [256, 256]
            configuration.network.valueHidden = 64
            configuration.search.simulations = 128
            configuration.search.dirichletAlpha = 1.0
            configuration.search.dirichletFraction = 0.25
            configuration.search.leavesPerTree = 2
            configuration.selfPlay.games = 512
            configuration.selfPlay.concurrentGames = 256
            // AlphaZero.jl's Connect Four schedule: τ = 1 for 20 moves, then down to 0.3 by move 30;
            // never 0, so that games stay distinct and the value head sees varied positions.
            configuration.selfPlay.temperatureMoves = 20
            configuration.selfPlay.temperatureDecayMoves = 10
            configuration.selfPlay.finalTemperature = 0.3
            configuration.replay.windowGenerations = 8
            configuration.training.batchSize = 256
            configuration.training.steps = 400
            configuration.training.learningRate = 0.002
            // Every 4th generation plays 40 games against each reference and against the
            // generations 4, 8 and 16 back; stronger rollout players join as the agent passes the
            // strongest so far, so the curve neither saturates nor hides progress in its noise.
            configuration.evaluation.references = ["random", "mcts:rollouts=100", "mcts:rollouts=1000"]
            configuration.evaluation.strongerReferences = ["mcts:rollouts=4000", "mcts:rollouts=16000"]
            configuration.evaluation.games = 40
            configuration.evaluation.simulations = 128
            configuration.evaluation.openingMoves = 2
            configuration.evaluation.everyGenerations = 4
            configuration.evaluation.ladderOpponents = 3
            configuration.evaluation.ladderGames = 40
            configuration.budget.generations = 0
            configuration.budget.wallSeconds = 3600
        default:  // othello and later games
            configuration.network.body = "resnet"
            configuration.network.blocks = 3
            configuration.network.filters = 32
            configuration.network.valueHidden = 32
            configuration.search.simulations = 64
            configuration.search.dirichletAlpha = 0.3
            configuration.search.dirichletFraction = 0.25
            configuration.search.leavesPerTree = 2
            configuration.selfPlay.games = 128
            configuration.selfPlay.concurrentGames = 128
            configuration.selfPlay.temperatureMoves = 20
            configuration.selfPlay.temperatureDecayMoves = 20
            configuration.selfPlay.finalTemperature = 0.3
            configuration.training.batchSize = 128
            configuration.training.steps = 300
            configuration.evaluation.references = ["random", "mcts:rollouts=100"]
            configuration.evaluation.strongerReferences = ["mcts:rollouts=400", "mcts:rollouts=1600"]
            configuration.evaluation.games = 20
            configuration.evaluation.simulations = 64
            configuration.evaluation.openingMoves = 2
            configuration.evaluation.ladderOpponents = 2
            configuration.evaluation.ladderGames = 20
            configuration.budget.generations = 0
            configuration.budget.wallSeconds = 3600
        }
        return configuration
    }
}

/// The version of the code that wrote a file: the package version plus, when the program
/// runs from a git checkout, the commit (with `-dirty` for uncommitted changes).
public enum CodeVersion {
    public static let package = "0.1.0"

    public static let current: String = {
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
                let commit = git(["rev-parse", "--short=12", "HEAD"], in: folder)
                let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: folder)
                if let commit, !commit.isEmpty { return "\(package)+\(commit)\(dirty?.isEmpty == false ? "-dirty" : "")" }
                break
            }
            folder.deleteLastPathComponent()
        }
        return package
    }()

    static func git(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
