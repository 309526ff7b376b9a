import GameKit

/// The alignment heuristic of AlphaZero.jl's minimax baseline: every line of four cells free of
/// the opponent's stones is worth 0.01, 0.1 or 1 to a player holding 1, 2 or 3 of its cells;
/// the value is the side to move's total minus the opponent's.
extension ConnectFour: HeuristicEvaluation {
    /// The 69 lines of four cells, as bitboards.
    static let lines: [UInt64] = {
        var lines: [UInt64] = []
        // (column step, row step): vertical, horizontal and the two diagonals.
        for (dc, dr) in [(0, 1), (1, 0), (1, 1), (1, -1)] {
            for column in 0..<width {
                for row in 0..<height {
                    let cells = (0..<4).map { (column + $0 * dc, row + $0 * dr) }
                    let inside = cells.allSatisfy { (0..<width).contains($0.0) && (0..<height).contains($0.1) }
                    if inside { lines.append(cells.reduce(0) { $0 | 1 << UInt64(7 * $1.0 + $1.1) }) }
                }
            }
        }
        return lines
    }()

    public var heuristicValue: Float {
        let opponent = current ^ mask
        // In hundredths, summed exactly, so that equal positions in any order score equal.
        var total = 0
        for line in Self.lines {
            let own = (line & current).nonzeroBitCount, theirs = (line & opponent).nonzeroBitCount
            // A line both players have stones in is dead; an empty one counts for neither.
            if theirs == 0 {
                total += Self.alignmentHundredths(own)
            } else if own == 0 {
                total -= Self.alignmentHundredths(theirs)
            }
        }
        return Float(total) / 100
    }

    /// The worth, in hundredths, of a line free of the opponent's stones holding `stones` (0...3)
    /// of a player's.
    @inline(__always) private static func alignmentHundredths(_ stones: Int) -> Int {
        switch stones {
        case 1: 1
        case 2: 10
        case 3: 100
        default: 0
        }
    }
}
