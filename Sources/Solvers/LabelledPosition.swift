import GameKit

/// A position with a solver's score of every action, one line of a label file: the moves from
/// the start, then per action index the score for the side to move of playing it, or `-` where
/// the action is illegal. Scores follow `GameSolver.actionValues`; a label may give the outcome
/// alone, `W`, `D` or `L` (`GameSolver.actionOutcomes`), which is all a mistake count needs.
public struct LabelledPosition<Game: GameState>: Sendable {
    /// The moves from the start position, in the game's notation.
    public let moves: String
    /// The position after `moves`: not terminal.
    public let state: Game
    /// Per action index: its score (1, 0 or -1 where the label gives the outcome alone), `nil` where the
    /// action is illegal.
    public let scores: [Int?]

    /// Reads `moves` and one score field per action index (`Game.actionCount` of them).
    /// Throws a description of what is wrong: bad moves, a finished game, a field that is not an
    /// integer, `W`, `D`, `L` or `-`, a `-` on a legal action or a score on an illegal one.
    public init(moves: String, scoreFields: [Substring]) throws(LabelError) {
        do { state = try Game(notation: moves) } catch { throw LabelError("bad position '\(moves)' \(error)") }
        if let outcome = state.outcome { throw LabelError("'\(moves)': the game is already over (\(outcome))") }
        guard scoreFields.count == Game.actionCount else {
            throw LabelError("expected \(Game.actionCount) scores, found \(scoreFields.count)")
        }
        let legal = state.legalActions
        var scores: [Int?] = []
        for (action, field) in scoreFields.enumerated() {
            let name = Game.actionName(action)
            if field == "-" {
                guard !legal.contains(action) else {
                    throw LabelError("'\(moves)': action \(name) is legal but has no score")
                }
                scores.append(nil)
            } else {
                let outcome: Int? =
                    switch field {
                    case "W": 1
                    case "D": 0
                    case "L": -1
                    default: nil
                    }
                guard let score = Int(field) ?? outcome else {
                    throw LabelError("'\(field)' is neither a score, W, D, L nor '-'")
                }
                guard legal.contains(action) else { throw LabelError("'\(moves)': illegal action \(name) has a score") }
                scores.append(score)
            }
        }
        self.moves = moves
        self.scores = scores
    }

    /// The legal actions whose value (win, draw or loss) is worse than the best action's.
    public var mistakes: ActionSet {
        let best = scores.compactMap { $0?.signum() }.max() ?? 0
        var result = ActionSet()
        for (action, score) in scores.enumerated() where score.map({ $0.signum() < best }) == true {
            result.insert(action)
        }
        return result
    }
}

/// A malformed label line.
public struct LabelError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
