import GameKit

/// The board size of a Hex variant (see `HexGame`).
public protocol HexBoardSize: Sendable {
    /// The number of rows and of columns (at most 11, so that a board fits in 128 bits).
    static var side: Int { get }
    /// The command-line name of the variant.
    static var name: String { get }
    /// The symmetries of the board: `HexGame.makeSymmetries()`, stored once per size.
    static var symmetries: [BoardSymmetry] { get }
    /// The board's edge masks: `HexMasks(side:)`, stored once per size.
    static var masks: HexMasks { get }
    /// Other command-line names of the variant.
    static var aliases: [String] { get }
    /// Perft counts from OpenSpiel 2.0.2 and the benchmark depth.
    static var perft: PerftFigures { get }
    /// The variant's training settings (see `GameDescription`).
    static var trainingDefaults: TrainingDefaults { get }
    /// Whether the second player's first move may be `swap` (the pie rule); false by default.
    static var swapRule: Bool { get }
}

extension HexBoardSize {
    public static var swapRule: Bool { false }
}

/// Bit masks of an N×N Hex board (cell `row * N + column`).
public struct HexMasks: Sendable {
    public let board: UInt128
    public let topRow: UInt128
    public let bottomRow: UInt128
    public let firstColumn: UInt128
    public let lastColumn: UInt128

    public init(side: Int) {
        precondition((2...11).contains(side), "a Hex board holds 2-11 rows")
        board = (1 << UInt128(side * side)) - 1
        topRow = (1 << UInt128(side)) - 1
        bottomRow = topRow << UInt128(side * (side - 1))
        var column: UInt128 = 0
        for row in 0..<side { column |= 1 << UInt128(row * side) }
        firstColumn = column
        lastColumn = column << UInt128(side - 1)
    }
}

/// Hex on the standard 11×11 board (OpenSpiel's `hex`, no swap rule).
public typealias Hex = HexGame<HexSize11>
/// Hex on a 7×7 board, for quick runs and tests.
public typealias Hex7 = HexGame<HexSize7>
/// 11×11 Hex with the swap rule (OpenSpiel's `hex` with `swap=True`).
public typealias HexSwap = HexGame<HexSize11Swap>
/// 7×7 Hex with the swap rule.
public typealias Hex7Swap = HexGame<HexSize7Swap>

public enum HexSize11: HexBoardSize {
    public static let side = 11
    public static let name = "hex"
    public static let symmetries = Hex.makeSymmetries()
    public static let masks = HexMasks(side: side)
    public static let aliases = ["hex11"]
    /// No win before move 21: falling factorials.
    public static let perft = PerftFigures(benchmarkDepth: 3, knownCounts: [1, 121, 14520, 1_727_880])
    /// A deeper trunk than hex7's, so that the receptive field spans the board.
    public static let trainingDefaults = TrainingDefaults.smallBoard(
        blocks: 4, dirichletAlpha: 0.15, temperatureMoves: 10)
}

public enum HexSize7: HexBoardSize {
    public static let side = 7
    public static let name = "hex7"
    public static let symmetries = Hex7.makeSymmetries()
    public static let masks = HexMasks(side: side)
    public static let aliases: [String] = []
    /// No win before move 13: falling factorials.
    public static let perft = PerftFigures(
        benchmarkDepth: 4, knownCounts: [1, 49, 2352, 110_544, 5_085_024, 228_826_080])
    public static let trainingDefaults = TrainingDefaults.smallBoard(
        blocks: 3, dirichletAlpha: 0.3, temperatureMoves: 6)
}

/// 11×11 Hex where the second player may answer the first move with `swap`.
public enum HexSize11Swap: HexBoardSize {
    public static let side = 11
    public static let name = "hex-swap"
    public static let symmetries = HexSwap.makeSymmetries()
    public static let masks = HexSize11.masks
    public static let aliases = ["hex11-swap"]
    /// No win before move 21: falling factorials, plus the games that swap at move 2.
    public static let perft = PerftFigures(benchmarkDepth: 3, knownCounts: [1, 121, 14641, 1_742_400])
    public static let trainingDefaults = HexSize11.trainingDefaults
    public static let swapRule = true
}

/// 7×7 Hex where the second player may answer the first move with `swap`.
public enum HexSize7Swap: HexBoardSize {
    public static let side = 7
    public static let name = "hex7-swap"
    public static let symmetries = Hex7Swap.makeSymmetries()
    public static let masks = HexSize7.masks
    public static let aliases: [String] = []
    /// No win before move 13: falling factorials, plus the games that swap at move 2.
    public static let perft = PerftFigures(
        benchmarkDepth: 4, knownCounts: [1, 49, 2401, 112_896, 5_195_568, 233_911_104])
    public static let trainingDefaults = HexSize7.trainingDefaults
    public static let swapRule = true
}

/// Hex on an N×N rhombus, as 128-bit bitboards, with OpenSpiel's conventions, the swap rule
/// as an option of the variant (`HexBoardSize.swapRule`).
///
/// Cell `row * N + column` is action `row * N + column`; row 0 is row `1` and column 0 file `a`,
/// so the notation is a1-style as in OpenSpiel and HexGui (e.g. `"f6e7"`). The first player
/// (Black, `X`) joins the top row to the bottom row, the second (White, `O`) the left column to
/// the right one. Cell (r, c) touches (r, c±1), (r−1, c), (r−1, c+1), (r+1, c) and (r+1, c−1).
/// A game ends when a side connects its edges; Hex has no draws.
///
/// Swap rule (pie rule), as OpenSpiel's `swap=True`: the second player's first move may be
/// action `N * N`, `swap`, which replaces the first stone, on (r, c), by a second-player stone on
/// (c, r), its mirror image across the long diagonal (so the sides keep their edges and the
/// second player takes over the opening), and the first player moves next. Without the rule
/// there is no such action.
///
/// Win detection: each side keeps the stones connected to each of its two edges. A new stone
/// wins when it touches both sets (or the edges themselves); when it touches just one, its group
/// is flood-filled (bit-parallel, six shifts per step) into that set, outside the cells already
/// in it. Stones of groups touching no edge cost nothing until they join one.
///
/// Encoding (3 planes, from the side to move's view, board frame not transposed): own stones,
/// opponent stones, and the cells of the two edges the side to move must join. The board is not
/// transposed for the second player because policy vectors are indexed by absolute action: a
/// transposed input would leave the policy head to learn a player-dependent permutation. Training
/// shares the sides' experience instead by mapping samples by the transposition
/// (`sideSwappingSymmetries`), which carries one side's planes and policy onto the other's.
public struct HexGame<Size: HexBoardSize>: GameState {
    public static var name: String { Size.name }
    /// The number of rows and of columns.
    @inlinable public static var side: Int { Size.side }
    public static var actionCount: Int { side * side + (Size.swapRule ? 1 : 0) }
    /// The action `swap` (only with the swap rule).
    @inlinable public static var swapAction: Int { side * side }
    public static var encodingShape: EncodingShape { EncodingShape(planes: 3, height: side, width: side) }
    /// The identity and the 180° rotation, which keeps each side's edges (a reflection swaps them).
    public static var symmetries: [BoardSymmetry] { Size.symmetries }
    /// The transposition and the anti-transposition: they keep the cells' adjacency and swap the
    /// top and bottom rows with the first and last columns, so on the side-to-move encoding they
    /// turn a first-player position into a second-player one (and back). `swap` maps to itself.
    public static var sideSwappingSymmetries: [BoardSymmetry] {
        let square = BoardSymmetry.dihedral(size: side, extraActions: Size.swapRule ? 1 : 0)
        return square.filter { $0.name == "transpose" || $0.name == "anti-transpose" }
    }
    public static var maxGameLength: Int { side * side + (Size.swapRule ? 1 : 0) }
    public static var aliases: [String] { Size.aliases }
    public static var notationHelp: String {
        let lastColumn = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(side - 1)))
        let swap = Size.swapRule ? ", or swap as the second move" : ""
        return "cells like c2 (columns a-\(lastColumn), rows 1-\(side))\(swap), e.g. d4c5"
    }
    public static var perft: PerftFigures { Size.perft }
    public static var trainingDefaults: TrainingDefaults { Size.trainingDefaults }

    /// The first player's stones.
    public private(set) var black: UInt128 = 0
    /// The second player's stones.
    public private(set) var white: UInt128 = 0
    /// The first player's stones whose group touches the top row / the bottom row.
    var blackTop: UInt128 = 0
    var blackBottom: UInt128 = 0
    /// The second player's stones whose group touches the left column / the right column.
    var whiteLeft: UInt128 = 0
    var whiteRight: UInt128 = 0
    public private(set) var moveCount = 0
    /// Whether the previous move joined its player's edges.
    public private(set) var lastMoveWon = false

    public init() {}

    /// `cells` and their six neighbours, within the board.
    @inlinable @inline(__always)
    static func grow(_ cells: UInt128, _ masks: HexMasks) -> UInt128 {
        let n = UInt128(side)
        let vertical = (cells >> n) | (cells << n)
        let towardsLast = ((cells << 1) | (cells >> (n - 1))) & ~masks.firstColumn
        let towardsFirst = ((cells >> 1) | (cells << (n - 1))) & ~masks.lastColumn
        return (cells | vertical | towardsLast | towardsFirst) & masks.board
    }

    /// The group of `stones` that contains `seed`.
    @inlinable static func group(of seed: UInt128, in stones: UInt128, _ masks: HexMasks) -> UInt128 {
        var group = seed
        while true {
            let next = grow(group, masks) & stones
            if next == group { return group }
            group = next
        }
    }

    @inlinable public var currentPlayer: Player { moveCount & 1 == 0 ? .first : .second }
    @inlinable public var isTerminal: Bool { lastMoveWon }
    public var outcome: Outcome? { lastMoveWon ? .win(currentPlayer.opponent) : nil }

    /// The stones of `player`.
    @inlinable public func stones(of player: Player) -> UInt128 { player == .first ? black : white }

    @inlinable public var legalActions: ActionSet {
        if lastMoveWon { return ActionSet() }
        let empty = ~(black | white) & Size.masks.board
        var set = ActionSet(low: UInt64(truncatingIfNeeded: empty), high: UInt64(truncatingIfNeeded: empty >> 64))
        if Size.swapRule && moveCount == 1 { set.insert(Self.swapAction) }
        return set
    }

    public var positionKey: UInt64 {
        mix64(
            UInt64(truncatingIfNeeded: black) ^ mix64(UInt64(truncatingIfNeeded: black >> 64))
                ^ mix64(UInt64(truncatingIfNeeded: white) ^ 0x5555_5555)
                ^ mix64(UInt64(truncatingIfNeeded: white >> 64)))
    }

    /// Places a stone of the side to move on cell `action`, or swaps.
    public mutating func apply(_ action: Int) {
        if Size.swapRule && action == Self.swapAction {
            precondition(moveCount == 1, "swap is only the second move")
            swapFirstStone()
            return
        }
        let stone = UInt128(1) << UInt128(action)
        precondition(
            !lastMoveWon && action >= 0 && action < Self.side * Self.side && (black | white) & stone == 0,
            "illegal Hex action \(action)")
        let masks = Size.masks
        if currentPlayer == .first {
            black |= stone
            lastMoveWon = Self.join(
                stone, stones: black, start: &blackTop, startEdge: masks.topRow,
                end: &blackBottom, endEdge: masks.bottomRow, masks)
        } else {
            white |= stone
            lastMoveWon = Self.join(
                stone, stones: white, start: &whiteLeft, startEdge: masks.firstColumn,
                end: &whiteRight, endEdge: masks.lastColumn, masks)
        }
        moveCount += 1
    }

    /// A random playout's result without playing it move by move. Random moves until a side joins
    /// its edges, continued to a full board, give the side to move a uniformly random ⌈k/2⌉ of the k
    /// empty cells; a full board has exactly one joined side, and it is the one that joined first
    /// (later stones cannot undo a connection, and the other side's would have to cross it). So a
    /// random fill, looked at once, has the playout's distribution. Before the swap decision it plays.
    public func randomPlayoutValue<R: RandomNumberGenerator>(using rng: inout R) -> Float {
        var position = self
        while Size.swapRule && position.moveCount < 2 && !position.lastMoveWon {
            position.playRandomAction(using: &rng)
        }
        if position.lastMoveWon { return position.outcome!.value(for: currentPlayer) }
        let masks = Size.masks
        let empty = ~(position.black | position.white) & masks.board
        var laterCells: UInt128 = 0  // the ⌊k/2⌋ cells of the side not to move, drawn without replacement
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { cells in
            var count = 0
            var rest = empty
            while rest != 0 {
                cells[count] = UInt8(rest.trailingZeroBitCount)
                count += 1
                rest &= rest &- 1
            }
            for k in 0..<count / 2 {
                cells.swapAt(k, Int.random(in: k..<count, using: &rng))
                laterCells |= UInt128(1) << UInt128(cells[k])
            }
        }
        let fill = position.currentPlayer == .first ? empty & ~laterCells : laterCells
        let black = position.black | fill
        var reached = black & (position.blackTop | masks.topRow)
        while reached & masks.bottomRow == 0 {
            let next = Self.grow(reached, masks) & black
            if next == reached { return currentPlayer == .second ? 1 : -1 }
            reached = next
        }
        return currentPlayer == .first ? 1 : -1
    }

    /// The swap: the first player's stone on (r, c) becomes the second player's on (c, r).
    mutating func swapFirstStone() {
        let cell = black.trailingZeroBitCount
        let mirrored = UInt128(1) << UInt128((cell % Self.side) * Self.side + cell / Self.side)
        let masks = Size.masks
        (black, blackTop, blackBottom) = (0, 0, 0)
        white = mirrored
        whiteLeft = mirrored & masks.firstColumn
        whiteRight = mirrored & masks.lastColumn
        moveCount += 1
    }

    /// Adds `stone` (already in `stones`) to the edge-connected sets; returns whether it joins both edges.
    @inlinable static func join(
        _ stone: UInt128, stones: UInt128, start: inout UInt128, startEdge: UInt128,
        end: inout UInt128, endEdge: UInt128, _ masks: HexMasks
    ) -> Bool {
        let reach = grow(stone, masks)
        let touchesStart = (stone & startEdge) | (reach & start) != 0
        let touchesEnd = (stone & endEdge) | (reach & end) != 0
        if touchesStart && touchesEnd { return true }
        // Each set holds whole groups, so the cells the stone adds to one are those of its group
        // outside that set: the flood fill stays out of the set and covers only what is new.
        if touchesStart {
            start |= group(of: stone, in: stones & ~start, masks)
        } else if touchesEnd {
            end |= group(of: stone, in: stones & ~end, masks)
        }
        return false
    }

    public func encode(into buffer: UnsafeMutableBufferPointer<Float>) {
        let cells = Self.side * Self.side
        let own = stones(of: currentPlayer)
        let other = stones(of: currentPlayer.opponent)
        let masks = Size.masks
        let edges = currentPlayer == .first ? masks.topRow | masks.bottomRow : masks.firstColumn | masks.lastColumn
        for cell in 0..<cells {
            let bit = UInt128(1) << UInt128(cell)
            buffer[cell] = own & bit != 0 ? 1 : 0
            buffer[cells + cell] = other & bit != 0 ? 1 : 0
            buffer[2 * cells + cell] = edges & bit != 0 ? 1 : 0
        }
    }

    public func transformed(by symmetry: BoardSymmetry) -> HexGame {
        var image = HexGame()
        image.moveCount = moveCount
        image.lastMoveWon = lastMoveWon
        func remap(_ bits: UInt128) -> UInt128 {
            var mapped: UInt128 = 0
            var rest = bits
            while rest != 0 {
                mapped |= 1 << UInt128(symmetry.cellMap[rest.trailingZeroBitCount])
                rest &= rest &- 1
            }
            return mapped
        }
        (image.black, image.white) = (remap(black), remap(white))
        (image.blackTop, image.blackBottom) = (remap(blackTop), remap(blackBottom))
        (image.whiteLeft, image.whiteRight) = (remap(whiteLeft), remap(whiteRight))
        // The 180° rotation exchanges a side's two edges.
        if symmetry.cellMap[0] != 0 {
            swap(&image.blackTop, &image.blackBottom)
            swap(&image.whiteLeft, &image.whiteRight)
        }
        return image
    }

    /// The identity and the 180° rotation of an N×N board (`swap` maps to itself).
    public static func makeSymmetries() -> [BoardSymmetry] {
        let square = BoardSymmetry.dihedral(size: side, extraActions: Size.swapRule ? 1 : 0)
        return [square[0], square[2]]
    }

    public static func actionName(_ action: Int) -> String {
        if Size.swapRule && action == swapAction { return "swap" }
        let file = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(action % side)))
        return "\(file)\(action / side + 1)"
    }

    public static func parseActions(_ notation: String) throws(NotationError) -> [(action: Int, offset: Int)] {
        let characters = Array(notation.lowercased())
        let lastFile = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(side - 1)))
        var result: [(action: Int, offset: Int)] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "," { index += 1; continue }
            if Size.swapRule && characters[index...].starts(with: "swap") {
                result.append((swapAction, index))
                index += 4
                continue
            }
            guard let file = character.asciiValue, file >= UInt8(ascii: "a"),
                file < UInt8(ascii: "a") + UInt8(side)
            else {
                throw NotationError(offset: index, "'\(character)' is not a column a-\(lastFile)")
            }
            let (row, end) = try NotationError.lineNumber(
                in: characters, from: index + 1, side: side, else: "a move needs a row 1-\(side) after its column")
            result.append(((row - 1) * side + Int(file - UInt8(ascii: "a")), index))
            index = end
        }
        return result
    }

    /// The board as a rhombus, each row shifted half a cell right of the one above, as OpenSpiel
    /// and HexGui draw it: `X` the first player (top to bottom), `O` the second (left to right).
    public var description: String {
        let files = (0..<Self.side).map { String(Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0)))) }
        var lines = ["   " + files.joined(separator: " ")]
        for row in 0..<Self.side {
            let label = String(row + 1)
            var line = String(repeating: " ", count: row + 2 - label.count) + label + " "
            for column in 0..<Self.side {
                let bit = UInt128(1) << UInt128(row * Self.side + column)
                line += black & bit != 0 ? "X " : white & bit != 0 ? "O " : ". "
            }
            lines.append(line + label)
        }
        return lines.joined(separator: "\n")
    }
}
