import GameKit

/// Othello (Reversi) on an 8×8 board, as bitboards.
///
/// Bit `8 * row + column` holds a cell, row 0 being rank 1 (the top) and column 0 file `a`.
/// Actions 0–63 place a disc on that cell; action 64 is `pass`, legal only when the side
/// to move has no placement. The game ends at once when neither side can place a disc
/// (OpenSpiel's convention). Black moves first. Notation: moves like `f5d6c3`, plus `pass`.
public struct Othello: GameState {
    public static let name = "othello"
    public static let passAction = 64
    public static let actionCount = 65
    public static let encodingShape = EncodingShape(planes: 2, height: 8, width: 8)
    public static let symmetries = BoardSymmetry.dihedral(size: 8, extraActions: 1)
    public static let maxGameLength = 128

    /// Discs of the side to move.
    public private(set) var own: UInt64 = 0x0000_0008_1000_0000  // d5 and e4: black
    /// Discs of the other side.
    public private(set) var other: UInt64 = 0x0000_0010_0800_0000  // d4 and e5: white
    public private(set) var currentPlayer = Player.first
    public private(set) var moveCount = 0
    public private(set) var isTerminal = false
    /// The cells where the side to move may place a disc (kept up to date by `apply`).
    public private(set) var placements: UInt64 = 0x0000_1020_0408_0000  // d3, c4, f5, e6

    public init() {}

    /// A position from its bitboards; `isTerminal` is derived.
    public init(own: UInt64, other: UInt64, currentPlayer: Player, moveCount: Int) {
        precondition(own & other == 0, "a cell holds two discs")
        self.own = own
        self.other = other
        self.currentPlayer = currentPlayer
        self.moveCount = moveCount
        placements = Self.placements(own: own, other: other)
        isTerminal = placements == 0 && Self.placements(own: other, other: own) == 0
    }

    /// The discs of `player`.
    @inlinable public func discs(of player: Player) -> UInt64 { player == currentPlayer ? own : other }

    public var outcome: Outcome? {
        guard isTerminal else { return nil }
        let ownCount = own.nonzeroBitCount
        let otherCount = other.nonzeroBitCount
        if ownCount == otherCount { return .draw }
        return .win(ownCount > otherCount ? currentPlayer : currentPlayer.opponent)
    }

    @usableFromInline static let notFileA: UInt64 = 0xFEFE_FEFE_FEFE_FEFE
    @usableFromInline static let notFileH: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// `bits` moved one step in direction `direction` (0–7), dropping what leaves the board.
    @inlinable @inline(__always)
    static func shift(_ bits: UInt64, _ direction: Int) -> UInt64 {
        switch direction {
        case 0: return (bits << 1) & notFileA  // east
        case 1: return (bits >> 1) & notFileH  // west
        case 2: return bits << 8  // south
        case 3: return bits >> 8  // north
        case 4: return (bits << 9) & notFileA  // south-east
        case 5: return (bits << 7) & notFileH  // south-west
        case 6: return (bits >> 7) & notFileA  // north-east
        default: return (bits >> 9) & notFileH  // north-west
        }
    }

    /// The cells where `own` may place a disc.
    @inlinable public static func placements(own: UInt64, other: UInt64) -> UInt64 {
        let empty = ~(own | other)
        var moves: UInt64 = 0
        for direction in 0..<8 {
            var run = shift(own, direction) & other
            run |= shift(run, direction) & other
            run |= shift(run, direction) & other
            run |= shift(run, direction) & other
            run |= shift(run, direction) & other
            run |= shift(run, direction) & other
            moves |= shift(run, direction) & empty
        }
        return moves
    }

    /// The discs flipped when `own` places on `cell`.
    @inlinable public static func flips(own: UInt64, other: UInt64, cell: Int) -> UInt64 {
        let move = UInt64(1) << UInt64(cell)
        var flipped: UInt64 = 0
        for direction in 0..<8 {
            var line: UInt64 = 0
            var probe = shift(move, direction)
            while probe & other != 0 {
                line |= probe
                probe = shift(probe, direction)
            }
            if probe & own != 0 { flipped |= line }
        }
        return flipped
    }

    @inlinable public var legalActions: ActionSet {
        if isTerminal { return ActionSet() }
        return placements == 0 ? ActionSet(low: 0, high: 1) : ActionSet(low: placements)
    }

    public var positionKey: UInt64 {
        mix64(own ^ mix64(other) ^ (currentPlayer == .first ? 0 : 0x5555_5555_5555_5555))
    }

    public mutating func apply(_ action: Int) {
        precondition(!isTerminal, "move after the end of the game")
        if action == Self.passAction {
            precondition(placements == 0, "pass while a placement is legal")
        } else {
            precondition(
                action >= 0 && action < 64 && placements & (1 << UInt64(action)) != 0,
                "illegal Othello action \(action)")
            let flipped = Self.flips(own: own, other: other, cell: action)
            own |= flipped | (1 << UInt64(action))
            other &= ~flipped
        }
        swap(&own, &other)
        currentPlayer = currentPlayer.opponent
        moveCount += 1
        placements = Self.placements(own: own, other: other)
        isTerminal = placements == 0 && Self.placements(own: other, other: own) == 0
    }

    public func encode(into buffer: UnsafeMutableBufferPointer<Float>) {
        for cell in 0..<64 {
            let bit = UInt64(1) << UInt64(cell)
            buffer[cell] = own & bit != 0 ? 1 : 0
            buffer[64 + cell] = other & bit != 0 ? 1 : 0
        }
    }

    public func transformed(by symmetry: BoardSymmetry) -> Othello {
        func remap(_ bits: UInt64) -> UInt64 {
            var mapped: UInt64 = 0
            var rest = bits
            while rest != 0 {
                mapped |= 1 << UInt64(symmetry.cellMap[rest.trailingZeroBitCount])
                rest &= rest &- 1
            }
            return mapped
        }
        return Othello(own: remap(own), other: remap(other), currentPlayer: currentPlayer, moveCount: moveCount)
    }

    public static func actionName(_ action: Int) -> String {
        if action == passAction { return "pass" }
        let file = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(action % 8)))
        return "\(file)\(action / 8 + 1)"
    }

    public static func parseActions(_ notation: String) throws(NotationError) -> [(action: Int, offset: Int)] {
        let characters = Array(notation.lowercased())
        var result: [(action: Int, offset: Int)] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "," { index += 1; continue }
            if character == "p" {
                guard index + 4 <= characters.count, String(characters[index..<index + 4]) == "pass" else {
                    throw NotationError(offset: index, "expected 'pass'")
                }
                result.append((passAction, index))
                index += 4
                continue
            }
            guard let file = character.asciiValue, (UInt8(ascii: "a")...UInt8(ascii: "h")).contains(file) else {
                throw NotationError(offset: index, "'\(character)' is not a file a-h or 'pass'")
            }
            guard index + 1 < characters.count, let rank = characters[index + 1].wholeNumberValue,
                characters[index + 1].isASCII, (1...8).contains(rank)
            else {
                throw NotationError(offset: index + 1, "a move needs a rank 1-8 after its file")
            }
            result.append(((rank - 1) * 8 + Int(file - UInt8(ascii: "a")), index))
            index += 2
        }
        return result
    }

    public var description: String {
        let black = discs(of: .first)
        let white = discs(of: .second)
        let legal = isTerminal ? 0 : placements
        var lines = ["  a b c d e f g h"]
        for row in 0..<8 {
            var line = "\(row + 1)"
            for column in 0..<8 {
                let bit = UInt64(1) << UInt64(row * 8 + column)
                line += black & bit != 0 ? " X" : white & bit != 0 ? " O" : legal & bit != 0 ? " *" : " ."
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

extension Othello {
    public static let aliases = ["reversi"]
    public static let notationHelp = "squares like f5 (files a-h, ranks 1-8) or pass, e.g. f5d6c3"

    /// Counts from OpenSpiel 2.0.2.
    public static let perft = PerftFigures(
        benchmarkDepth: 8, knownCounts: [1, 4, 12, 56, 244, 1396, 8200, 55092, 390_216])

    /// Sized so that a run on 2 cores shows learning within an hour.
    public static let trainingDefaults: TrainingDefaults = [
        "network.body": "resnet", "network.blocks": 3, "network.filters": 32, "network.valueHidden": 32,
        "search.simulations": 64, "search.dirichletAlpha": 0.3, "search.dirichletFraction": 0.25,
        "search.leavesPerTree": 2,
        "selfPlay.games": 128, "selfPlay.concurrentGames": 128,
        "selfPlay.temperatureMoves": 20, "selfPlay.temperatureDecayMoves": 20, "selfPlay.finalTemperature": 0.3,
        "training.batchSize": 128, "training.steps": 300,
        "evaluation.references": ["random", "mcts:rollouts=100"],
        "evaluation.strongerReferences": ["mcts:rollouts=400", "mcts:rollouts=1600"],
        "evaluation.games": 20, "evaluation.simulations": 64, "evaluation.openingMoves": 2,
        "evaluation.ladderOpponents": 2, "evaluation.ladderGames": 20, "evaluation.finalTrendGames": 200,
        "budget.generations": 0, "budget.wallSeconds": 3600,
    ]
}
