import Environments
import Foundation
import GameKit
import NeuralNet
import Testing
import Training

/// The configured learning-rate schedule is the one the optimizer follows, step by step.
@Suite struct LearningRateScheduleTests {
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
        var configuration = tinyConfiguration(generations: 3)
        configuration.training = settings
        let url = temporaryFolder("schedule")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: configuration)
        try trainTinyRun(run, configuration: configuration)
        let optimizer = try #require(try PolicyValueNetwork.load(from: run.modelURL(3)).optimizer)
        #expect(optimizer.step == 30)
        #expect(optimizer.learningRate == 0.01)
        #expect(abs(optimizer.learningRate(atStep: optimizer.step - 1) - 0.005) < 1e-7)
    }

    @Test func budgetDecayFollowsTheShareOfTheBudgetSpent() {
        var settings = TrainingConfiguration.OptimizationSettings()
        settings.finalRateFactor = 0.1
        #expect(abs(settings.budgetRateFactor(progress: 0) - 1) < 1e-12)
        #expect(abs(settings.budgetRateFactor(progress: 0.5) - 0.55) < 1e-12)
        #expect(abs(settings.budgetRateFactor(progress: 1) - 0.1) < 1e-12)
        #expect(abs(settings.budgetRateFactor(progress: 3) - 0.1) < 1e-12)
        var budget = TrainingConfiguration.BudgetSettings()
        budget.generations = 0
        #expect(budget.progress(spent: (7, 100, 100, 100)) == 0)
        budget.generations = 10
        budget.cpuSeconds = 50
        #expect(budget.progress(spent: (2, 1000, 25, 0)) == 0.5)
        #expect(budget.progress(spent: (8, 1000, 25, 0)) == 0.8)
    }

    @Test func theLoopLowersTheRateAsTheBudgetIsSpent() throws {
        var configuration = tinyConfiguration(generations: 5)
        configuration.training.learningRate = 0.01
        configuration.training.finalRateFactor = 0.2
        let url = temporaryFolder("budget-decay")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: configuration)
        try trainTinyRun(run, configuration: configuration)
        let rates = try (1...5).map { try #require(try run.loadManifest($0).metrics.learningRate) }
        let expected = (0..<5).map { 0.01 * configuration.training.budgetRateFactor(progress: Double($0) / 5) }
        for (rate, wanted) in zip(rates, expected) { #expect(abs(rate - wanted) < 1e-7) }
        #expect(rates[0] > rates[4] * 3)
    }
}
