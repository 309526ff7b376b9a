import Foundation
import GameKit
import Testing
import Training

@Suite struct EloTests {
    /// Simulated players of known strength: the fit recovers their differences within the
    /// stated intervals about 95% of the time.
    @Test func recoversKnownStrengths() {
        let truth: [String: Double] = ["random": 0, "a": 150, "b": 300, "c": 420, "d": 600]
        let names = truth.keys.sorted()
        var rng = Xoshiro256(seed: 0xE10)
        var covered = 0
        var checked = 0
        for _ in 0..<40 {
            var matches: [MatchRecord] = []
            for (i, a) in names.enumerated() {
                for b in names[(i + 1)...] {
                    let expected = 1 / (1 + pow(10, (truth[b]! - truth[a]!) / 400))
                    // Draws are likelier between close players; wins make up the rest of A's expected score.
                    let drawChance = 0.4 * min(expected, 1 - expected)
                    let winChance = expected - drawChance / 2
                    var wins = 0, draws = 0, losses = 0
                    for _ in 0..<200 {
                        let u = rng.nextUnitDouble()
                        if u < winChance {
                            wins += 1
                        } else if u < winChance + drawChance {
                            draws += 1
                        } else {
                            losses += 1
                        }
                    }
                    matches.append(
                        MatchRecord(
                            generation: 0, kind: "test", playerA: a, playerB: b, wins: wins, draws: draws,
                            losses: losses))
                }
            }
            let ratings = EloRating.fit(matches, anchor: "random", priorDraws: 0.1)
            #expect(ratings.first { $0.player == "random" }!.elo == 0)
            for rating in ratings where rating.player != "random" {
                checked += 1
                if rating.low <= truth[rating.player]! && truth[rating.player]! <= rating.high { covered += 1 }
                #expect(abs(rating.elo - truth[rating.player]!) < 150, "\(rating)")
            }
        }
        let coverage = Double(covered) / Double(checked)
        #expect(coverage > 0.88 && coverage < 0.99, "coverage \(coverage)")
    }

    @Test func perfectRecordsStayFinite() {
        let matches = [
            MatchRecord(
                generation: 1, kind: "reference", playerA: "gen1", playerB: "random", wins: 20, draws: 0, losses: 0),
            MatchRecord(
                generation: 2, kind: "reference", playerA: "gen2", playerB: "gen1", wins: 15, draws: 5, losses: 0),
        ]
        let ratings = EloRating.fit(matches)
        for rating in ratings {
            #expect(rating.elo.isFinite && rating.low.isFinite && rating.high.isFinite)
        }
        let elo = Dictionary(uniqueKeysWithValues: ratings.map { ($0.player, $0.elo) })
        #expect(elo["gen2"]! > elo["gen1"]! && elo["gen1"]! > 0)
        let rows = EloRating.table(ratings).split(separator: "\n")
        #expect(rows.count == 4 && rows[0].hasPrefix("player"))
        let order = rows.dropFirst().map { $0.split(separator: " ")[0] }
        #expect(order == ["gen2", "gen1", "random"], "best first: \(rows)")
    }

    /// A match's Elo interval covers the true difference at least about 95% of the time (more with
    /// draws, whose scores vary less than the interval assumes), and a match lost
    /// in every game gets an interval below the estimate's clamp rather than a single point.
    @Test func matchIntervalsCoverAndNeverCollapse() {
        var rng = Xoshiro256(seed: 0xE11)
        for (winRate, drawRate) in [(0.5, 0.0), (0.8, 0.0), (0.6, 0.3), (0.95, 0.0)] {
            let truth = MatchResult.elo(winRate + drawRate / 2)
            var covered = 0
            let trials = 2000
            for _ in 0..<trials {
                var result = MatchResult()
                for _ in 0..<100 {
                    let u = rng.nextUnitDouble()
                    let outcome: Outcome = u < winRate ? .win(.first) : u < winRate + drawRate ? .draw : .win(.second)
                    result.record(outcome, aMovedFirst: true)
                }
                let (_, low, high) = result.eloDifference
                if low <= truth && truth <= high { covered += 1 }
            }
            let coverage = Double(covered) / Double(trials)
            #expect(coverage > 0.93 && coverage < 0.995, "win \(winRate), draw \(drawRate): coverage \(coverage)")
        }
        var lost = MatchResult()
        lost.asFirst = .init(losses: 20)
        lost.asSecond = .init(losses: 20)
        let (estimate, low, high) = lost.eloDifference
        #expect(low < estimate && estimate < high && high < -300, "\(lost)")
    }
}
