/// A game's perft figures (see `perft(_:depth:)`): what a benchmark counts, and what is known.
public struct PerftFigures: Sendable {
    /// The depth a benchmark counts by default: a measurable time, yet seconds at most.
    public var benchmarkDepth: Int
    /// Counts from the start position computed by another implementation, indexed by depth
    /// (the first is 1, for depth 0); empty when none are known.
    public var knownCounts: [Int]

    public init(benchmarkDepth: Int, knownCounts: [Int] = []) {
        self.benchmarkDepth = benchmarkDepth
        self.knownCounts = knownCounts
    }
}
