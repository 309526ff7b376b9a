import Foundation
import GameKit

/// Wins, draws and losses of one player against another, split by colour.
public struct MatchResult: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Results of player A when moving first, and when moving second.
    public var asFirst = Tally()
    public var asSecond = Tally()

    public struct Tally: Codable, Sendable, Hashable {
        public var wins = 0, draws = 0, losses = 0
        public var games: Int { wins + draws + losses }
        public init(wins: Int = 0, draws: Int = 0, losses: Int = 0) {
            self.wins = wins; self.draws = draws; self.losses = losses
        }
    }

    public init(asFirst: Tally = Tally(), asSecond: Tally = Tally()) {
        self.asFirst = asFirst; self.asSecond = asSecond
    }

    public var total: Tally {
        Tally(
            wins: asFirst.wins + asSecond.wins, draws: asFirst.draws + asSecond.draws,
            losses: asFirst.losses + asSecond.losses)
    }

    /// Player A's score: (wins + draws / 2) / games.
    public var score: Double {
        let t = total
        return t.games > 0 ? (Double(t.wins) + 0.5 * Double(t.draws)) / Double(t.games) : 0.5
    }

    /// The Elo difference (A − B) implied by the score, with the score's 95% Wilson interval
    /// (draws count half) turned into Elo, so that a match won or lost in every game still gets
    /// an interval rather than a point. The estimate clamps scores of 0 or 1 by half a game.
    public var eloDifference: (estimate: Double, low: Double, high: Double) {
        let n = total.games
        let clamped = min(max(score, 0.5 / Double(max(n, 1))), 1 - 0.5 / Double(max(n, 1)))
        let (low, high) = wilsonInterval(proportion: score, trials: n)
        return (Self.elo(clamped), Self.elo(low), Self.elo(high))
    }

    /// The Elo difference at which the expected score is `p` (±2400 at the ends).
    public static func elo(_ p: Double) -> Double {
        let value = -400 * log10(1 / min(max(p, 1e-6), 1 - 1e-6) - 1)
        return value == 0 ? 0 : value  // no "-0"
    }

    /// Counts one game from player A's view.
    public mutating func record(_ outcome: Outcome, aMovedFirst: Bool) {
        let value = outcome.value(for: aMovedFirst ? .first : .second)
        if aMovedFirst {
            if value > 0 { asFirst.wins += 1 } else if value < 0 { asFirst.losses += 1 } else { asFirst.draws += 1 }
        } else {
            if value > 0 { asSecond.wins += 1 } else if value < 0 { asSecond.losses += 1 } else { asSecond.draws += 1 }
        }
    }

    public var description: String {
        let t = total
        let (elo, low, high) = eloDifference
        return String(
            format: "+%d =%d -%d  score %.3f  Elo %+.0f [%+.0f, %+.0f]", t.wins, t.draws, t.losses, score, elo, low,
            high)
    }
}

extension MatchRecord {
    /// The record of `result`, a match of `kind` between `playerA` and `playerB` at `generation`.
    public init(_ result: MatchResult, generation: Int, kind: String, playerA: String, playerB: String) {
        let total = result.total
        self.init(
            generation: generation, kind: kind, playerA: playerA, playerB: playerB, wins: total.wins,
            draws: total.draws, losses: total.losses, winsAsFirst: result.asFirst.wins,
            drawsAsFirst: result.asFirst.draws, lossesAsFirst: result.asFirst.losses)
    }
}
