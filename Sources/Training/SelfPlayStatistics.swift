/// What one generation's self-play produced besides its samples: the figures the
/// loop-health diagnostics are made of.
public struct SelfPlayStatistics: Codable, Sendable, Hashable {
    public var games = 0
    public var moves = 0
    public var draws = 0
    public var samples = 0
    /// Root visits the searches added (proven roots stop early, so this can be below the nominal count).
    public var simulations = 0
    /// Recorded positions whose root the search had proven (MCTS-solver).
    public var provenRoots = 0
    /// Games whose move sequence no earlier game of the generation played.
    public var distinctGames = 0
    /// Mean entropy (nats) of the recorded visit distributions.
    public var rootPolicyEntropy: Double = 0
    /// Fraction of recorded positions that are distinct.
    public var distinctPositionFraction: Double = 0
    /// How often each action was the game's first move.
    public var firstMoves: [Int: Int] = [:]
    /// The position keys of the recorded samples and the move-sequence keys of the games (for
    /// merging workers' distinct counts).
    var positionKeys = Set<UInt64>()
    var gameKeys = Set<UInt64>()
    /// Leaves the network evaluated and leaves answered from the search's evaluation cache (not
    /// stored in shards).
    var evaluations = 0
    var cachedEvaluations = 0

    enum CodingKeys: String, CodingKey {
        case games, moves, draws, samples, simulations, provenRoots, distinctGames, rootPolicyEntropy,
            distinctPositionFraction, firstMoves
    }

    /// Combines the statistics of workers that played side by side.
    static func merged(_ parts: [SelfPlayStatistics]) -> SelfPlayStatistics {
        var total = SelfPlayStatistics()
        for part in parts {
            total.games += part.games
            total.moves += part.moves
            total.draws += part.draws
            total.samples += part.samples
            total.simulations += part.simulations
            total.provenRoots += part.provenRoots
            total.evaluations += part.evaluations
            total.cachedEvaluations += part.cachedEvaluations
            total.rootPolicyEntropy += part.rootPolicyEntropy * Double(part.samples)
            total.firstMoves.merge(part.firstMoves, uniquingKeysWith: +)
            total.positionKeys.formUnion(part.positionKeys)
            total.gameKeys.formUnion(part.gameKeys)
        }
        total.distinctGames = total.gameKeys.count
        if total.samples > 0 {
            total.rootPolicyEntropy /= Double(total.samples)
            total.distinctPositionFraction = Double(total.positionKeys.count) / Double(total.samples)
        }
        return total
    }

    /// Combines the statistics of shards read back from disk, which carry no position or game keys:
    /// distinct counts add up within each shard (repeats across shards are not seen).
    static func mergedFromShards(_ parts: [SelfPlayStatistics]) -> SelfPlayStatistics {
        var total = merged(parts)
        total.distinctGames = parts.reduce(0) { $0 + $1.distinctGames }
        let distinctPositions = parts.reduce(0.0) { $0 + $1.distinctPositionFraction * Double($1.samples) }
        total.distinctPositionFraction = total.samples > 0 ? distinctPositions / Double(total.samples) : 0
        return total
    }

    public var drawRate: Double { games > 0 ? Double(draws) / Double(games) : 0 }
    public var meanGameLength: Double { games > 0 ? Double(moves) / Double(games) : 0 }
    /// The fraction of games that repeated an earlier game's moves exactly.
    public var duplicateGameRate: Double { games > 0 ? 1 - Double(distinctGames) / Double(games) : 0 }
    public var provenRootFraction: Double { samples > 0 ? Double(provenRoots) / Double(samples) : 0 }
    /// The fraction of leaves answered from the evaluation cache, nil when none were counted.
    public var cachedEvaluationFraction: Double? {
        let leaves = evaluations + cachedEvaluations
        return leaves > 0 ? Double(cachedEvaluations) / Double(leaves) : nil
    }
}
