import Foundation
import GameKit
import NeuralNet
import Solvers

/// Positions labelled with their game-theoretically best moves (by a solver), for the raw
/// network's mistake rate: a move is a mistake when it is not among the best.
public struct LabelledPositions: Sendable {
    public var inputs: ContiguousArray<Float> = []
    public var masks: ContiguousArray<Float> = []
    /// 1 for each best action of each position.
    public var bestMasks: ContiguousArray<Float> = []
    /// The tactical kind of each position (see `PositionKind`).
    public var kinds: [PositionKind] = []
    /// The test set each position comes from (empty for positions of no set).
    public var sets: [String] = []
    public var count = 0
    public let inputSize: Int
    public let actionCount: Int

    public init(inputSize: Int, actionCount: Int) {
        self.inputSize = inputSize
        self.actionCount = actionCount
    }

    /// Adds `state` with its best actions.
    public mutating func append<Game: GameState>(_ state: Game, bestActions: [Int], set: String = "") {
        kinds.append(PositionKind(of: state))
        sets.append(set)
        var input = [Float](repeating: 0, count: inputSize)
        input.withUnsafeMutableBufferPointer { state.encode(into: $0) }
        inputs.append(contentsOf: input)
        var mask = [Float](repeating: 0, count: actionCount)
        for action in state.legalActions { mask[action] = 1 }
        masks.append(contentsOf: mask)
        var best = [Float](repeating: 0, count: actionCount)
        for action in bestActions { best[action] = 1 }
        bestMasks.append(contentsOf: best)
        count += 1
    }

    /// The fraction of positions where the network's most probable move is not a best move:
    /// overall and per kind of position (`nil` for a kind with no positions).
    public func mistakeRates(of network: PolicyValueNetwork) -> MistakeRates {
        guard count > 0 else { return MistakeRates() }
        var policy = [Float](repeating: 0, count: count * actionCount)
        var values = [Float](repeating: 0, count: count)
        inputs.withUnsafeBufferPointer { input in
            masks.withUnsafeBufferPointer { mask in
                policy.withUnsafeMutableBufferPointer { p in
                    values.withUnsafeMutableBufferPointer {
                        network.predict(inputs: input, legalMask: mask, count: count, policy: p, values: $0)
                    }
                }
            }
        }
        var mistakes = [PositionKind: Int]()
        var positions = [PositionKind: Int]()
        var setMistakes = [String: Int]()
        var setPositions = [String: Int]()
        for position in 0..<count {
            let row = policy[(position * actionCount)..<((position + 1) * actionCount)]
            let choice = row.indices.max { row[$0] < row[$1] }! - position * actionCount
            let isMistake = bestMasks[position * actionCount + choice] == 0
            positions[kinds[position], default: 0] += 1
            if isMistake { mistakes[kinds[position], default: 0] += 1 }
            if !sets[position].isEmpty {
                setPositions[sets[position], default: 0] += 1
                if isMistake { setMistakes[sets[position], default: 0] += 1 }
            }
        }
        func rate(_ kind: PositionKind) -> Double? {
            positions[kind].map { Double(mistakes[kind] ?? 0) / Double($0) }
        }
        let bySet = setPositions.reduce(into: [String: Double]()) { rates, entry in
            rates[entry.key] = Double(setMistakes[entry.key] ?? 0) / Double(entry.value)
        }
        return MistakeRates(
            all: Double(mistakes.values.reduce(0, +)) / Double(count),
            immediateWin: rate(.immediateWin),
            threat: rate(.threat), quiet: rate(.quiet), bySet: bySet.isEmpty ? nil : bySet)
    }

    /// The overall mistake rate (see `mistakeRates(of:)`).
    public func mistakeRate(of network: PolicyValueNetwork) -> Double { mistakeRates(of: network).all }
}

/// A position's tactical kind, for mistake rates that do not mix easy and hard positions.
public enum PositionKind: String, Codable, Sendable, Hashable {
    /// The side to move can win at once.
    case immediateWin
    /// No immediate win, but some move lets the opponent win at once (a threat to meet).
    case threat
    /// Neither.
    case quiet

    public init<Game: GameState>(of state: Game) {
        var threatened = false
        for action in state.legalActions {
            var child = state
            child.apply(action)
            if let outcome = child.outcome {
                if outcome.value(for: state.currentPlayer) > 0 { self = .immediateWin; return }
                continue
            }
            if !threatened {
                for reply in child.legalActions {
                    var grandchild = child
                    grandchild.apply(reply)
                    if let outcome = grandchild.outcome, outcome.value(for: child.currentPlayer) > 0 {
                        threatened = true
                        break
                    }
                }
            }
        }
        self = threatened ? .threat : .quiet
    }
}

/// Mistake rates of a network's most probable move, overall and per kind of position.
public struct MistakeRates: Codable, Sendable, Hashable {
    public var all: Double = 0
    public var immediateWin: Double?
    public var threat: Double?
    public var quiet: Double?
    /// Per test set, where the positions come from named sets.
    public var bySet: [String: Double]?
}

/// Figures computed from a network on a set of samples.
enum SampleDiagnostics {
    /// Mean losses (in inference mode) on up to `limit` samples drawn at random (seeded), so that
    /// the figure covers every game length and generation of `samples`.
    static func losses(
        of network: PolicyValueNetwork, on samples: SampleSet, limit: Int = 2048,
        seed: UInt64 = 0x1055
    ) -> TrainingLosses? {
        let subset = samples.count > limit ? samples.randomSubset(limit, seed: seed) : samples
        let count = subset.count
        guard count > 0 else { return nil }
        return subset.inputs.withUnsafeBufferPointer { input in
            subset.masks.withUnsafeBufferPointer { mask in
                subset.policies.withUnsafeBufferPointer { policy in
                    subset.values.withUnsafeBufferPointer { value in
                        network.losses(
                            inputs: input, legalMask: mask, policyTargets: policy, valueTargets: value,
                            count: count)
                    }
                }
            }
        }
    }

    /// The value loss of the best constant prediction (the targets' mean) on `samples`: a value
    /// head that does not beat it has learnt nothing that carries over to these positions.
    static func constantValueLoss(on samples: SampleSet) -> Double? {
        guard samples.count > 0 else { return nil }
        let mean = samples.values.reduce(0.0) { $0 + Double($1) } / Double(samples.count)
        return samples.values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(samples.count)
    }

    /// Mean entropy (nats) of the network's policy on up to `limit` samples.
    static func policyEntropy(of network: PolicyValueNetwork, on samples: SampleSet, limit: Int = 2048) -> Double? {
        let count = min(samples.count, limit)
        guard count > 0 else { return nil }
        var policy = [Float](repeating: 0, count: count * samples.actionCount)
        var values = [Float](repeating: 0, count: count)
        samples.inputs.withUnsafeBufferPointer { input in
            samples.masks.withUnsafeBufferPointer { mask in
                policy.withUnsafeMutableBufferPointer { p in
                    values.withUnsafeMutableBufferPointer {
                        let inputs = UnsafeBufferPointer(rebasing: input[0..<(count * samples.inputSize)])
                        let masks = UnsafeBufferPointer(rebasing: mask[0..<(count * samples.actionCount)])
                        network.predict(inputs: inputs, legalMask: masks, count: count, policy: p, values: $0)
                    }
                }
            }
        }
        var total = 0.0
        for p in policy where p > 0 { total -= Double(p) * log(Double(p)) }
        return total / Double(count)
    }
}

extension LabelledPositions {
    /// The solver-labelled positions of a game that has a solver: its labelled test positions where it
    /// ships some, else its `diagnosticPositions` (about `count` drawn with `seed`); `nil` for other games.
    public static func solverLabelled<Game: GameState>(
        _ game: Game.Type, count: Int = 300, seed: UInt64 = 2026
    )
        -> LabelledPositions?
    {
        guard let solvable = game as? any SolvableGame.Type else { return nil }
        return labelled(solvable, count: count, seed: seed)
    }

    /// `game`'s diagnostic positions with their best moves, by a solver with a small table
    /// (the positions are quick to solve).
    private static func labelled<Game: SolvableGame>(_ game: Game.Type, count: Int, seed: UInt64) -> LabelledPositions {
        var labels = LabelledPositions(inputSize: Game.encodingShape.count, actionCount: Game.actionCount)
        let tests = Game.labelledTestPositions
        guard tests.isEmpty else {
            for (set, labelled) in tests {
                let mistakes = labelled.mistakes
                let best = labelled.state.legalActions.filter { !mistakes.contains($0) }
                labels.append(labelled.state, bestActions: best, set: set)
            }
            return labels
        }
        let solver = Game.makeSolver(tableSizeLog2: 20)
        for state in Game.diagnosticPositions(count: count, seed: seed) {
            let outcomes = solver.actionOutcomes(state)
            let best = outcomes.compactMap { $0 }.max()!
            labels.append(state, bestActions: outcomes.indices.filter { outcomes[$0] == best })
        }
        return labels
    }
}

extension GenerationMetrics {
    /// Stores the raw network's mistake rates (overall and by kind of position).
    mutating func recordMistakes(_ rates: MistakeRates?) {
        mistakeRate = rates?.all
        mistakeRateImmediateWin = rates?.immediateWin
        mistakeRateThreat = rates?.threat
        mistakeRateQuiet = rates?.quiet
        mistakeRateBySet = rates?.bySet
    }
}
