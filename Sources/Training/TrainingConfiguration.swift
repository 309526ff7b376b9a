import Foundation
import GameKit
import NeuralNet
import Search

/// Everything that defines a training run. Written, resolved, into the run directory
/// (`config.json`); its hash goes into every generation's manifest.
public struct TrainingConfiguration: Codable, Sendable, Hashable {
    /// The game's command-line name.
    public var game: String
    /// The seed of everything random in the run.
    public var seed: UInt64 = 1
    /// The network generation 0 starts with (`network.*` keys).
    public var network = NetworkSettings()
    /// The PUCT search of self-play and of the run's own matches (`search.*`).
    public var search = SearchConfiguration()
    /// How games are generated (`selfPlay.*`).
    public var selfPlay = SelfPlaySettings()
    /// Which samples training draws from (`replay.*`).
    public var replay = ReplaySettings()
    /// The optimizer and its steps per generation (`training.*`).
    public var training = OptimizationSettings()
    /// Gating: the candidate against the current best (`arena.*`).
    public var arena = ArenaSettings()
    /// Matches against references and earlier generations, for Elo (`evaluation.*`).
    public var evaluation = EvaluationSettings()
    /// When the run stops (`budget.*`).
    public var budget = BudgetSettings()
    /// Growing to a larger network part-way (`growth.*`).
    public var growth = GrowthSettings()
    /// OpenBLAS threads during self-play and training (0: `SELFPLAY_BLAS_THREADS`, else OpenBLAS's default,
    /// one per core).
    public var blasThreads = 0

    /// A network's architecture and starting weights.
    public struct NetworkSettings: Codable, Sendable, Hashable {
        public init() {}

        /// `mlp` or `resnet`.
        public var body = "mlp"
        /// Hidden layer widths of the MLP body.
        public var hidden = [64, 64]
        /// Residual blocks of the residual body.
        public var blocks = 2
        /// Filters of every convolution of the residual body.
        public var filters = 32
        /// Hidden units of the value head.
        public var valueHidden = 32
        /// A `.safetensors` network generation 0 starts from instead of random weights (for instance one
        /// `selfplay fit` wrote); its architecture must be the one above. Empty: random weights.
        public var initialWeights = ""
    }

    /// Growing the network in the middle of a run: cheap self-play with a small network first, then a
    /// larger one fitted on those games continues. At the first generation that starts with at least
    /// `atProgress` of the budget spent, a fresh `network` learns the samples of the last
    /// `fitGenerations` generations (`fitSteps(trainedSteps:)` steps, the rate falling along a cosine to a
    /// tenth) and becomes the generation's candidate; training then goes on at `learningRate`.
    public struct GrowthSettings: Codable, Sendable, Hashable {
        public init() {}

        /// The share of the budget after which the network grows (0: never).
        public var atProgress: Double = 0
        /// The larger network (its `initialWeights` are not used).
        public var network = NetworkSettings()
        /// The last generations whose samples the larger network is fitted on.
        public var fitGenerations = 128
        /// The fit's steps: at most `fitSteps`, and at most `fitStepFraction` of the optimizer steps of the
        /// generations before it (0: no such limit), so that a short run's fit stays short.
        public var fitSteps = 5000
        public var fitStepFraction: Double = 0.2
        /// The learning rate of the grown network's training after the fit.
        public var learningRate: Double = 0.0005

        /// The fit's step count after a run's first `trainedSteps` optimizer steps.
        public func fitSteps(trainedSteps: Int) -> Int {
            guard fitStepFraction > 0 else { return fitSteps }
            return max(1, min(fitSteps, Int((fitStepFraction * Double(trainedSteps)).rounded())))
        }
    }

    /// How self-play generates a generation's games.
    public struct SelfPlaySettings: Codable, Sendable, Hashable {
        public init() {}

        /// Games played per generation.
        public var games = 64
        /// Games advanced together (their leaves share each network batch).
        public var concurrentGames = 64
        /// The temperature schedule of self-play moves, sampled in proportion to visits^(1/τ):
        /// τ = 1 for the first `temperatureMoves` moves, then falling linearly to `finalTemperature`
        /// over `temperatureDecayMoves` moves, then flat. A final τ of 0 plays the most-visited move.
        public var temperatureMoves = 4
        public var temperatureDecayMoves = 10
        public var finalTemperature: Double = 0.3
        /// Playout-cap randomization (KataGo): the fraction of moves searched with the full budget and
        /// recorded as policy targets; the rest use `fastSimulations` and are not recorded. 1 disables it.
        public var fullSearchFraction: Double = 1
        public var fastSimulations = 16
        /// The value target: (1 − w) · game result + w · the root's searched value (0: AlphaZero's z).
        public var valueTargetQWeight: Double = 0
        /// Threads that play games side by side, each with its own network copy (OpenBLAS then
        /// uses one thread per call). 1 plays on one thread with multi-threaded OpenBLAS.
        public var workers = 2
    }

    /// The window of recent samples training draws from.
    public struct ReplaySettings: Codable, Sendable, Hashable {
        public init() {}

        /// Generations of self-play samples the trainer draws from (the first window, when it grows).
        public var windowGenerations = 4
        /// β of KataGo's growing window: past `windowGenerations` generations, the window holds
        /// w·(1 + β((g/w)^0.75 − 1)/0.75) generations at generation g (`ReplayBuffer.windowLength(at:)`);
        /// 0 keeps the window fixed.
        public var windowGrowth = 0.0
        /// The most generations a growing window holds.
        public var maxWindowGenerations = 64
        /// The most generations the window holds during the run.
        public var largestWindow: Int {
            windowGrowth > 0 ? max(windowGenerations, maxWindowGenerations) : windowGenerations
        }
        /// Whether training samples are mapped by a random board symmetry.
        public var augmentSymmetries = true
        /// Whether training samples are also mapped by the game's side-swapping symmetries
        /// (`GameDescription.sideSwappingSymmetries`, e.g. Hex's transposition); no effect for other games.
        public var augmentSideSwap = true
        /// Whether samples of the same position in the window are merged into one whose targets
        /// are their mean (AlphaZero.jl's position averaging).
        public var averagePositions = false
        /// Whether, with `averagePositions`, training draws a merged position in proportion to 1 + log2 of its
        /// sample count (AlphaZero.jl's `LOG_WEIGHT`) instead of uniformly.
        public var logCountWeights = false
    }

    /// The optimizer and its schedule.
    public struct OptimizationSettings: Codable, Sendable, Hashable {
        public init() {}

        /// Samples per optimizer step.
        public var batchSize = 64
        /// Optimizer steps per generation.
        public var steps = 200
        /// `sgd` (with momentum) or `adam`.
        public var optimizer = "adam"
        /// The base learning rate.
        public var learningRate: Double = 0.003
        /// SGD's momentum, or Adam's β₁.
        public var momentum: Double = 0.9
        /// L2 coefficient on dense and convolution weights.
        public var weightDecay: Double = 0.0001
        /// Multiply the learning rate by this factor every `decayEveryGenerations` generations
        /// (that is, every `decayEveryGenerations × steps` optimizer steps).
        public var decayFactor: Double = 1
        public var decayEveryGenerations = 10
        /// Steps of linear learning-rate warm-up at the start of the run.
        public var warmupSteps = 0
        /// With a budget, the learning rate falls along a cosine from the scheduled rate at the start to
        /// this fraction of it when the budget is spent (1: no such decay).
        public var finalRateFactor: Double = 1

        /// The factor on the learning rate once `progress` (0...1) of the budget is spent.
        public func budgetRateFactor(progress: Double) -> Double {
            Optimizer.cosineFactor(progress: progress, finalFactor: finalRateFactor)
        }
    }

    /// The gating match of each candidate against the current best.
    public struct ArenaSettings: Codable, Sendable, Hashable {
        public init() {}

        /// Games the candidate plays against the current best (0: promote without playing).
        public var games = 0
        /// The score the candidate needs to be promoted; `nil`: always promote (AlphaZero).
        public var gatingThreshold: Double? = nil
    }

    /// The rating matches of evaluated generations.
    public struct EvaluationSettings: Codable, Sendable, Hashable {
        public init() {}

        /// Fixed reference players each new generation plays (player specs).
        public var references = ["random", "mcts:rollouts=100"]
        /// Games against each reference.
        public var games = 20
        /// Simulations per move of a generation's player in evaluation and arena matches.
        public var simulations = 100
        /// Random moves that open each pair of evaluation games (both colours play the opening).
        public var openingMoves = 0
        /// Stronger references, each played once the agent scores at least 90% against the one
        /// before it in the same evaluation (the last of `references` for the first), and in every
        /// evaluation after that: the yardstick stays above the agent.
        public var strongerReferences: [String] = []
        /// Generations evaluated: those whose number is a multiple of this (and generation 0).
        public var everyGenerations = 1
        /// Above 0: a due generation is evaluated only while evaluations so far took at most this share of
        /// the run's wall-clock time; the budget's last generation is evaluated in any case.
        public var maxTimeShare: Double = 0
        /// Earlier evaluated generations each evaluation plays (a ladder: 1, 2, 4, … evaluations
        /// back), `ladderGames` games each, so that ratings compare generations directly.
        public var ladderOpponents = 0
        /// Games against each ladder opponent.
        public var ladderGames = 20
        /// Games the budget's final generation plays against the evaluated generation nearest two thirds
        /// of its number, the start of the run's last third: whether the run was still improving, with a
        /// 95% interval (0: no such match).
        public var finalTrendGames = 0
    }

    /// When the run stops: the first limit reached.
    public struct BudgetSettings: Codable, Sendable, Hashable {
        public init() {}

        /// Stop after this many generations (0: no limit).
        public var generations = 10
        /// Stop once the run has trained this long, in seconds (0: no limit).
        public var wallSeconds: Double = 0
        /// Stop once the run's process has used this many CPU-seconds, all threads together (0: no limit).
        /// Fair between runs that share a machine with other work, where wall-clock time is not.
        public var cpuSeconds: Double = 0
        /// Stop once self-play has run this many simulations (0: no limit).
        public var simulations = 0

        /// What a run has spent of each kind of limit.
        public typealias Spent = (generations: Int, seconds: Double, cpuSeconds: Double, simulations: Int)

        /// The largest share spent of any limit that is set (0 with no limit).
        public func progress(spent: Spent) -> Double {
            var shares: [Double] = [0]
            if generations > 0 { shares.append(Double(spent.generations) / Double(generations)) }
            if wallSeconds > 0 { shares.append(spent.seconds / wallSeconds) }
            if cpuSeconds > 0 { shares.append(spent.cpuSeconds / cpuSeconds) }
            if simulations > 0 { shares.append(Double(spent.simulations) / Double(simulations)) }
            return min(1, shares.max()!)
        }
    }

    public init(game: String) { self.game = game }

    /// Returns a message naming the first key whose value is out of range, or `nil`.
    public func validationError() -> String? {
        if let message = search.validationError() { return "search: \(message)" }
        let checks: [(Bool, String)] = [
            (["mlp", "resnet"].contains(network.body), "network.body must be mlp or resnet (got \(network.body))"),
            (
                network.hidden.allSatisfy { $0 > 0 } && !network.hidden.isEmpty,
                "network.hidden must list positive widths"
            ),
            (network.blocks >= 0 && network.blocks <= 40, "network.blocks must be in 0...40"),
            (network.filters > 0 && network.filters <= 512, "network.filters must be in 1...512"),
            (network.valueHidden > 0, "network.valueHidden must be positive"),
            (selfPlay.games > 0, "selfPlay.games must be positive"),
            (
                selfPlay.concurrentGames > 0 && selfPlay.concurrentGames <= 4096,
                "selfPlay.concurrentGames must be in 1...4096"
            ),
            (selfPlay.temperatureMoves >= 0, "selfPlay.temperatureMoves must not be negative"),
            (selfPlay.temperatureDecayMoves >= 0, "selfPlay.temperatureDecayMoves must not be negative"),
            ((0...1).contains(selfPlay.finalTemperature), "selfPlay.finalTemperature must be in [0, 1]"),
            (
                (0...1).contains(selfPlay.fullSearchFraction) && selfPlay.fullSearchFraction > 0,
                "selfPlay.fullSearchFraction must be in (0, 1]"
            ),
            (selfPlay.fastSimulations > 0, "selfPlay.fastSimulations must be positive"),
            ((0...1).contains(selfPlay.valueTargetQWeight), "selfPlay.valueTargetQWeight must be in [0, 1]"),
            (selfPlay.workers >= 1 && selfPlay.workers <= 64, "selfPlay.workers must be in 1...64"),
            (replay.windowGenerations > 0, "replay.windowGenerations must be positive"),
            ((0...10).contains(replay.windowGrowth), "replay.windowGrowth must be in [0, 10]"),
            (replay.maxWindowGenerations > 0, "replay.maxWindowGenerations must be positive"),
            (training.batchSize > 0 && training.batchSize <= 4096, "training.batchSize must be in 1...4096"),
            (training.steps >= 0, "training.steps must not be negative"),
            (
                ["sgd", "adam"].contains(training.optimizer),
                "training.optimizer must be sgd or adam (got \(training.optimizer))"
            ),
            (training.learningRate > 0 && training.learningRate < 10, "training.learningRate must be in (0, 10)"),
            ((0..<1).contains(training.momentum), "training.momentum must be in [0, 1)"),
            (training.weightDecay >= 0, "training.weightDecay must not be negative"),
            (training.decayFactor > 0 && training.decayFactor <= 1, "training.decayFactor must be in (0, 1]"),
            (training.decayEveryGenerations > 0, "training.decayEveryGenerations must be positive"),
            (training.warmupSteps >= 0, "training.warmupSteps must not be negative"),
            (
                training.finalRateFactor > 0 && training.finalRateFactor <= 1,
                "training.finalRateFactor must be in (0, 1]"
            ),
            (arena.games >= 0, "arena.games must not be negative"),
            (arena.gatingThreshold.map { (0...1).contains($0) } ?? true, "arena.gatingThreshold must be in [0, 1]"),
            (evaluation.games >= 0, "evaluation.games must not be negative"),
            (evaluation.simulations > 0, "evaluation.simulations must be positive"),
            (evaluation.openingMoves >= 0, "evaluation.openingMoves must not be negative"),
            (evaluation.everyGenerations >= 1, "evaluation.everyGenerations must be at least 1"),
            ((0...16).contains(evaluation.ladderOpponents), "evaluation.ladderOpponents must be in 0...16"),
            (evaluation.ladderGames >= 0, "evaluation.ladderGames must not be negative"),
            (evaluation.finalTrendGames >= 0, "evaluation.finalTrendGames must not be negative"),
            (budget.generations >= 0, "budget.generations must not be negative"),
            (budget.wallSeconds >= 0, "budget.wallSeconds must not be negative"),
            (
                evaluation.maxTimeShare >= 0 && evaluation.maxTimeShare < 1,
                "evaluation.maxTimeShare must be in [0, 1)"
            ),
            (budget.cpuSeconds >= 0, "budget.cpuSeconds must not be negative"),
            (budget.simulations >= 0, "budget.simulations must not be negative"),
            (blasThreads >= 0 && blasThreads <= 64, "blasThreads must be in 0...64"),
            ((0..<1).contains(growth.atProgress), "growth.atProgress must be in [0, 1)"),
            (growth.fitGenerations > 0, "growth.fitGenerations must be positive"),
            (growth.fitSteps > 0 && growth.fitSteps <= 100_000_000, "growth.fitSteps must be in 1...100000000"),
            ((0...1000).contains(growth.fitStepFraction), "growth.fitStepFraction must be in [0, 1000]"),
            (growth.learningRate > 0 && growth.learningRate < 10, "growth.learningRate must be in (0, 10)"),
            (growth.atProgress == 0 || !growthKeepsTheNetwork, "growth.network must differ from network"),
        ]
        return checks.first { !$0.0 }?.1
    }

    /// A short stable hash of what shapes the run's results (FNV-1a of the sorted-key JSON),
    /// leaving out the budget and thread count, which a resume may change.
    public var hash: String {
        var shaping = self
        shaping.budget = BudgetSettings()
        shaping.blasThreads = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(shaping)) ?? Data()
        return String(format: "%016llx", FNV1a.hash(data))
    }
}

extension TrainingConfiguration.SelfPlaySettings {
    /// The sampling temperature of move number `move` (0-based) of a self-play game.
    public func temperature(atMove move: Int) -> Float {
        if move < temperatureMoves { return 1 }
        guard temperatureDecayMoves > 0 else { return Float(finalTemperature) }
        let progress = min(1, Double(move - temperatureMoves + 1) / Double(temperatureDecayMoves))
        return Float(1 + (finalTemperature - 1) * progress)
    }
}

extension TrainingConfiguration.ReplaySettings {
    /// The maps a training sample is drawn through at random: the board symmetries and the side-swapping
    /// ones as the settings ask (with the identity among them), or none when neither applies.
    public func augmentation<Game: GameState>(for game: Game.Type) -> [BoardSymmetry] {
        let swaps = augmentSideSwap ? Game.sideSwappingSymmetries : []
        let board = augmentSymmetries ? Game.symmetries : []
        if swaps.isEmpty { return board }
        return (board.isEmpty ? [Game.symmetries[0]] : board) + swaps
    }
}

extension TrainingConfiguration {
    /// Whether `growth.network` describes the same network as `network` (initial weights aside).
    var growthKeepsTheNetwork: Bool {
        var grown = growth.network
        grown.initialWeights = network.initialWeights
        return grown == network
    }

    /// The optimization settings of a run's trainee: after the network grew, at the growth's learning rate.
    public func trainingSettings(grown: Bool) -> OptimizationSettings {
        var settings = training
        if grown { settings.learningRate = growth.learningRate }
        return settings
    }
}

extension TrainingConfiguration.OptimizationSettings {
    /// A new optimizer with these settings (gradient norm clipped at 10).
    public func makeOptimizer() -> Optimizer {
        var optimizer = Optimizer(
            kind: optimizer == "sgd" ? .sgd : .adam, learningRate: Float(learningRate), clipNorm: 10)
        configure(&optimizer)
        return optimizer
    }

    /// Sets the optimizer's hyper-parameters and learning-rate schedule from these settings,
    /// keeping its step count and moments: the schedule then runs on the optimizer's own steps
    /// (`decayFactor` every `decayEveryGenerations × steps` steps, after `warmupSteps` of warm-up).
    public func configure(_ optimizer: inout Optimizer) {
        optimizer.learningRate = Float(learningRate)
        optimizer.momentum = Float(momentum)
        optimizer.weightDecay = Float(weightDecay)
        optimizer.warmupSteps = warmupSteps
        optimizer.schedule =
            decayFactor < 1
            ? .step(every: max(1, decayEveryGenerations * steps), factor: Float(decayFactor))
            : .constant
    }
}
