/// Which generations play the evaluation matches, and which earlier ones each plays in the ladder.
///
/// A generation is due when its number is a multiple of `everyGenerations`. With `maxTimeShare` above 0,
/// a due generation is evaluated only while evaluations so far took at most that share of the run's
/// wall-clock time, and the generation that looks like the budget's last is evaluated in any case, so a
/// long run spends a bounded share on measurement and its curve still ends at the final network.
public struct EvaluationSchedule: Sendable {
    public let settings: TrainingConfiguration.EvaluationSettings
    /// The generations evaluated so far, in order (generation 0 first).
    public private(set) var evaluated: [Int] = []
    /// Wall-clock seconds spent on evaluations so far.
    public private(set) var seconds = 0.0

    public init(settings: TrainingConfiguration.EvaluationSettings, evaluated: [Int] = [], seconds: Double = 0) {
        self.settings = settings
        self.evaluated = evaluated
        self.seconds = seconds
    }

    /// Whether a generation plays its evaluation: `runSeconds` is the run's wall-clock time up to
    /// now, `progress` the budget's share spent before this generation and now.
    public func isDue(_ generation: Int, runSeconds: Double, progress: (before: Double, now: Double)) -> Bool {
        guard generation > 0 else { return true }
        guard settings.maxTimeShare > 0 else { return generation % settings.everyGenerations == 0 }
        if Self.looksLast(progress: progress) { return true }
        return generation % settings.everyGenerations == 0 && seconds <= settings.maxTimeShare * runSeconds
    }

    /// Whether a generation that moved the budget's spent share from `progress.before` to `progress.now`
    /// looks like the budget's last: another one like it would overrun the budget (one that would end it
    /// exactly, as the next of a budget in generations does, is still to come).
    public static func looksLast(progress: (before: Double, now: Double)) -> Bool {
        progress.now > 0 && progress.now + (progress.now - progress.before) > 1 + 1e-9
    }

    /// The evaluated generation nearest two thirds of `generation` (the start of the run's last third),
    /// which the final generation plays in its trend match; `nil` before there is one below `generation`.
    public func trendOpponent(for generation: Int) -> Int? {
        let target = Double(generation) * 2 / 3
        return evaluated.filter { $0 < generation }.min { abs(Double($0) - target) < abs(Double($1) - target) }
    }

    /// Records an evaluation that took `seconds`.
    public mutating func record(_ generation: Int, seconds: Double) {
        evaluated.append(generation)
        self.seconds += seconds
    }

    /// The earlier evaluated generations that `generation` plays: 1, 2, 4, … evaluations back.
    public func ladder(below generation: Int) -> [Int] {
        let earlier = evaluated.filter { $0 < generation }
        return (0..<settings.ladderOpponents).compactMap { back in
            let index = earlier.count - (1 << back)
            return index >= 0 ? earlier[index] : nil
        }
    }
}
