import Foundation

/// Why a run stopped.
public enum TrainingStop: Sendable, Equatable, CustomStringConvertible {
    case generations(Int)
    case wallTime(Double)
    case cpuTime(Double)
    case simulations(Int)
    /// The generation that played the final evaluation: one more would overrun the budget.
    case finalEvaluation(generation: Int)
    case interrupted

    public var description: String {
        switch self {
        case .generations(let n): return "reached the generation budget (\(n))"
        case .wallTime(let s): return String(format: "reached the time budget (%.0f s)", s)
        case .cpuTime(let s): return String(format: "reached the CPU-time budget (%.0f CPU-seconds)", s)
        case .simulations(let n): return "reached the simulation budget (\(n))"
        case .finalEvaluation(let generation):
            return "generation \(generation) played the final evaluation; another would overrun the budget"
        case .interrupted: return "interrupted; every complete generation is on disk, resume with the same command"
        }
    }
}
