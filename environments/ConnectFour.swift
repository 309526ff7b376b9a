import GameKit

/// Connect Four on the standard 6-row, 7-column board, as bitboards.
///
/// Bit `7 * column + row` (row 0 at the bottom) holds a cell; each column has a spare top bit
/// so that shifts never wrap. Action `c` drops a stone in column `c + 1`.
/// Notation: the columns played, 1–7, e.g. `"4453"` (the public solver benchmarks' format).
public struct ConnectFour: GameState {
    public static let name = "connect4"
    public static let width = 7
    public static let height = 6
    public static let actionCount = 7
    public static let encodingShape = EncodingShape(planes: 2, height: 6, width: 7)
    public static let maxGameLength = 42
    public static let symmetries: [BoardSymmetry] = {
        let identityCells = Array(0..<42)
        let mirrorCells = (0..<42).map { ($0 / 7) * 7 + 6 - $0 % 7 }
        return [
            BoardSymmetry(name: "identity", cellMap: identityCells, actionMap: Array(0..<7)),
            BoardSymmetry(name: "mirror left-right", cellMap: mirrorCells, actionMap: (0..<7).map { 6 - $0 }),
        ]
    }()

    /// Stones of the side to move.
    public private(set) var current: UInt64 = 0
    /// All stones.
    public private(set) var mask: UInt64 = 0
    public private(set) var moveCount = 0
    /// Whether the previous move made four in a row.
    public private(set) var lastMoveWon = false

    public init() {}

    /// A position from its bitboards (`current`: the side to move's stones; `mask`: all stones).
    public init(current: UInt64, mask: UInt64, moveCount: Int, lastMoveWon: Bool) {
        self.current = current
        self.mask = mask
        self.moveCount = moveCount
        self.lastMoveWon = lastMoveWon
    }

    public static let bottomMask: UInt64 = (0..<7).reduce(0) { $0 | (1 << UInt64(7 * $1)) }
    public static let boardMask: UInt64 = bottomMask &* ((1 << 6) - 1)

    @inlinable public static func topMask(column: Int) -> UInt64 { (1 << 5) << UInt64(column * 7) }
    @inlinable public static func bottomMask(column: Int) -> UInt64 { 1 << UInt64(column * 7) }
    @inlinable public static func columnMask(column: Int) -> UInt64 { ((1 << 6) - 1) << UInt64(column * 7) }

    @inlinable public var currentPlayer: Player { moveCount & 1 == 0 ? .first : .second }
    @inlinable public var isTerminal: Bool { lastMoveWon || moveCount == 42 }

    public var outcome: Outcome? {
        if lastMoveWon { return .win(currentPlayer.opponent) }
        return moveCount == 42 ? .draw : nil
    }

    /// Whether column `column` (0-based) has room for a stone.
    @inlinable public func canPlay(column: Int) -> Bool { mask & Self.topMask(column: column) == 0 }

    @inlinable public var legalActions: ActionSet {
        if isTerminal { return ActionSet() }
        // The top cell of each column, shifted down to the column's first bit.
        let full = (mask & (Self.bottomMask << 5)) >> 5
        var set: UInt64 = 0
        for column in 0..<7 where full & Self.bottomMask(column: column) == 0 { set |= 1 << UInt64(column) }
        return ActionSet(low: set)
    }

    public var positionKey: UInt64 { mix64(current &+ mask &* 0x1_0000_0001) }

    /// Drops a stone of the side to move into `column`.
    public mutating func apply(_ action: Int) {
        precondition(
            action >= 0 && action < 7 && canPlay(column: action) && !isTerminal,
            "illegal Connect Four action \(action)")
        let move = (mask &+ Self.bottomMask(column: action)) & Self.columnMask(column: action)
        lastMoveWon = Self.hasFour(current | move)
        current ^= mask  // the opponent's stones become the side to move's
        mask |= move
        moveCount += 1
    }

    /// Whether `stones` contain four in a row in any direction.
    @inlinable public static func hasFour(_ stones: UInt64) -> Bool {
        // Horizontal (7), diagonals (8 and 6), vertical (1).
        @inline(__always) func line(_ shift: UInt64) -> Bool {
            let pairs = stones & (stones >> shift)
            return pairs & (pairs >> (2 * shift)) != 0
        }
        return line(7) || line(8) || line(6) || line(1)
    }

    /// The stones of `player`.
    @inlinable public func stones(of player: Player) -> UInt64 {
        player == currentPlayer ? current : current ^ mask
    }

    public func encode(into buffer: UnsafeMutableBufferPointer<Float>) {
        let other = current ^ mask
        for row in 0..<6 {
            for column in 0..<7 {
                let bit = UInt64(1) << UInt64(column * 7 + (5 - row))
                let cell = row * 7 + column
                buffer[cell] = current & bit != 0 ? 1 : 0
                buffer[42 + cell] = other & bit != 0 ? 1 : 0
            }
        }
    }

    public func transformed(by symmetry: BoardSymmetry) -> ConnectFour {
        func remap(_ bits: UInt64) -> UInt64 {
            var mapped: UInt64 = 0
            for row in 0..<6 {
                for column in 0..<7 where bits & (1 << UInt64(column * 7 + (5 - row))) != 0 {
                    let target = symmetry.cellMap[row * 7 + column]
                    mapped |= 1 << UInt64((target % 7) * 7 + (5 - target / 7))
                }
            }
            return mapped
        }
        return ConnectFour(current: remap(current), mask: remap(mask), moveCount: moveCount, lastMoveWon: lastMoveWon)
    }

    public static func actionName(_ action: Int) -> String { String(action + 1) }

    public static func parseActions(_ notation: String) throws(NotationError) -> [(action: Int, offset: Int)] {
        var result: [(action: Int, offset: Int)] = []
        result.reserveCapacity(notation.utf8.count)
        for (offset, character) in notation.enumerated() {
            guard character.isASCII, let digit = character.wholeNumberValue, (1...7).contains(digit) else {
                throw NotationError(offset: offset, "'\(character)' is not a column; Connect Four columns are 1-7")
            }
            result.append((digit - 1, offset))
        }
        return result
    }

    public var description: String {
        let first = stones(of: .first)
        let second = stones(of: .second)
        var lines: [String] = []
        for row in (0..<6).reversed() {
            var line = "|"
            for column in 0..<7 {
                let bit = UInt64(1) << UInt64(column * 7 + row)
                line += first & bit != 0 ? " X" : second & bit != 0 ? " O" : " ."
            }
            lines.append(line + " |")
        }
        lines.append("  1 2 3 4 5 6 7")
        return lines.joined(separator: "\n")
    }
}

extension ConnectFour {
    public static let aliases = ["c4", "connectfour", "connect-four"]
    public static let notationHelp = "columns 1-7 from the left, e.g. 4453"

    /// Counts from OpenSpiel 2.0.2.
    public static let perft = PerftFigures(
        benchmarkDepth: 8, knownCounts: [1, 7, 49, 343, 2401, 16807, 117_649, 823_536, 5_673_234])

    /// Sized so that a run on 2 cores shows learning within an hour.
    ///
    /// An MLP: on 2 cores it evaluates ~19x more positions per second than a 2x32 residual net
    /// (bench nn), and in a one-hour budget more games beat a better-shaped network.
    /// AlphaZero.jl's temperature schedule: τ = 1 for 20 moves, then down to 0.3 by move 30;
    /// never 0, so that games stay distinct and the value head sees varied positions.
    /// Every 4th generation plays 40 games against each reference and against the generations
    /// 4, 8 and 16 back; stronger rollout players join as the agent passes the strongest so far,
    /// so the curve neither saturates nor hides progress in its noise.
    public static let trainingDefaults: TrainingDefaults = [
        "network.body": "mlp", "network.hidden": [256, 256], "network.valueHidden": 64,
        "search.simulations": 128, "search.dirichletAlpha": 1.0, "search.dirichletFraction": 0.25,
        "search.leavesPerTree": 2,
        "selfPlay.games": 512, "selfPlay.concurrentGames": 256,
        "selfPlay.temperatureMoves": 20, "selfPlay.temperatureDecayMoves": 10, "selfPlay.finalTemperature": 0.3,
        // Samples of one position merged into their mean (benchmarks/README.md, "position averaging": 4 seeds).
        "replay.windowGenerations": 8, "replay.averagePositions": true,
        "training.batchSize": 256, "training.steps": 400, "training.learningRate": 0.002,
        "evaluation.references": ["random", "mcts:rollouts=100", "mcts:rollouts=1000"],
        "evaluation.strongerReferences": ["mcts:rollouts=4000", "mcts:rollouts=16000"],
        "evaluation.games": 40, "evaluation.simulations": 128, "evaluation.openingMoves": 2,
        "evaluation.everyGenerations": 4, "evaluation.maxTimeShare": 0.1, "evaluation.ladderOpponents": 3,
        "evaluation.ladderGames": 40, "evaluation.finalTrendGames": 400,
        "budget.generations": 0, "budget.wallSeconds": 3600,
        // Self-play with the MLP for a third of the budget, then a residual network fitted on its games
        // (benchmarks/README.md, "growing at a third or at 70% of the budget": 3 seeds).
        "growth.atProgress": 0.33, "growth.network.body": "resnet", "growth.network.blocks": 4,
        "growth.network.filters": 48, "growth.network.valueHidden": 64,
    ]
}
