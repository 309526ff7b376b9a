import Environments
import Foundation
import GameKit
import Testing
import Training

/// Evaluations are bounded to a share of the run's time, the budget's last generation is always
/// evaluated, and the ladder plays the generations that really were evaluated.
@Suite struct EvaluationScheduleTests {
    func settings(every: Int, share: Double, ladder: Int = 3) -> TrainingConfiguration.EvaluationSettings {
        var settings = TrainingConfiguration.EvaluationSettings()
        settings.everyGenerations = every
        settings.maxTimeShare = share
        settings.ladderOpponents = ladder
        return settings
    }

    @Test func withoutATimeShareEveryDueGenerationIsEvaluated() {
        let schedule = EvaluationSchedule(settings: settings(every: 4, share: 0))
        let due = (0...12).filter { schedule.isDue($0, runSeconds: 100, progress: (0.5, 0.6)) }
        #expect(due == [0, 4, 8, 12])
    }

    @Test func aTimeShareSkipsDueGenerationsUntilEvaluationsFallBelowIt() {
        let schedule = EvaluationSchedule(settings: settings(every: 2, share: 0.1), evaluated: [0, 2], seconds: 30)
        #expect(!schedule.isDue(3, runSeconds: 1000, progress: (0.1, 0.2)))
        #expect(!schedule.isDue(4, runSeconds: 200, progress: (0.1, 0.2)))
        #expect(schedule.isDue(4, runSeconds: 300, progress: (0.1, 0.2)))
        #expect(schedule.isDue(5, runSeconds: 200, progress: (0.6, 0.81)))
        #expect(!schedule.isDue(5, runSeconds: 200, progress: (0.6, 0.79)))
    }

    @Test func theLadderCountsEvaluationsBack() {
        var schedule = EvaluationSchedule(settings: settings(every: 1, share: 0.1))
        for generation in [0, 3, 4, 9, 15, 16] { schedule.record(generation, seconds: 1) }
        #expect(schedule.ladder(below: 20) == [16, 15, 4])
        #expect(schedule.ladder(below: 4) == [3, 0])
        #expect(schedule.seconds == 6)
        #expect(schedule.trendOpponent(for: 24) == 16)
        #expect(schedule.trendOpponent(for: 12) == 9)
        #expect(schedule.trendOpponent(for: 0) == nil)
    }

    @Test func theBudgetsLastGenerationIsTheOneAnotherLikeItWouldFinish() {
        #expect(EvaluationSchedule.looksLast(progress: (0.8, 0.91)))
        #expect(!EvaluationSchedule.looksLast(progress: (0.8, 0.9)))
        #expect(
            !EvaluationSchedule.looksLast(progress: (0.5, 0.75)) && EvaluationSchedule.looksLast(progress: (0.75, 1)))
        #expect(!EvaluationSchedule.looksLast(progress: (0, 0)))
    }

    @Test func aRunWithASmallShareEvaluatesTheStartAndTheEndAndLaddersOnlyEvaluatedGenerations() throws {
        var configuration = tinyConfiguration(generations: 4)
        configuration.evaluation.references = ["random"]
        configuration.evaluation.games = 8
        configuration.evaluation.ladderOpponents = 2
        configuration.evaluation.ladderGames = 4
        configuration.evaluation.everyGenerations = 1
        configuration.evaluation.maxTimeShare = 0.001
        configuration.evaluation.finalTrendGames = 6
        let url = temporaryFolder("evaluation-share")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: configuration)
        try trainTinyRun(run, configuration: configuration)
        configuration.budget.generations = 8
        try trainTinyRun(run, configuration: configuration)
        let evaluated = try (0...8).filter { try run.loadManifest($0).metrics.evaluated == true }
        #expect(evaluated.first == 0 && evaluated.last == 8)
        #expect(evaluated.count < 9)
        let matches = try run.allMatches()
        let played = Set(matches.map(\.generation))
        #expect(played == Set(evaluated))
        for match in matches where match.kind == "ladder" {
            let opponent = try #require(Int(match.playerB.dropFirst(3)))
            #expect(evaluated.contains(opponent))
        }
        // Each budget's final generation (4, then 8 after the resume) plays the start of its last third.
        let trends = matches.filter { $0.kind == "trend" }
        #expect(trends.map(\.generation) == [4, 8])
        for trend in trends {
            #expect(trend.wins + trend.draws + trend.losses == 6)
            let opponent = try #require(Int(trend.playerB.dropFirst(3)))
            let nearest = evaluated.filter { $0 < trend.generation }.min {
                abs(Double($0) - Double(trend.generation) * 2 / 3) < abs(Double($1) - Double(trend.generation) * 2 / 3)
            }
            #expect(opponent == nearest)
        }
        let seconds = try #require(try run.loadManifest(8).metrics.totalEvaluationSeconds)
        #expect(seconds > 0)
    }

    @Test func whichGenerationsAreEvaluatedDoesNotChangeTraining() throws {
        var configuration = tinyConfiguration(generations: 5)
        configuration.evaluation.references = ["random"]
        configuration.evaluation.games = 8
        configuration.evaluation.everyGenerations = 1
        var losses: [[Double]] = []
        for share in [0.001, 0.9] {
            configuration.evaluation.maxTimeShare = share
            let url = temporaryFolder("evaluation-independent")
            defer { try? FileManager.default.removeItem(at: url) }
            let run = try RunDirectory.create(at: url, configuration: configuration)
            try trainTinyRun(run, configuration: configuration)
            let evaluated = try (1...5).filter { try run.loadManifest($0).metrics.evaluated == true }
            #expect(share > 0.5 ? evaluated.count == 5 : evaluated.count < 5)
            losses.append(try (1...5).map { try #require(try run.loadManifest($0).metrics.policyLoss) })
        }
        #expect(losses[0] == losses[1])
    }

    /// A run ends with the generation that played the final evaluation even when the budget is not quite
    /// spent (another generation would overrun it), also when resumed; a raised budget lets it go on.
    @Test func theGenerationThatPlayedTheFinalEvaluationEndsTheRun() throws {
        var configuration = tinyConfiguration(generations: 5)
        configuration.training.finalRateFactor = 1
        configuration.evaluation.references = ["random"]
        configuration.evaluation.games = 4
        configuration.evaluation.finalTrendGames = 4
        func train(_ run: RunDirectory, _ configuration: TrainingConfiguration) throws -> TrainingStop {
            try TrainingLoop<TicTacToe>(
                run: run, configuration: configuration,
                references: [ReferencePlayer(name: "random") { RandomPlayer<TicTacToe>(seed: $0) }],
                labels: nil, reporter: SilentReporter(), codeVersion: "test", shouldStop: { false }
            ).train()
        }
        // The same run's simulation totals, budgeted in generations.
        let measured = temporaryFolder("final-evaluation-measured")
        defer { try? FileManager.default.removeItem(at: measured) }
        let reference = try RunDirectory.create(at: measured, configuration: configuration)
        #expect(try train(reference, configuration) == .generations(5))
        let totals = try (0...5).map { try reference.loadManifest($0).totalSimulations }
        // A simulation budget that generation 3 does not reach but a fourth like it would overrun.
        configuration.budget.generations = 0
        configuration.budget.simulations = totals[3] + (totals[3] - totals[2]) / 4
        #expect(configuration.budget.simulations > totals[3] && totals[4] > configuration.budget.simulations)
        let url = temporaryFolder("final-evaluation")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: configuration)
        #expect(try train(run, configuration) == .finalEvaluation(generation: 3))
        #expect(run.completeGenerations() == [0, 1, 2, 3])
        #expect(try run.loadManifest(3).metrics.finalEvaluation == true)
        #expect(try run.allMatches().filter { $0.kind == "trend" }.map(\.generation) == [3])
        #expect(try train(run, configuration) == .finalEvaluation(generation: 3))
        #expect(run.completeGenerations() == [0, 1, 2, 3])
        configuration.budget.simulations = 0
        configuration.budget.generations = 5
        #expect(try train(run, configuration) == .generations(5))
        #expect(run.completeGenerations() == [0, 1, 2, 3, 4, 5])
        #expect(try run.allMatches().filter { $0.kind == "trend" }.map(\.generation) == [3, 5])
    }
}
