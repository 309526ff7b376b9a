import Foundation

extension TrainingConfiguration {
    /// Keys added after the first release, with the values that reproduce the behaviour of a
    /// configuration written before them (so an older run resumes exactly as it would have).
    static var legacyValues: [String: [String: Any]] {
        [
            "selfPlay": ["temperatureDecayMoves": 0, "finalTemperature": 0, "valueTargetQWeight": 0],
            "replay": [
                "averagePositions": false, "augmentSideSwap": false, "logCountWeights": false, "windowGrowth": 0,
                "maxWindowGenerations": 64,
            ],
            "network": ["initialWeights": ""],
            "budget": ["cpuSeconds": 0],
            "growth": ["fitStepFraction": 0],
            "training": ["warmupSteps": 0, "finalRateFactor": 1],
            "evaluation": [
                "strongerReferences": [String](), "everyGenerations": 1, "maxTimeShare": 0, "ladderOpponents": 0,
                "ladderGames": 20, "finalTrendGames": 0,
            ],
        ]
    }

    /// Reads a `config.json`, filling keys that older versions did not write with their legacy values.
    public static func decode(_ data: Data) throws -> TrainingConfiguration {
        if var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if object["growth"] == nil,
                let growth = try? JSONSerialization.jsonObject(
                    with: JSONEncoder().encode(GrowthSettings()))
            {
                object["growth"] = growth  // runs from before growth existed never grow
            }
            for (group, values) in legacyValues {
                guard var groupObject = object[group] as? [String: Any] else { continue }
                for (key, value) in values where groupObject[key] == nil { groupObject[key] = value }
                object[group] = groupObject
            }
            return try JSONDecoder().decode(
                TrainingConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        }
        return try JSONDecoder().decode(TrainingConfiguration.self, from: data)
    }
}
