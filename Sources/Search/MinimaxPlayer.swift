import GameKit

/// Depth-limited alpha-beta negamax, the reference baseline of AlphaZero.jl's results (its
/// `MinMax` player, depth 5).
///
/// Searches `depth` plies; an unfinished position at the limit scores the game's
/// `HeuristicEvaluation` (0 for a game without one: a purely tactical search). A won position
/// scores `winScore` minus its move count, so the search prefers faster wins and slower losses.
/// Among equally scored moves the player picks uniformly at random with its seeded generator.
public final class MinimaxPlayer<Game: GameState>: GamePlayer {
    /// The score of a position whose side to move has won at move 0 (wins later score less).
    public static var winScore: Float { 1_000_000 }

    public let name: String
    /// The number of plies searched from the position to move in.
    public let depth: Int
    private let evaluate: (Game) -> Float
    private var rng: Xoshiro256

    /// A player searching `depth` plies (at least 1), scoring the leaves with `evaluate`
    /// (the side to move's view; magnitudes below 1000).
    public init(depth: Int, seed: UInt64, evaluate: @escaping (Game) -> Float) {
        precondition(depth >= 1, "minimax depth must be at least 1")
        self.depth = depth
        self.evaluate = evaluate
        name = "minimax:depth=\(depth)"
        rng = Xoshiro256(seed: seed)
    }

    /// A player scoring the leaves with the game's heuristic, if it has one, else 0.
    public convenience init(depth: Int, seed: UInt64) {
        self.init(depth: depth, seed: seed, evaluate: Self.gameHeuristic)
    }

    /// `Game`'s `HeuristicEvaluation`, or 0 everywhere for a game without one.
    public static var gameHeuristic: (Game) -> Float {
        guard let type = Game.self as? any HeuristicEvaluation.Type else { return { _ in 0 } }
        func heuristic<H: HeuristicEvaluation>(_: H.Type) -> (Game) -> Float { { ($0 as! H).heuristicValue } }
        return heuristic(type)
    }

    public func chooseAction(in state: Game) -> Int {
        bestActions(in: state).randomElement(using: &rng)!
    }

    /// The legal actions of `state` (not terminal) with the best score, in increasing order.
    public func bestActions(in state: Game) -> [Int] {
        precondition(!state.isTerminal, "minimax asked to move in a finished game")
        var best: [Int] = []
        var bestScore = -Float.infinity
        for action in state.legalActions {
            var child = state
            child.apply(action)
            // A window just below the best so far: ties come back exact, worse moves as bounds.
            let score = -negamax(child, depth: depth - 1, alpha: -.infinity, beta: -bestScore.nextDown)
            if score > bestScore {
                bestScore = score
                best = [action]
            } else if score == bestScore {
                best.append(action)
            }
        }
        return best
    }

    /// The score of `state` for its side to move, searched `depth` more plies: exact if it lies in
    /// (alpha, beta), else a bound on the side of the window it falls.
    private func negamax(_ state: Game, depth: Int, alpha alphaIn: Float, beta: Float) -> Float {
        if let outcome = state.outcome {
            let won = Self.winScore - Float(state.moveCount)
            return outcome.value(for: state.currentPlayer) * won
        }
        if depth == 0 { return evaluate(state) }
        var alpha = alphaIn
        var best = -Float.infinity
        for action in state.legalActions {
            var child = state
            child.apply(action)
            let score = -negamax(child, depth: depth - 1, alpha: -beta, beta: -alpha)
            if score > best {
                best = score
                if score > alpha {
                    alpha = score
                    if alpha >= beta { break }
                }
            }
        }
        return best
    }
}
