import Foundation
import Testing
import Training

/// The fit that grows the network takes a share of the steps trained before it, so a short run's fit
/// stays short; runs written before that rule keep fitting `growth.fitSteps`.
@Suite struct GrowthFitStepsTests {
    @Test func theFitTakesAShareOfTheStepsTrainedBeforeIt() {
        var growth = TrainingConfiguration.GrowthSettings()
        growth.fitSteps = 5000
        growth.fitStepFraction = 0.2
        #expect(growth.fitSteps(trainedSteps: 7200) == 1440)
        #expect(growth.fitSteps(trainedSteps: 100_000) == 5000)
        #expect(growth.fitSteps(trainedSteps: 0) == 1)
        growth.fitStepFraction = 0
        #expect(growth.fitSteps(trainedSteps: 7200) == 5000)
    }

    @Test func aConfigurationWithoutTheShareFitsAllItsSteps() throws {
        var configuration = TrainingConfiguration.defaults(for: "connect4")
        var object = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as? [String: Any])
        var growth = try #require(object["growth"] as? [String: Any])
        growth["fitStepFraction"] = nil
        object["growth"] = growth
        let decoded = try TrainingConfiguration.decode(JSONSerialization.data(withJSONObject: object))
        #expect(decoded.growth.fitStepFraction == 0)
        #expect(decoded.growth.fitSteps(trainedSteps: 7200) == configuration.growth.fitSteps)
        configuration.growth.fitStepFraction = 0
        #expect(decoded == configuration)
    }
}
