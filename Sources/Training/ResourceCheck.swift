import Foundation
import GameKit
import NeuralNet

extension TrainingConfiguration {
    /// The largest game counts and simulation budgets a run accepts.
    var countLimits: [(key: String, value: Int, limit: Int)] {
        [
            ("selfPlay.games", selfPlay.games, 1_000_000),
            ("selfPlay.fastSimulations", selfPlay.fastSimulations, 1_000_000),
            ("search.simulations", search.simulations, 1_000_000),
            ("evaluation.games", evaluation.games, 1_000_000),
            ("evaluation.ladderGames", evaluation.ladderGames, 1_000_000),
            ("evaluation.finalTrendGames", evaluation.finalTrendGames, 1_000_000),
            ("evaluation.simulations", evaluation.simulations, 1_000_000),
            ("evaluation.openingMoves", evaluation.openingMoves, 1000),
            ("arena.games", arena.games, 1_000_000),
            ("replay.windowGenerations", replay.windowGenerations, 1000),
            ("replay.maxWindowGenerations", replay.maxWindowGenerations, 1000),
            ("training.steps", training.steps, 100_000_000),
        ]
    }

    /// A message when the run could not be held in this machine's memory or a count is out of
    /// bounds, or `nil`. Checked before a run is created, so that no run is made that cannot train.
    public func resourceError<Game: GameState>(for game: Game.Type) -> String? {
        for (key, value, limit) in countLimits where value > limit {
            return "\(key) is \(value), at most \(limit)"
        }
        let architecture = TrainingLoop<Game>.architecture(network)
        do { try architecture.validate() } catch { return "network: \(error)" }
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        if growth.atProgress > 0 {
            let grown = TrainingLoop<Game>.architecture(growth.network)
            do { try grown.validate() } catch { return "growth.network: \(error)" }
            // The fit holds `fitGenerations` generations' samples besides the run.
            let sampleFloats = Double(grown.inputSize + 2 * grown.actionCount + 1)
            let fitSamples =
                4 * Double(growth.fitGenerations) * Double(selfPlay.games) * Double(grown.cells) * sampleFloats
            let needed = estimatedMemory(grown) + fitSamples
            guard needed <= 0.8 * available else {
                return String(
                    format: "growth: the fit needs about %.1f GB of memory (growth.network %@, %d generations "
                        + "of samples), more than this machine's %.1f GB allows; lower growth.fitGenerations",
                    needed / 1e9, grown.summary, growth.fitGenerations, available / 1e9)
            }
        }
        let needed = estimatedMemory(architecture)
        guard needed <= 0.8 * available else {
            return String(
                format: "the run needs about %.1f GB of memory (network %@, replay window of %d "
                    + "generations), more than this machine's %.1f GB allows; "
                    + "make the network or selfPlay.games smaller",
                needed / 1e9, architecture.summary, replay.largestWindow, available / 1e9)
        }
        return nil
    }

    /// Bytes the run holds at once, roughly: the networks with their gradients (trainee, best,
    /// the copy kept for a rejected candidate, one per self-play worker), the optimizer's moments,
    /// the training activations and the replay window's samples.
    func estimatedMemory(_ architecture: NetworkArchitecture) -> Double {
        let parameters = Double(architecture.parameterCount)
        let networks = 3 + Double(selfPlay.workers)
        let moments = training.optimizer == "adam" ? 2.0 : 1.0
        let width: Double
        switch architecture.body {
        case .mlp(let hidden): width = Double(hidden.reduce(architecture.inputSize, +))
        case .residual(let blocks, let filters): width = Double((2 * blocks + 1) * filters * architecture.cells)
        }
        let activations = 3 * Double(training.batchSize) * (width + Double(architecture.actionCount))
        let sampleFloats = Double(architecture.inputSize + 2 * architecture.actionCount + 1)
        let positions = Double(replay.largestWindow) * Double(selfPlay.games) * Double(architecture.cells)
        let samples = positions * sampleFloats
        return 4 * ((2 * networks + moments) * parameters + activations + samples)
    }
}
