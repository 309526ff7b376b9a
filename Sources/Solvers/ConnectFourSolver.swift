import Environments
import GameKit

/// An exact Connect Four solver after Pascal Pons's: negamax with alpha-beta on the
/// `ConnectFour` bitboards, null-window searches driving a binary search on the score, a
/// transposition table of upper and lower bounds, moves ordered by the winning cells they
/// create (centre columns first among equals), and moves that lose at once pruned.
///
/// Scores follow the public benchmarks' convention, for the side to move: 0 for a draw,
/// 22 − n for a win completed with its n-th stone, −(22 − n) for a loss to the opponent's n-th
/// stone; so a position whose side to move can win at once scores (43 − moveCount) / 2.
///
/// The table is a flat preallocated array (8 bytes per entry) kept between calls: its entries
/// are exact bounds of fully keyed positions, so they stay valid for every later position.
/// A solver is not thread-safe; give each thread its own.
public final class ConnectFourSolver: GameSolver {
    private var search: Search

    /// A solver with a table of `2^tableSizeLog2` entries (the default takes 64 MiB).
    public init(tableSizeLog2: Int = 23) {
        precondition((4...32).contains(tableSizeLog2), "tableSizeLog2 must be in 4...32")
        search = Search(tableSizeLog2: tableSizeLog2)
    }

    deinit { search.table.deallocate() }

    /// The number of positions the searches have visited since the solver was made.
    public var nodeCount: Int { search.nodes }

    // MARK: Scores

    /// The score of `position` for the side to move.
    ///
    /// A finished game keeps the convention, so that a move's score is always minus the score
    /// of the position it leads to: 0 after a draw, and −(44 − moveCount) / 2 when the previous
    /// move won (the side to move lost to the opponent's last stone).
    public func score(_ position: ConnectFour) -> Int {
        if position.lastMoveWon { return -(44 - position.moveCount) / 2 }
        if position.moveCount == 42 { return 0 }
        return search.solve(position.current, position.mask, position.moveCount, weak: false)
    }

    /// The sign of `score(position)`: 1 if the side to move wins, 0 draw, -1 loss.
    /// Faster than `score`: it searches with windows around 0 only.
    public func outcome(_ position: ConnectFour) -> Int {
        if position.lastMoveWon { return -1 }
        if position.moveCount == 42 { return 0 }
        return search.solve(position.current, position.mask, position.moveCount, weak: true).signum()
    }

    /// Per column (0-based): the score for the side to move of playing there, `nil` if the
    /// column is full. `position` must not be terminal.
    public func columnScores(_ position: ConnectFour) -> [Int?] {
        childScores(position, weak: false)
    }

    /// Per column: the sign of `columnScores` (1 win, 0 draw, -1 loss), `nil` if full.
    /// Faster than `columnScores`: each column is searched with windows around 0 only.
    public func columnOutcomes(_ position: ConnectFour) -> [Int?] {
        childScores(position, weak: true)
    }

    private func childScores(_ position: ConnectFour, weak: Bool) -> [Int?] {
        precondition(!position.isTerminal, "column scores of a finished game")
        let current = position.current, mask = position.mask, moves = position.moveCount
        let ownWins = Search.winningCells(current, mask)
        return (0..<7).map { column in
            guard position.canPlay(column: column) else { return nil }
            let move = (mask &+ ConnectFour.bottomMask(column: column)) & ConnectFour.columnMask(column: column)
            if ownWins & move != 0 { return weak ? 1 : (43 - moves) / 2 }
            if moves + 1 == 42 { return 0 }
            let child = -search.solve(current ^ mask, mask | move, moves + 1, weak: weak)
            return weak ? child.signum() : child
        }
    }

    public func actionValues(_ state: ConnectFour) -> [Int?] { columnScores(state) }

    public func actionOutcomes(_ state: ConnectFour) -> [Int?] { columnOutcomes(state) }

    /// The columns whose value (win, draw or loss) is worse than the best column's.
    ///
    /// Cheaper than `columnOutcomes`: a search with windows around 0 finds the position's
    /// value, then one null-window search per column tells whether the column keeps it (none
    /// if the position is lost anyway). `position` must not be terminal.
    public func mistakes(in position: ConnectFour) -> ActionSet {
        precondition(!position.isTerminal, "mistakes in a finished game")
        let current = position.current, mask = position.mask, moves = position.moveCount
        let ownWins = Search.winningCells(current, mask)
        let best = ownWins & Search.playable(mask) != 0 ? 1 : outcome(position)
        var result = ActionSet()
        if best < 0 { return result }
        for column in 0..<7 where position.canPlay(column: column) {
            let move = (mask &+ ConnectFour.bottomMask(column: column)) & ConnectFour.columnMask(column: column)
            if ownWins & move != 0 { continue }
            if moves + 1 == 42 {
                if best > 0 { result.insert(column) }
                continue
            }
            // The column keeps the value if the opponent's score after it is at most -best.
            if !search.scoreIsAtMost(-best, current ^ mask, mask | move, moves + 1) { result.insert(column) }
        }
        return result
    }
}

/// The search state: the table and the node counter, in a struct so that the recursion runs
/// without the class's dynamic exclusivity checks.
private struct Search {
    /// Entry `key << 8 | bound`: `key` is `current + mask` (49 bits, unique per position),
    /// `bound` is `score + 64` for an upper bound or `score + 192` for a lower bound; 0 is empty.
    let table: UnsafeMutablePointer<UInt64>
    let indexShift: UInt64
    var nodes = 0

    init(tableSizeLog2: Int) {
        indexShift = UInt64(64 - tableSizeLog2)
        table = .allocate(capacity: 1 << tableSizeLog2)
        table.initialize(repeating: 0, count: 1 << tableSizeLog2)
    }

    /// The score of a non-terminal position (the side to move's stones, all stones, stone
    /// count), by null-window searches that halve the range of possible scores. With `weak`,
    /// only the sign of the result is meaningful.
    mutating func solve(_ current: UInt64, _ mask: UInt64, _ moves: Int, weak: Bool) -> Int {
        if Self.winningCells(current, mask) & Self.playable(mask) != 0 { return (43 - moves) / 2 }
        var low = weak ? -1 : -(42 - moves) / 2
        var high = weak ? 1 : (43 - moves) / 2
        while low < high {
            // Probe near 0 first (most positions are close games), then bisect.
            var probe = low + (high - low) / 2
            if probe <= 0 && low / 2 < probe {
                probe = low / 2
            } else if probe >= 0 && high / 2 > probe {
                probe = high / 2
            }
            let result = negamax(current, mask, moves, alpha: probe, beta: probe + 1)
            if result <= probe { high = result } else { low = result }
        }
        return low
    }

    /// Whether the score of a non-terminal position is at most `bound` (one null-window search).
    mutating func scoreIsAtMost(_ bound: Int, _ current: UInt64, _ mask: UInt64, _ moves: Int) -> Bool {
        if Self.winningCells(current, mask) & Self.playable(mask) != 0 { return (43 - moves) / 2 <= bound }
        return negamax(current, mask, moves, alpha: bound, beta: bound + 1) <= bound
    }

    /// Alpha-beta negamax of a position whose side to move cannot win at once: returns the
    /// exact score if it lies in (alpha, beta), an upper bound ≤ alpha if the score does not
    /// exceed alpha, a lower bound ≥ beta if the score reaches beta.
    private mutating func negamax(
        _ current: UInt64, _ mask: UInt64, _ moves: Int, alpha alphaIn: Int, beta betaIn: Int
    )
        -> Int
    {
        nodes &+= 1
        var alpha = alphaIn
        var beta = betaIn

        // Moves that do not lose at once: block a single threat, never play under one.
        let possible = Self.playable(mask)
        let opponentWins = Self.winningCells(current ^ mask, mask)
        var next = possible
        let forced = possible & opponentWins
        if forced != 0 {
            if forced & (forced &- 1) != 0 { return -(42 - moves) / 2 }  // two threats: lost
            next = forced
        }
        next &= ~(opponentWins >> 1)
        if next == 0 { return -(42 - moves) / 2 }
        if moves >= 40 { return 0 }  // neither side can complete a line in the last two moves

        let lowest = -(40 - moves) / 2  // the opponent cannot win on its next move
        if alpha < lowest {
            alpha = lowest
            if alpha >= beta { return alpha }
        }
        let highest = (41 - moves) / 2  // we cannot win on this move
        if beta > highest {
            beta = highest
            if alpha >= beta { return beta }
        }

        let key = current &+ mask
        let slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> indexShift)
        let entry = table[slot]
        if entry != 0 && entry >> 8 == key {
            let bound = Int(entry & 0xFF)
            if bound >= 128 {
                let lower = bound - 192
                if alpha < lower {
                    alpha = lower
                    if alpha >= beta { return alpha }
                }
            } else {
                let upper = bound - 64
                if beta > upper {
                    beta = upper
                    if alpha >= beta { return beta }
                }
            }
        }

        // Order: more winning cells created first, then centre columns first.
        // Lane j holds the move in `Self.columnOrder(j)`: its cell count * 8 + (7 - j), or -1.
        var order = SIMD8<Int16>(repeating: -1)
        for j in 0..<7 {
            let move = next & ConnectFour.columnMask(column: Self.columnOrder(j))
            if move != 0 {
                let threats = Self.winningCells(current | move, mask | move).nonzeroBitCount
                order[j] = Int16(threats * 8 + 7 - j)
            }
        }
        while true {
            let best = order.max()
            if best < 0 { break }
            let j = 7 - Int(best & 7)
            order[j] = -1
            let move = next & ConnectFour.columnMask(column: Self.columnOrder(j))
            let score = -negamax(current ^ mask, mask | move, moves + 1, alpha: -beta, beta: -alpha)
            if score >= beta {
                table[slot] = key << 8 | UInt64(score + 192)
                return score
            }
            if score > alpha { alpha = score }
        }
        table[slot] = key << 8 | UInt64(alpha + 64)
        return alpha
    }

    // MARK: Bitboards (bit 7 * column + row; see `ConnectFour`)

    /// The column searched `j`-th among equals: 3, 2, 4, 1, 5, 0, 6.
    @inline(__always) static func columnOrder(_ j: Int) -> Int {
        j & 1 == 1 ? 3 - (j + 1) / 2 : 3 + j / 2
    }

    /// The cells where a stone can be dropped now.
    @inline(__always) static func playable(_ mask: UInt64) -> UInt64 {
        (mask &+ ConnectFour.bottomMask) & ConnectFour.boardMask
    }

    /// The empty cells (playable now or not) that would complete four for `stones`.
    @inline(__always) static func winningCells(_ stones: UInt64, _ mask: UInt64) -> UInt64 {
        // Vertical: three below. Horizontal (7) and the two diagonals (6 and 8): three on one
        // side, or two on one side and one on the other.
        @inline(__always) func along(_ shift: UInt64) -> UInt64 {
            var pair = (stones << shift) & (stones << (2 * shift))
            var cells = pair & (stones << (3 * shift)) | pair & (stones >> shift)
            pair = (stones >> shift) & (stones >> (2 * shift))
            cells |= pair & (stones << shift) | pair & (stones >> (3 * shift))
            return cells
        }
        let cells = (stones << 1) & (stones << 2) & (stones << 3) | along(7) | along(6) | along(8)
        return cells & (ConnectFour.boardMask ^ mask)
    }
}

extension ConnectFour: SolvableGame {
    public static func makeSolver(tableSizeLog2: Int) -> ConnectFourSolver {
        ConnectFourSolver(tableSizeLog2: tableSizeLog2)
    }

    /// The first 200 positions of each public test set (Test_L1_R1 … Test_L3_R1; 53 of L1_R3), labelled
    /// in benchmarks/connect4/labels/, as AlphaZero.jl reports its agents' mistake rates on them.
    public static var labelledTestPositions: [(set: String, position: LabelledPosition<ConnectFour>)] {
        ConnectFourTestPositions.labelled.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            do {
                return (
                    String(fields[0]), try LabelledPosition(moves: String(fields[1]), scoreFields: Array(fields[2...]))
                )
            } catch {
                preconditionFailure("ConnectFourTestPositions.swift: \(error) (regenerate it)")
            }
        }
    }

    /// `count` positions from seeded random play, 16 to 30 moves in, where the solver takes milliseconds.
    public static func diagnosticPositions(count: Int, seed: UInt64) -> [ConnectFour] {
        var rng = Xoshiro256(seed: seed)
        var positions: [ConnectFour] = []
        while positions.count < count {
            var state = ConnectFour()
            let length = Int.random(in: 16...30, using: &rng)
            while !state.isTerminal && state.moveCount < length {
                state.apply(state.legalActions.randomElement(using: &rng))
            }
            if !state.isTerminal { positions.append(state) }
        }
        return positions
    }
}
