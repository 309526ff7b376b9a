import Foundation

/// The result of one match between two named players, as stored in `matches.jsonl`.
public struct MatchRecord: Codable, Sendable, Hashable {
    public var generation: Int
    /// The kind of match: `gating`, `reference`, `ladder`, `trend` (the budget's final generation against the
    /// start of its last third), or `arena` (recorded by `selfplay arena --record`).
    public var kind: String
    public var playerA: String
    public var playerB: String
    /// A's wins, draws and losses.
    public var wins: Int
    public var draws: Int
    public var losses: Int
    /// A's results as the first player (the rest were as the second).
    public var winsAsFirst: Int
    public var drawsAsFirst: Int
    public var lossesAsFirst: Int

    public init(
        generation: Int, kind: String, playerA: String, playerB: String, wins: Int, draws: Int, losses: Int,
        winsAsFirst: Int = 0, drawsAsFirst: Int = 0, lossesAsFirst: Int = 0
    ) {
        self.generation = generation; self.kind = kind; self.playerA = playerA; self.playerB = playerB
        self.wins = wins; self.draws = draws; self.losses = losses
        self.winsAsFirst = winsAsFirst; self.drawsAsFirst = drawsAsFirst; self.lossesAsFirst = lossesAsFirst
    }

    public var games: Int { wins + draws + losses }
}

/// One player's fitted rating.
public struct PlayerRating: Codable, Sendable, Hashable {
    public var player: String
    public var elo: Double
    /// The 95% confidence interval.
    public var low: Double
    public var high: Double
    public var games: Int
    /// The score over all its games.
    public var score: Double
}

/// Elo ratings by maximum likelihood over all results (Bradley–Terry, draws as half a win
/// and half a loss), anchored at one player (rating 0), with 95% intervals from the inverse
/// Fisher information.
///
/// A weak prior keeps ratings finite when a player won or lost every game: each pair of
/// players that met is credited with `priorDraws` extra drawn games (BayesElo's approach).
public enum EloRating {
    static let scale = 400 / log(10.0)

    public static func fit(
        _ matches: [MatchRecord], anchor: String = "random", priorDraws: Double = 1
    ) -> [PlayerRating] {
        var names = Set<String>()
        for match in matches where match.games > 0 { names.insert(match.playerA); names.insert(match.playerB) }
        guard !names.isEmpty else { return [] }
        let anchorName = names.contains(anchor) ? anchor : names.sorted()[0]
        let players = [anchorName] + names.subtracting([anchorName]).sorted()
        let index = Dictionary(uniqueKeysWithValues: players.enumerated().map { ($1, $0) })
        let n = players.count

        // Pairwise totals: points[i][j] = points i scored against j (draws count half), games[i][j].
        var points = [Double](repeating: 0, count: n * n)
        var games = [Double](repeating: 0, count: n * n)
        var playedGames = [Int](repeating: 0, count: n)
        var scored = [Double](repeating: 0, count: n)
        for match in matches where match.games > 0 {
            let a = index[match.playerA]!, b = index[match.playerB]!
            guard a != b else { continue }
            let pointsA = Double(match.wins) + 0.5 * Double(match.draws)
            let pointsB = Double(match.losses) + 0.5 * Double(match.draws)
            points[a * n + b] += pointsA
            points[b * n + a] += pointsB
            games[a * n + b] += Double(match.games)
            games[b * n + a] += Double(match.games)
            playedGames[a] += match.games; playedGames[b] += match.games
            scored[a] += pointsA; scored[b] += pointsB
        }
        for i in 0..<n {
            for j in 0..<n where i != j && games[i * n + j] > 0 {
                points[i * n + j] += priorDraws / 2
                games[i * n + j] += priorDraws
            }
        }

        // Newton's method on the natural-scale strengths r (r[0] = 0 fixed).
        var r = [Double](repeating: 0, count: n)
        var hessian = [Double](repeating: 0, count: (n - 1) * (n - 1))
        for _ in 0..<100 {
            var gradient = [Double](repeating: 0, count: n - 1)
            for k in 0..<hessian.count { hessian[k] = 0 }
            for i in 0..<n {
                for j in 0..<n where i != j && games[i * n + j] > 0 {
                    let p = 1 / (1 + exp(r[j] - r[i]))
                    let g = games[i * n + j]
                    if i > 0 {
                        gradient[i - 1] += points[i * n + j] - g * p
                        hessian[(i - 1) * (n - 1) + (i - 1)] += g * p * (1 - p)
                        if j > 0 { hessian[(i - 1) * (n - 1) + (j - 1)] -= g * p * (1 - p) }
                    }
                }
            }
            guard n > 1, let step = solve(hessian, gradient, size: n - 1) else { break }
            var largest = 0.0
            for k in 0..<(n - 1) {
                let clipped = max(-2, min(2, step[k]))
                r[k + 1] += clipped
                largest = max(largest, abs(clipped))
            }
            if largest < 1e-9 { break }
        }
        let covariance = n > 1 ? invert(hessian, size: n - 1) : nil
        return players.enumerated().map { i, name in
            let elo = r[i] * scale
            var halfWidth = 0.0
            if i > 0, let covariance {
                halfWidth = 1.96 * scale * max(0, covariance[(i - 1) * (n - 1) + (i - 1)]).squareRoot()
            }
            if i > 0 && covariance == nil { halfWidth = .infinity }
            return PlayerRating(
                player: name, elo: elo, low: elo - halfWidth, high: elo + halfWidth, games: playedGames[i],
                score: playedGames[i] > 0 ? scored[i] / Double(playedGames[i]) : 0)
        }
    }

    /// Solves `matrix · x = vector` by Gaussian elimination with partial pivoting.
    static func solve(_ matrix: [Double], _ vector: [Double], size n: Int) -> [Double]? {
        var a = matrix
        var b = vector
        for column in 0..<n {
            var pivot = column
            for row in column..<n where abs(a[row * n + column]) > abs(a[pivot * n + column]) { pivot = row }
            guard abs(a[pivot * n + column]) > 1e-12 else { return nil }
            if pivot != column {
                for k in 0..<n { a.swapAt(pivot * n + k, column * n + k) }
                b.swapAt(pivot, column)
            }
            for row in (column + 1)..<n {
                let factor = a[row * n + column] / a[column * n + column]
                if factor == 0 { continue }
                for k in column..<n { a[row * n + k] -= factor * a[column * n + k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row * n + k] * x[k] }
            x[row] = sum / a[row * n + row]
        }
        return x
    }

    static func invert(_ matrix: [Double], size n: Int) -> [Double]? {
        var inverse = [Double](repeating: 0, count: n * n)
        for column in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[column] = 1
            guard let x = solve(matrix, unit, size: n) else { return nil }
            for row in 0..<n { inverse[row * n + column] = x[row] }
        }
        return inverse
    }

    /// A table for the terminal, best first.
    public static func table(_ ratings: [PlayerRating]) -> String {
        let width = max(8, ratings.map(\.player.count).max() ?? 0)
        let header = "player".padding(toLength: width, withPad: " ", startingAt: 0)
        var lines = ["\(header)      Elo        95% interval   games  score"]
        for rating in ratings.sorted(by: { $0.elo > $1.elo }) {
            let interval =
                rating.high.isFinite
                ? String(format: "[%6.0f, %6.0f]", rating.low, rating.high)
                : (rating.low == rating.high ? "        anchor " : "   unbounded   ")
            lines.append(
                rating.player.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(format: "  %7.0f  %@  %6d  %5.3f", rating.elo, interval, rating.games, rating.score))
        }
        return lines.joined(separator: "\n")
    }
}
