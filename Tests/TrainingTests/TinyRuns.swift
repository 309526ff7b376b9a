import Environments
import Foundation
import GameKit
import Training

/// A reporter that prints nothing.
final class SilentReporter: TrainingReporter {
    func status(_ line: String) {}
    func message(_ text: String) {}
}

/// A tic-tac-toe configuration whose generations take a fraction of a second: 8 games of
/// 8 simulations, 4 training steps, no evaluation matches.
func tinyConfiguration(generations: Int) -> TrainingConfiguration {
    var configuration = TrainingConfiguration.defaults(for: "tictactoe")
    configuration.selfPlay.games = 8
    configuration.selfPlay.concurrentGames = 8
    configuration.search.simulations = 8
    configuration.training.steps = 4
    configuration.evaluation.games = 0
    configuration.budget.generations = generations
    return configuration
}

/// Trains (or resumes) a tic-tac-toe run in `run` until its budget, with random as the only reference.
func trainTinyRun(_ run: RunDirectory, configuration: TrainingConfiguration) throws {
    _ = try TrainingLoop<TicTacToe>(
        run: run, configuration: configuration,
        references: [ReferencePlayer(name: "random") { RandomPlayer<TicTacToe>(seed: $0) }],
        labels: nil, reporter: SilentReporter(), codeVersion: "test", shouldStop: { false }
    ).train()
}
