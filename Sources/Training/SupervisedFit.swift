import Foundation
import GameKit
import NeuralNet

/// Trains a fresh network on the stored self-play samples of a run and measures it on a later,
/// held-out generation: a capacity study, which network learns the same data best, apart from
/// self-play (the run's own networks made the data).
public struct SupervisedFit<Game: GameState> {
    /// The network being fitted.
    public let network: PolicyValueNetwork
    public private(set) var optimizer: Optimizer
    /// The steps taken so far.
    public private(set) var steps = 0
    let settings: TrainingConfiguration.OptimizationSettings
    let replay: ReplayBuffer
    let holdout: SampleSet
    let labels: LabelledPositions?
    let symmetries: [BoardSymmetry]
    var batch: MiniBatch
    var rng: Xoshiro256

    /// `training` holds the generations' samples to learn; `holdout` a later generation's, never learnt;
    /// `labels` the positions `measure()` counts mistakes on; `averagePositions` merges the samples of one
    /// position as the replay window does (`ReplayBuffer.averaged(_:)`), drawn by `logCountWeights` as there.
    public init(
        architecture: NetworkArchitecture, settings: TrainingConfiguration.OptimizationSettings,
        training: [(generation: Int, samples: SampleSet)], holdout: SampleSet, labels: LabelledPositions?,
        augmentation: [BoardSymmetry], averagePositions: Bool = false, logCountWeights: Bool = false,
        seed: UInt64
    ) {
        network = PolicyValueNetwork(architecture: architecture, seed: seed)
        optimizer = settings.makeOptimizer()
        self.settings = settings
        var replay = ReplayBuffer(
            window: Int.max / 2, averagePositions: averagePositions, logCountWeights: logCountWeights)
        replay.add(training)
        self.replay = replay
        self.holdout = holdout
        self.labels = labels
        symmetries = augmentation
        batch = MiniBatch(inputSize: Game.encodingShape.count, actionCount: Game.actionCount)
        rng = Xoshiro256(seed: seed ^ 0xF17)
    }

    /// The number of samples the network learns from.
    public var sampleCount: Int { replay.sampleCount }

    /// The number of samples training draws from: `sampleCount`, or its distinct positions when averaged.
    public var trainingSampleCount: Int { replay.trainingSampleCount }

    /// Takes `count` optimizer steps; the learning rate follows `settings.finalRateFactor`'s cosine over
    /// `totalSteps`. Returns the mean training losses of these steps.
    public mutating func train(steps count: Int, totalSteps: Int) throws -> TrainingLosses {
        var policy = 0.0, value = 0.0, l2 = 0.0
        for _ in 0..<count {
            optimizer.rateScale = Float(settings.budgetRateFactor(progress: Double(steps) / Double(totalSteps)))
            replay.fillBatch(&batch, count: settings.batchSize, symmetries: symmetries, using: &rng)
            let losses = try batch.train(network, optimizer: &optimizer)
            policy += Double(losses.policy); value += Double(losses.value); l2 += Double(losses.l2)
            steps += 1
        }
        let n = Double(max(1, count))
        return TrainingLosses(policy: Float(policy / n), value: Float(value / n), l2: Float(l2 / n))
    }

    /// The network's figures on the held-out generation and the solver-labelled positions.
    public func measure() -> FitMeasurement {
        FitMeasurement(
            holdout: SampleDiagnostics.losses(of: network, on: holdout, limit: 8192),
            constantValueLoss: SampleDiagnostics.constantValueLoss(on: holdout),
            mistakes: labels?.mistakeRates(of: network))
    }
}

/// A fitted network's losses on held-out samples and its mistake rates.
public struct FitMeasurement: Sendable {
    /// Losses on up to 8192 held-out samples drawn at random.
    public var holdout: TrainingLosses?
    /// The value loss of the best constant on the held-out generation.
    public var constantValueLoss: Double?
    /// The raw network's mistakes on the game's solver-labelled positions, if it has any.
    public var mistakes: MistakeRates?
}
