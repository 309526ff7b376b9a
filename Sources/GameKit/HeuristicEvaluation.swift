/// A game with a static estimate of unfinished positions, for searches that stop before the
/// game ends (`MinimaxPlayer` at its depth limit). Games without one are searched with 0 there.
public protocol HeuristicEvaluation: GameState {
    /// An estimate of this position (not terminal) for the side to move: positive favours it,
    /// 0 is even. Magnitudes stay below 1000, far from a search's scores of won positions.
    var heuristicValue: Float { get }
}
