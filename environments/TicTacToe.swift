import GameKit

/// Tic-tac-toe on a 3×3 board. Cells are numbered 1–9 row by row from the top left;
/// action `i` is cell `i + 1`. Notation: the cells played, e.g. `"5137"`.
public struct TicTacToe: GameState {
    public static let name = "tictactoe"
    public static let actionCount = 9
    public static let encodingShape = EncodingShape(planes: 2, height: 3, width: 3)
    public static let symmetries = BoardSymmetry.dihedral(size: 3)
    public static let maxGameLength = 9

    /// Cells taken by each player, bit `i` for cell `i`.
    public private(set) var stones: (first: UInt16, second: UInt16) = (0, 0)
    public private(set) var moveCount = 0
    public private(set) var outcome: Outcome?

    public init() {}

    public static func == (a: TicTacToe, b: TicTacToe) -> Bool {
        a.stones == b.stones && a.moveCount == b.moveCount
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(stones.first)
        hasher.combine(stones.second)
    }

    @usableFromInline static let lines: [UInt16] = [
        0b000_000_111, 0b000_111_000, 0b111_000_000,
        0b001_001_001, 0b010_010_010, 0b100_100_100,
        0b100_010_001, 0b001_010_100,
    ]

    @inlinable public var currentPlayer: Player { moveCount & 1 == 0 ? .first : .second }
    @inlinable public var isTerminal: Bool { outcome != nil }

    public var legalActions: ActionSet {
        if outcome != nil { return ActionSet() }
        return ActionSet(low: UInt64(~(stones.first | stones.second) & 0x1FF))
    }

    public var positionKey: UInt64 { mix64(UInt64(stones.first) | UInt64(stones.second) << 16) }

    public mutating func apply(_ action: Int) {
        precondition(legalActions.contains(action), "illegal tic-tac-toe action \(action)")
        let bit = UInt16(1) << UInt16(action)
        let mover = currentPlayer
        var own: UInt16
        if mover == .first {
            stones.first |= bit
            own = stones.first
        } else {
            stones.second |= bit
            own = stones.second
        }
        moveCount += 1
        for line in Self.lines where own & line == line {
            outcome = .win(mover)
            return
        }
        if moveCount == 9 { outcome = .draw }
    }

    /// The stones of `player` as a 9-bit mask.
    @inlinable public func stones(of player: Player) -> UInt16 { player == .first ? stones.first : stones.second }

    public func encode(into buffer: UnsafeMutableBufferPointer<Float>) {
        let own = stones(of: currentPlayer)
        let other = stones(of: currentPlayer.opponent)
        for cell in 0..<9 {
            buffer[cell] = (own >> UInt16(cell)) & 1 != 0 ? 1 : 0
            buffer[9 + cell] = (other >> UInt16(cell)) & 1 != 0 ? 1 : 0
        }
    }

    public func transformed(by symmetry: BoardSymmetry) -> TicTacToe {
        var result = self
        result.stones = (Self.remap(stones.first, symmetry), Self.remap(stones.second, symmetry))
        return result
    }

    private static func remap(_ bits: UInt16, _ symmetry: BoardSymmetry) -> UInt16 {
        var mapped: UInt16 = 0
        for cell in 0..<9 where (bits >> UInt16(cell)) & 1 != 0 { mapped |= 1 << UInt16(symmetry.cellMap[cell]) }
        return mapped
    }

    public static func actionName(_ action: Int) -> String { String(action + 1) }

    public static func parseActions(_ notation: String) throws(NotationError) -> [(action: Int, offset: Int)] {
        var result: [(action: Int, offset: Int)] = []
        for (offset, character) in notation.enumerated() {
            guard let digit = character.wholeNumberValue, character.isASCII, (1...9).contains(digit) else {
                throw NotationError(offset: offset, "'\(character)' is not a cell; tic-tac-toe cells are 1-9")
            }
            result.append((digit - 1, offset))
        }
        return result
    }

    public var description: String {
        var lines: [String] = []
        for row in 0..<3 {
            var line = ""
            for column in 0..<3 {
                let cell = row * 3 + column
                let bit = UInt16(1) << UInt16(cell)
                line += stones.first & bit != 0 ? " X" : stones.second & bit != 0 ? " O" : " \(cell + 1)"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

extension TicTacToe {
    public static let aliases = ["ttt", "tic-tac-toe"]
    public static let notationHelp = "cells 1-9 row by row from the top left, e.g. 5137"

    /// Counts from OpenSpiel 2.0.2; depth 9 is every complete game.
    public static let perft = PerftFigures(
        benchmarkDepth: 9, knownCounts: [1, 9, 72, 504, 3024, 15120, 54720, 148_176, 200_448, 127_872])

    /// Sized so that a run on 2 cores learns within seconds. Sampling every move with
    /// temperature 1 keeps the games diverse enough that the network also learns the lines a
    /// perfect opponent may choose.
    public static let trainingDefaults: TrainingDefaults = [
        "network.body": "mlp", "network.hidden": [64, 64], "network.valueHidden": 32,
        "search.simulations": 64, "search.dirichletAlpha": 1.0, "search.dirichletFraction": 0.25,
        "search.leavesPerTree": 2,
        "selfPlay.games": 256, "selfPlay.concurrentGames": 256, "selfPlay.temperatureMoves": 9,
        "replay.windowGenerations": 4,
        "training.batchSize": 64, "training.steps": 300, "training.learningRate": 0.003,
        "evaluation.references": ["random", "mcts:rollouts=100", "perfect"],
        "evaluation.games": 20, "evaluation.simulations": 64,
        "budget.generations": 12,
    ]
}
