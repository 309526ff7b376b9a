/// A game that engines speaking GTP (the Go Text Protocol) play: its actions are named by GTP
/// vertices (`actionName(_:)` writes them, `action(named:)` reads them, `pass` included), the
/// first player is GTP's Black, and a position is the moves played since the start.
public protocol GTPGame: GameState {
    /// The argument of GTP's `boardsize`.
    static var gtpBoardSize: Int { get }
    /// The argument of GTP's `komi`.
    static var gtpKomi: Double { get }
    /// The actions played since the start position, which an engine replays with `play`.
    var history: [Int] { get }
}
