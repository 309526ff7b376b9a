import Environments
import Foundation
import GameKit
import NeuralNet
import Testing
import Training

/// The configured learning-rate schedule is the one the optimizer follows, step by step.
@Suite struct LearningRateScheduleTests {
    final class SilentReporter: TrainingReporter {
        func status(_ line: String) {}
        func message(_ text: String) {}
    }

    var settings: TrainingConfiguration.OptimizationSettings {
        var settings = TrainingConfiguration.OptimizationSettings()
        settings.learningRate = 0.01
        settings.decayFactor = 0.5
        settings.decayEveryGenerations = 2
        settings.steps = 10
        settings.warmupSteps = 5
        return settings
    }

    @Test func settingsBecomeTheOptimizersSchedule() {
        var optimizer = Optimizer(kind: .adam, learningRate: 1)
        settings.configure(&optimizer)
        #expect(abs(optimizer.learningRate(atStep: 0) - 0.002) < 1e-7)
        #expect(abs(optimizer.learningRate(atStep: 19) - 0.01) < 1e-7)
        #expect(abs(optimizer.learningRate(atStep: 20) - 0.005) < 1e-7)
        #expect(abs(optimizer.learningRate(atStep: 45) - 0.0025) < 1e-7)
    }

    @Test func theLoopKeepsTheBaseRateAndStepsThroughTheSchedule() throws {
        var configuration = TrainingConfiguration.defaults(for: "tictactoe")
        configuration.training = settings
        configuration.selfPlay.games = 8
        configuration.selfPlay.concurrentGames = 8
        configuration.search.simulations = 8
        configuration.evaluation.games = 0
        configuration.budget.generations = 3
        let url = temporaryFolder("schedule")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: configuration)
        let loop = TrainingLoop<TicTacToe>(
            run: run, configuration: configuration, references: [], labels: nil,
            reporter: SilentReporter(), codeVersion: "test", shouldStop: { false })
        _ = try loop.train()
        let optimizer = try #require(try PolicyValueNetwork.load(from: run.modelURL(3)).optimizer)
        #expect(optimizer.step == 30)
        #expect(optimizer.learningRate == 0.01)
        #expect(abs(optimizer.learningRate(atStep: optimizer.step - 1) - 0.005) < 1e-7)
    }
}
