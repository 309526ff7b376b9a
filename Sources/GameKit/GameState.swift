/// A position of a two-player, zero-sum, perfect-information board game.
///
/// A conforming type is a small value type: copying a state is the way to branch.
/// Action indices are fixed per game (`actionCount` is the policy vector length), and
/// all hot-path requirements work without heap allocation. Every action passes the turn
/// to the other player (a pass is an action), which search relies on to flip values.
/// What the tools need besides the rules (notation help, perft figures, training defaults)
/// comes from `GameDescription`.
public protocol GameState: Hashable, Sendable, CustomStringConvertible, GameDescription {
    /// The short name used on the command line: lower case, no spaces.
    static var name: String { get }
    /// The number of distinct action indices (the length of a policy vector).
    static var actionCount: Int { get }
    /// The shape of `encode(into:)`'s output: planes × height × width.
    static var encodingShape: EncodingShape { get }
    /// The board symmetries under which the rules are invariant (the identity first).
    static var symmetries: [BoardSymmetry] { get }
    /// An upper bound on the number of moves in a game.
    static var maxGameLength: Int { get }

    /// The start position.
    init()

    /// The side to move.
    var currentPlayer: Player { get }
    /// The number of actions applied since the start position.
    var moveCount: Int { get }
    /// Whether the game is over.
    var isTerminal: Bool { get }
    /// The result, or `nil` while the game goes on.
    var outcome: Outcome? { get }
    /// The legal actions of the side to move (empty once the game is over).
    var legalActions: ActionSet { get }
    /// A 64-bit key of the position (pieces and side to move), for caches and diversity counts.
    var positionKey: UInt64 { get }

    /// Plays `action`, which must be legal.
    mutating func apply(_ action: Int)

    /// Plays a uniformly random legal action of a position not over (`legalActions.randomElement` by
    /// default). A game may draw it without deciding every action's legality (Go checks superko only
    /// for the action drawn). Mutating, so that a playout's moves do not copy the state.
    mutating func playRandomAction<R: RandomNumberGenerator>(using rng: inout R)

    /// The result of uniformly random legal moves from here to the end, for the side to move here
    /// (+1 win, 0 draw, −1 loss): rollout search's leaf value. A game may answer without playing
    /// move by move when its results follow exactly the same distribution (Hex fills the board).
    func randomPlayoutValue<R: RandomNumberGenerator>(using rng: inout R) -> Float

    /// Writes the position, from the side to move's view, into `buffer`
    /// (`encodingShape.count` floats, plane-major).
    func encode(into buffer: UnsafeMutableBufferPointer<Float>)

    /// The position mapped by `symmetry`.
    func transformed(by symmetry: BoardSymmetry) -> Self

    /// The name of `action` in the game's notation (e.g. `"4"` or `"f5"`).
    static func actionName(_ action: Int) -> String

    /// Splits a move-sequence notation into actions with the character offset where each starts.
    /// Throws for characters or tokens that name no action; legality is checked by `init(notation:)`.
    static func parseActions(_ notation: String) throws(NotationError) -> [(action: Int, offset: Int)]
}

/// The size of a game's network input.
public struct EncodingShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var planes: Int
    public var height: Int
    public var width: Int

    public init(planes: Int, height: Int, width: Int) {
        self.planes = planes; self.height = height; self.width = width
    }

    /// The number of cells per plane.
    public var cells: Int { height * width }
    /// The number of floats in one encoded position.
    public var count: Int { planes * height * width }

    public var description: String { "\(planes)x\(height)x\(width)" }
}

/// An error in a game's text notation, naming where in the string it went wrong.
public struct NotationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 0-based character offset in the notation string.
    public var offset: Int
    public var message: String

    public init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "at character \(offset + 1): \(message)" }
}

extension NotationError {
    /// Reads the line number of a coordinate such as `c12`: the decimal digits of `characters` from `start`.
    /// Returns the number and the offset after its last digit, or throws `message` at `start` unless it is
    /// 1...`side` written without a leading zero.
    public static func lineNumber(
        in characters: [Character], from start: Int, side: Int, else message: String
    ) throws(NotationError) -> (number: Int, end: Int) {
        var number = 0
        var end = start
        while end < characters.count, characters[end].isASCII, let digit = characters[end].wholeNumberValue,
            number <= side
        {
            number = number * 10 + digit
            end += 1
        }
        guard (1...side).contains(number), end - start == String(number).count else {
            throw NotationError(offset: start, message)
        }
        return (number, end)
    }
}

extension GameState {
    @inlinable public mutating func playRandomAction<R: RandomNumberGenerator>(using rng: inout R) {
        apply(legalActions.randomElement(using: &rng))
    }

    /// Plays `playRandomAction` to the end of the game.
    @inlinable public func randomPlayoutValue<R: RandomNumberGenerator>(using rng: inout R) -> Float {
        var position = self
        while !position.isTerminal { position.playRandomAction(using: &rng) }
        return position.outcome!.value(for: currentPlayer)
    }

    /// The position reached by playing the moves in `notation` from the start position.
    ///
    /// Throws a `NotationError` naming the character where the notation stops making sense:
    /// an unknown character or token, an illegal move, or a move after the game ended.
    public init(notation: String) throws(NotationError) {
        self.init()
        for (action, offset) in try Self.parseActions(notation) {
            if isTerminal {
                let message = "move \(Self.actionName(action)) after the game ended (\(outcome!))"
                throw NotationError(offset: offset, message)
            }
            guard legalActions.contains(action) else {
                throw NotationError(offset: offset, "move \(Self.actionName(action)) is illegal here")
            }
            apply(action)
        }
    }

    /// The notation of a sequence of actions, as `init(notation:)` reads it.
    public static func notation<S: Sequence>(of actions: S) -> String where S.Element == Int {
        actions.map(actionName).joined()
    }

    /// The action named `name`, or `nil` when `name` is not exactly one action.
    public static func action(named name: String) -> Int? {
        guard let parsed = try? parseActions(name), parsed.count == 1 else { return nil }
        return parsed[0].action
    }
}

/// Counts the legal move sequences of exactly `depth` moves from `state`
/// (a game that ends earlier is not extended), the usual `perft` of move generators.
public func perft<G: GameState>(_ state: G, depth: Int) -> Int {
    if depth == 0 { return 1 }
    if state.isTerminal { return 0 }
    let actions = state.legalActions
    if depth == 1 { return actions.count }
    var total = 0
    for action in actions {
        var child = state
        child.apply(action)
        total += perft(child, depth: depth - 1)
    }
    return total
}
