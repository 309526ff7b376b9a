import GameKit

/// The board size and rules parameters of a Go variant (see `GoGame`).
///
/// Komi is a property of the variant: a board with another komi is another conforming type.
public protocol GoBoardSize: Sendable {
    /// The number of lines each way (at most 11, so that a board fits in 128 bits).
    static var side: Int { get }
    /// The command-line name of the variant.
    static var name: String { get }
    /// The points added to the second player's (White's) area at scoring.
    static var komi: Double { get }
    /// The symmetries of the board: `GoGame.makeSymmetries()`, stored once per size.
    static var symmetries: [BoardSymmetry] { get }
    /// The board's masks: `GoMasks(side:)`, stored once per size.
    static var masks: GoMasks { get }
    /// Room for the hash of every position of a game: `2 * side * side + 1` entries.
    associatedtype PositionHashes: FixedStorage<UInt64> & Sendable
    /// Room for the moves of a game: `2 * side * side` entries.
    associatedtype Moves: FixedStorage<UInt8> & Sendable
    /// Other command-line names of the variant.
    static var aliases: [String] { get }
    /// Perft counts from OpenSpiel 2.0.2 and the benchmark depth.
    static var perft: PerftFigures { get }
    /// The variant's training settings (see `GameDescription`).
    static var trainingDefaults: TrainingDefaults { get }
}

/// 9×9 Go with komi 7.5 (OpenSpiel's `go` with `board_size=9`, save for superko: see `GoGame`).
public typealias Go9 = GoGame<GoSize9>
/// 7×7 Go with komi 7.5, for quick runs and tests.
public typealias Go7 = GoGame<GoSize7>

public enum GoSize9: GoBoardSize {
    public static let side = 9
    public static let name = "go9"
    public static let komi = 7.5
    public static let symmetries = Go9.makeSymmetries()
    public static let masks = GoMasks(side: side)
    public typealias PositionHashes = InlineArray<163, UInt64>
    public typealias Moves = InlineArray<162, UInt8>
    public static let aliases = ["go"]
    /// From depth 3 on, a stone can be captured (B1 A1 A2) and a point can be suicide.
    public static let perft = PerftFigures(benchmarkDepth: 3, knownCounts: [1, 82, 6643, 531_522, 42_002_809])
    public static let trainingDefaults = TrainingDefaults.smallBoard(
        blocks: 4, dirichletAlpha: 0.2, temperatureMoves: 20)
}

public enum GoSize7: GoBoardSize {
    public static let side = 7
    public static let name = "go7"
    public static let komi = 7.5
    public static let symmetries = Go7.makeSymmetries()
    public static let masks = GoMasks(side: side)
    public typealias PositionHashes = InlineArray<99, UInt64>
    public typealias Moves = InlineArray<98, UInt8>
    public static let aliases: [String] = []
    public static let perft = PerftFigures(benchmarkDepth: 4, knownCounts: [1, 50, 2451, 117_698, 5_536_281])
    public static let trainingDefaults = TrainingDefaults.smallBoard(
        blocks: 3, dirichletAlpha: 0.3, temperatureMoves: 12)
}

/// Bit masks of an N×N Go board (point `row * N + column`).
public struct GoMasks: Sendable {
    public let board: UInt128
    public let notFirstColumn: UInt128
    public let notLastColumn: UInt128

    public init(side: Int) {
        precondition((2...11).contains(side), "a Go board holds 2-11 lines")
        board = (1 << UInt128(side * side)) - 1
        var column: UInt128 = 0
        for row in 0..<side { column |= 1 << UInt128(row * side) }
        notFirstColumn = board & ~column
        notLastColumn = board & ~(column << UInt128(side - 1))
    }
}

/// `GoMasks` in a word that holds the board: `UInt64` up to 8×8 (half the instructions of `UInt128`
/// per step of a flood fill), `UInt128` above.
@usableFromInline struct BoardMasks<Word: FixedWidthInteger & UnsignedInteger> {
    @usableFromInline let board: Word
    @usableFromInline let notFirstColumn: Word
    @usableFromInline let notLastColumn: Word

    @inlinable init(_ masks: GoMasks) {
        board = Word(truncatingIfNeeded: masks.board)
        notFirstColumn = Word(truncatingIfNeeded: masks.notFirstColumn)
        notLastColumn = Word(truncatingIfNeeded: masks.notLastColumn)
    }
}

/// Go on an N×N board with Tromp–Taylor rules, as 128-bit bitboards.
///
/// Point `row * N + column` is action `row * N + column` (row 0 is line 1, column 0 is `A`) and
/// action `N * N` is `pass`, as in OpenSpiel. Notation: GTP coordinates without the letter I
/// (`A1`–`J9` on 9×9) and `pass`, e.g. `"E5 C3 pass"`. Black (the first player) moves first.
///
/// Rules: suicide is illegal; a move that recreates an earlier board of the game is illegal
/// (positional superko, checked with Zobrist hashes of the stones, which covers simple ko); two
/// consecutive passes end the game, and so does the move cap of `2 * N * N` moves (OpenSpiel's
/// `max_game_length`); area scoring: stones plus empty regions that reach only one colour, and
/// `Size.komi` for White. OpenSpiel plays a superko-repeating move instead and scores the game a
/// draw at once; that move is the only place where the two rule sets differ.
///
/// Storage is fixed-size (a 9×9 state, `MemoryLayout<Go9>.size`, is 1722 bytes; 7×7: 1146):
/// the two bitboards and the stones of chains in atari (which give captures and suicide for all
/// points at once), the hash of every position so far (for superko) with a 1024-bit Bloom filter
/// over them and the stone counts seen before and since the last capture (most candidate moves
/// are cleared without a hash), and the moves so far (so that `transformed(by:)` can replay the
/// game in the mapped frame).
///
/// Encoding (4 planes, side to move's view): own stones, opponent stones, legal points, and a
/// plane of ones when the side to move is White (who receives komi).
public struct GoGame<Size: GoBoardSize>: GameState {
    public static var name: String { Size.name }
    /// The number of lines each way.
    @inlinable public static var side: Int { Size.side }
    @inlinable public static var passAction: Int { side * side }
    public static var actionCount: Int { side * side + 1 }
    public static var encodingShape: EncodingShape { EncodingShape(planes: 4, height: side, width: side) }
    /// The eight symmetries of the square; pass maps to itself.
    public static var symmetries: [BoardSymmetry] { Size.symmetries }
    public static var maxGameLength: Int { 2 * side * side }
    public static var aliases: [String] { Size.aliases }
    public static var notationHelp: String {
        "GTP points like E5 (columns A-\(columnLetter(side - 1)) without I, lines 1-\(side)) or pass, e.g. E5 C3 pass"
    }
    public static var perft: PerftFigures { Size.perft }
    public static var trainingDefaults: TrainingDefaults { Size.trainingDefaults }

    /// The first player's stones.
    public private(set) var black: UInt128 = 0
    /// The second player's stones.
    public private(set) var white: UInt128 = 0
    /// The Zobrist hash of the stones (not of the side to move).
    public private(set) var boardHash: UInt64 = 0
    public private(set) var moveCount = 0
    /// The passes played since the last stone (2 ends the game).
    public private(set) var consecutivePasses = 0
    /// The stones on the board (kept by `placeStone`; it fills padding, the state is no larger).
    @usableFromInline var stoneCount = 0
    /// The stones of chains with exactly one liberty, per colour (kept up to date by `apply`).
    @usableFromInline var blackInAtari: UInt128 = 0
    @usableFromInline var whiteInAtari: UInt128 = 0
    /// Bit n: some position before the last capture held n stones (only those can recur
    /// after a move that captures nothing).
    @usableFromInline var countsBeforeCapture: UInt128 = 0
    /// Bit n: some position since the last capture held n stones.
    @usableFromInline var countsSinceCapture: UInt128 = 1
    /// A Bloom filter over `hashes`: two bits per position.
    @usableFromInline var seen = InlineArray<16, UInt64>(repeating: 0)
    /// `hashes[i]` is `boardHash` after `i` moves.
    @usableFromInline var hashes = Size.PositionHashes(repeating: 0)
    @usableFromInline var moves = Size.Moves(repeating: 0)

    public init() {
        precondition(
            Size.PositionHashes.capacity == Self.maxGameLength + 1
                && Size.Moves.capacity == Self.maxGameLength,
            "\(Size.self) has the wrong storage for \(Self.maxGameLength) moves")
        remember(0)
    }

    /// The Zobrist key of a stone of `player` on `point`.
    @inlinable @inline(__always)
    static func zobrist(_ point: Int, _ player: Player) -> UInt64 {
        mix64(UInt64(truncatingIfNeeded: point << 1 | Int(player.rawValue)) ^ 0x5EED_0060)
    }

    /// Whether the board fits in 64 bits: its bit operations then run on `UInt64` (see `BoardMasks`).
    @inlinable static var fitsInUInt64: Bool { side * side <= 64 }

    /// The points next to `points` (not `points` themselves unless adjacent to another).
    @inlinable @inline(__always)
    static func adjacent<Word>(_ points: Word, _ masks: BoardMasks<Word>) -> Word {
        ((points &<< 1) & masks.notFirstColumn) | ((points &>> 1) & masks.notLastColumn)
            | ((points &<< side) & masks.board) | (points &>> side)
    }

    /// The chains of `stones` that contain the stones of `seed`.
    @inlinable static func chain<Word>(of seed: Word, in stones: Word, _ masks: BoardMasks<Word>) -> Word {
        var chain = seed
        while true {
            let next = (chain | adjacent(chain, masks)) & stones
            if next == chain { return chain }
            chain = next
        }
    }

    /// The chain of `stones` that contains `seed`, grown until it shows two liberties in `empty`:
    /// whether it has at most one (then `chain` is the whole chain, else a part of it).
    @inlinable static func growUntilTwoLiberties<Word>(
        _ seed: Word, in stones: Word, _ empty: Word, _ masks: BoardMasks<Word>
    ) -> (chain: Word, atMostOneLiberty: Bool) {
        var chain = seed
        while true {
            let around = adjacent(chain, masks)
            let liberties = around & empty
            if liberties & (liberties &- 1) != 0 { return (chain, false) }
            let next = chain | (around & stones)
            if next == chain { return (chain, true) }
            chain = next
        }
    }

    @inlinable @inline(__always) static func lowestBit<Word: FixedWidthInteger>(_ bits: Word) -> Word {
        bits & (0 &- bits)
    }

    /// The XOR of the Zobrist keys of `player`'s stones in `stones`.
    @inlinable static func hash<Word: FixedWidthInteger>(of stones: Word, _ player: Player) -> UInt64 {
        var hash: UInt64 = 0
        var rest = stones
        while rest != 0 {
            hash ^= zobrist(rest.trailingZeroBitCount, player)
            rest &= rest &- 1
        }
        return hash
    }

    @inlinable public var currentPlayer: Player { moveCount & 1 == 0 ? .first : .second }
    @inlinable public var isTerminal: Bool { consecutivePasses >= 2 || moveCount >= Self.maxGameLength }

    /// The stones of `player`.
    @inlinable public func stones(of player: Player) -> UInt128 { player == .first ? black : white }

    /// Black's area minus White's area minus komi (Tromp–Taylor), in the current position.
    public var score: Double {
        let masks = BoardMasks<UInt128>(Size.masks)
        let empty = masks.board & ~(black | white)
        var area = black.nonzeroBitCount - white.nonzeroBitCount
        var rest = empty
        while rest != 0 {
            let region = Self.chain(of: Self.lowestBit(rest), in: empty, masks)
            rest &= ~region
            let border = Self.adjacent(region, masks)
            let reachesBlack = border & black != 0, reachesWhite = border & white != 0
            if reachesBlack != reachesWhite { area += reachesBlack ? region.nonzeroBitCount : -region.nonzeroBitCount }
        }
        return Double(area) - Size.komi
    }

    public var outcome: Outcome? {
        guard isTerminal else { return nil }
        let score = score
        return score > 0 ? .win(.first) : score < 0 ? .win(.second) : .draw
    }

    /// Whether a position with stones hashing to `hash` occurred earlier in the game.
    @inlinable @inline(__always) func hasOccurred(_ hash: UInt64) -> Bool {
        let first = Int(hash & 1023), second = Int((hash >> 10) & 1023)
        // A span of the filter: subscripting the stored property would copy the whole state.
        let filter = seen.span
        guard filter[first >> 6] & (1 << UInt64(first & 63)) != 0,
            filter[second >> 6] & (1 << UInt64(second & 63)) != 0
        else { return false }
        return hashes.containsElement(inFirst: moveCount + 1) { $0 == hash }
    }

    @inlinable mutating func remember(_ hash: UInt64) {
        let first = Int(hash & 1023), second = Int((hash >> 10) & 1023)
        seen[first >> 6] |= 1 << UInt64(first & 63)
        seen[second >> 6] |= 1 << UInt64(second & 63)
        hashes.set(hash, at: moveCount)
    }

    /// The hash of the stones of `opponent` that a stone on `point` would capture
    /// (the chains next to `point` whose only liberty it is).
    @inlinable static func capturedHash<Word>(
        at point: Word, opponent stones: Word, empty: Word, _ player: Player, _ masks: BoardMasks<Word>
    ) -> UInt64 {
        var hash: UInt64 = 0
        var pending = adjacent(point, masks) & stones
        while pending != 0 {
            let chain = chain(of: lowestBit(pending), in: stones, masks)
            pending &= ~chain
            if adjacent(chain, masks) & empty == point { hash ^= Self.hash(of: chain, player) }
        }
        return hash
    }

    /// The points where a stone is legal but for superko (not suicide: next to an empty point,
    /// capturing, or joining a chain with another liberty), those of them that capture, and those
    /// that superko may forbid: a move that captures nothing can only recreate a board from before
    /// the last capture, and one with as many stones. This and the superko checks are always inlined:
    /// called out of line from a mutating method (`playRandomAction`), they were handed a copy of the state.
    @inlinable @inline(__always) func pointsBeforeSuperko() -> (legal: UInt128, captures: UInt128, suspects: UInt128) {
        Self.fitsInUInt64 ? pointsBeforeSuperko(in: UInt64.self) : pointsBeforeSuperko(in: UInt128.self)
    }

    /// `pointsBeforeSuperko()` computed in words of type `Word`.
    @inlinable @inline(__always) func pointsBeforeSuperko<Word: FixedWidthInteger & UnsignedInteger>(
        in _: Word.Type
    ) -> (legal: UInt128, captures: UInt128, suspects: UInt128) {
        let masks = BoardMasks<Word>(Size.masks)
        let me = currentPlayer
        let own = Word(truncatingIfNeeded: stones(of: me)), other = Word(truncatingIfNeeded: stones(of: me.opponent))
        let empty = masks.board & ~(own | other)
        // The last liberties of opponent chains in atari: playing there captures.
        let captures =
            Self.adjacent(Word(truncatingIfNeeded: me == .first ? whiteInAtari : blackInAtari), masks) & empty
        let ownSafe = own & ~Word(truncatingIfNeeded: me == .first ? blackInAtari : whiteInAtari)
        let legal = UInt128(truncatingIfNeeded: empty & (Self.adjacent(empty | ownSafe, masks) | captures))
        let legalCaptures = legal & UInt128(truncatingIfNeeded: captures)
        let anyMoveMayRepeat = countsBeforeCapture >> UInt128(stoneCount + 1) & 1 != 0
        return (legal, legalCaptures, anyMoveMayRepeat ? legal : legalCaptures)
    }

    /// Whether a stone of the side to move on `point` (one of `pointsBeforeSuperko().legal`, with
    /// its `captures`) recreates an earlier position.
    @inlinable @inline(__always) func repeatsPosition(_ point: UInt128, captures: UInt128) -> Bool {
        let me = currentPlayer
        var hash = boardHash ^ Self.zobrist(point.trailingZeroBitCount, me)
        if captures & point != 0 {
            let other = stones(of: me.opponent), empty = Size.masks.board & ~(black | white)
            hash ^=
                Self.fitsInUInt64
                ? Self.capturedHash(
                    at: UInt64(truncatingIfNeeded: point), opponent: UInt64(truncatingIfNeeded: other),
                    empty: UInt64(truncatingIfNeeded: empty), me.opponent, BoardMasks(Size.masks))
                : Self.capturedHash(at: point, opponent: other, empty: empty, me.opponent, BoardMasks(Size.masks))
        }
        return hasOccurred(hash)
    }

    public var legalActions: ActionSet {
        if isTerminal { return ActionSet() }
        var (legal, captures, suspects) = pointsBeforeSuperko()
        while suspects != 0 {
            let point = Self.lowestBit(suspects)
            suspects &= suspects &- 1
            if repeatsPosition(point, captures: captures) { legal &= ~point }
        }
        var set = ActionSet(low: UInt64(truncatingIfNeeded: legal), high: UInt64(truncatingIfNeeded: legal >> 64))
        set.insert(Self.passAction)
        return set
    }

    /// Plays a uniformly random legal action (pass included) of a game not over, checking superko
    /// only for what is drawn: a draw from the moves legal but for superko that superko forbids is
    /// struck out and drawn again, which leaves every legal action equally likely, as
    /// `legalActions.randomElement` does.
    @inlinable public mutating func playRandomAction<R: RandomNumberGenerator>(using rng: inout R) {
        var (legal, captures, suspects) = pointsBeforeSuperko()
        let pass = UInt128(1) << UInt128(Self.passAction)
        while true {
            let actions = legal | pass
            let set = ActionSet(
                low: UInt64(truncatingIfNeeded: actions), high: UInt64(truncatingIfNeeded: actions >> 64))
            let action = set.randomElement(using: &rng)
            let point = UInt128(1) << UInt128(action)
            if action == Self.passAction || suspects & point == 0 || !repeatsPosition(point, captures: captures) {
                apply(action)
                return
            }
            legal &= ~point
            suspects &= ~point
        }
    }

    public var positionKey: UInt64 { mix64(boardHash ^ (currentPlayer == .first ? 0 : 0x5555_5555_5555_5555)) }

    /// Plays a stone of the side to move on point `action`, or passes (`passAction`).
    public mutating func apply(_ action: Int) {
        precondition(!isTerminal && action >= 0 && action <= Self.passAction, "illegal Go action \(action)")
        if action == Self.passAction {
            consecutivePasses += 1
        } else {
            placeStone(on: action)
            consecutivePasses = 0
        }
        moves.set(UInt8(action), at: moveCount)
        moveCount += 1
        remember(boardHash)
    }

    /// Places a stone of the side to move, removes the chains it captures, and updates the
    /// chains in atari. Only chains next to the stone or to the stones it captures change
    /// liberties: opponent chains next to it that were in atari are captured (the stone took their
    /// last liberty), and the others are in atari now if they are left with one; the mover's chains
    /// next to captured stones gain a liberty, so leave atari; and the stone's own chain is in atari
    /// if it has one liberty. Chains are grown only as far as needed to see two liberties.
    @usableFromInline mutating func placeStone(on action: Int) {
        if Self.fitsInUInt64 {
            placeStone(on: action, in: UInt64.self)
        } else {
            placeStone(on: action, in: UInt128.self)
        }
    }

    /// `placeStone(on:)` computed in words of type `Word`.
    @inline(__always) mutating func placeStone<Word: FixedWidthInteger & UnsignedInteger>(
        on action: Int, in _: Word.Type
    ) {
        let masks = BoardMasks<Word>(Size.masks)
        let me = currentPlayer
        let point = Word(1) &<< action
        precondition(Word(truncatingIfNeeded: black | white) & point == 0, "Go action \(action) on an occupied point")
        let own = Word(truncatingIfNeeded: stones(of: me)) | point
        var other = Word(truncatingIfNeeded: stones(of: me.opponent))
        var ownInAtari = Word(truncatingIfNeeded: me == .first ? blackInAtari : whiteInAtari)
        var otherInAtari = Word(truncatingIfNeeded: me == .first ? whiteInAtari : blackInAtari)
        boardHash ^= Self.zobrist(action, me)
        let neighbours = Self.adjacent(point, masks)
        var captured: Word = 0
        if neighbours & otherInAtari != 0 {
            captured = Self.chain(of: neighbours & otherInAtari, in: otherInAtari, masks)
            other &= ~captured
            otherInAtari &= ~captured
            boardHash ^= Self.hash(of: captured, me.opponent)
            stoneCount -= captured.nonzeroBitCount
            let freed = Self.adjacent(captured, masks) & ownInAtari
            if freed != 0 { ownInAtari &= ~Self.chain(of: freed, in: ownInAtari, masks) }
        }
        let empty = masks.board & ~(own | other)
        var pending = neighbours & other
        while pending != 0 {
            let (chain, inAtari) = Self.growUntilTwoLiberties(Self.lowestBit(pending), in: other, empty, masks)
            pending &= ~chain
            if inAtari { otherInAtari |= chain }
        }
        // Two empty points next to the stone: its chain is not in atari, whatever else it joins.
        let liberties = neighbours & empty
        let (joined, inAtari) =
            liberties & (liberties &- 1) != 0
            ? (point, false) : Self.growUntilTwoLiberties(point, in: own, empty, masks)
        if inAtari {
            ownInAtari |= joined
        } else if neighbours & ownInAtari != 0 {
            ownInAtari &= ~Self.chain(of: neighbours & ownInAtari, in: ownInAtari, masks)
        }
        let (ownStones, otherStones) = (UInt128(truncatingIfNeeded: own), UInt128(truncatingIfNeeded: other))
        let (ownAtari, otherAtari) = (
            UInt128(truncatingIfNeeded: ownInAtari), UInt128(truncatingIfNeeded: otherInAtari)
        )
        if me == .first {
            (black, white, blackInAtari, whiteInAtari) = (ownStones, otherStones, ownAtari, otherAtari)
        } else {
            (white, black, whiteInAtari, blackInAtari) = (ownStones, otherStones, ownAtari, otherAtari)
        }
        stoneCount += 1
        let count = UInt128(1) << UInt128(stoneCount)
        if captured != 0 {
            countsBeforeCapture |= countsSinceCapture
            countsSinceCapture = count
        } else {
            countsSinceCapture |= count
        }
    }

    public func encode(into buffer: UnsafeMutableBufferPointer<Float>) {
        let points = Self.side * Self.side
        let own = stones(of: currentPlayer), other = stones(of: currentPlayer.opponent)
        let legal = legalActions
        let whiteToMove: Float = currentPlayer == .second ? 1 : 0
        for point in 0..<points {
            let bit = UInt128(1) << UInt128(point)
            buffer[point] = own & bit != 0 ? 1 : 0
            buffer[points + point] = other & bit != 0 ? 1 : 0
            buffer[2 * points + point] = legal.contains(point) ? 1 : 0
            buffer[3 * points + point] = whiteToMove
        }
    }

    /// The game replayed with every move mapped by `symmetry` (the superko history maps with it).
    public func transformed(by symmetry: BoardSymmetry) -> GoGame {
        var image = GoGame()
        for index in 0..<moveCount { image.apply(symmetry.transform(action: Int(moves.element(at: index)))) }
        return image
    }

    /// The eight symmetries of an N×N board plus the pass action.
    public static func makeSymmetries() -> [BoardSymmetry] { BoardSymmetry.dihedral(size: side, extraActions: 1) }

    /// The actions played since the start position.
    public var history: [Int] { (0..<moveCount).map { Int(moves.element(at: $0)) } }

    public static func == (lhs: GoGame, rhs: GoGame) -> Bool {
        guard lhs.black == rhs.black, lhs.white == rhs.white, lhs.moveCount == rhs.moveCount,
            lhs.consecutivePasses == rhs.consecutivePasses
        else { return false }
        return (0..<lhs.moveCount).allSatisfy { lhs.moves.element(at: $0) == rhs.moves.element(at: $0) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(boardHash)
        hasher.combine(moveCount)
    }

    /// The column letters of GTP: A–T without I.
    static func columnLetter(_ column: Int) -> Character {
        Character(UnicodeScalar(UInt8(ascii: "A") + UInt8(column >= 8 ? column + 1 : column)))
    }

    public static func actionName(_ action: Int) -> String {
        if action == passAction { return "pass" }
        return "\(columnLetter(action % side))\(action / side + 1)"
    }

    public static func parseActions(_ notation: String) throws(NotationError) -> [(action: Int, offset: Int)] {
        let characters = Array(notation.uppercased())
        let letters = (0..<side).map(columnLetter)
        var result: [(action: Int, offset: Int)] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "," { index += 1; continue }
            if character == "P" {
                guard index + 4 <= characters.count, String(characters[index..<index + 4]) == "PASS" else {
                    throw NotationError(offset: index, "expected 'pass'")
                }
                result.append((passAction, index))
                index += 4
                continue
            }
            guard let column = letters.firstIndex(of: character) else {
                throw NotationError(offset: index, "'\(character)' is not a column \(String(letters)) or 'pass'")
            }
            let (row, end) = try NotationError.lineNumber(
                in: characters, from: index + 1, side: side, else: "a move needs a line 1-\(side) after its column")
            result.append(((row - 1) * side + column, index))
            index = end
        }
        return result
    }

    /// The game as SGF (FF[4]): size, komi, Tromp–Taylor rules, the result when the game is
    /// over, and the moves (`B[]`/`W[]` for a pass). SGF rows run from the top, GTP's from the bottom.
    public static func sgf(of actions: [Int]) -> String {
        var state = GoGame()
        var body = ""
        for action in actions {
            let colour = state.currentPlayer == .first ? "B" : "W"
            if action == passAction {
                body += ";\(colour)[]"
            } else {
                let column = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(action % side)))
                let row = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(side - 1 - action / side)))
                body += ";\(colour)[\(column)\(row)]"
            }
            state.apply(action)
        }
        var header = "(;GM[1]FF[4]CA[UTF-8]SZ[\(side)]KM[\(Size.komi)]RU[Tromp-Taylor]"
        if state.isTerminal {
            let score = state.score
            header += score == 0 ? "RE[0]" : "RE[\(score > 0 ? "B" : "W")+\(abs(score))]"
        }
        return header + body + ")"
    }

    /// The board with GTP coordinates, line 1 at the bottom: `X` Black, `O` White.
    public var description: String {
        let files = "   " + (0..<Self.side).map { String(Self.columnLetter($0)) }.joined(separator: " ")
        var lines = [files]
        for row in (0..<Self.side).reversed() {
            var line = row + 1 < 10 ? " \(row + 1)" : "\(row + 1)"
            for column in 0..<Self.side {
                let bit = UInt128(1) << UInt128(row * Self.side + column)
                line += black & bit != 0 ? " X" : white & bit != 0 ? " O" : " ."
            }
            lines.append(line + " \(row + 1)")
        }
        lines.append(files)
        return lines.joined(separator: "\n")
    }
}

/// GTP engines such as GNU Go play Go: moves are GTP vertices already.
extension GoGame: GTPGame {
    public static var gtpBoardSize: Int { side }
    public static var gtpKomi: Double { Size.komi }
}
