import GameKit
import Testing

/// Expects a game's own `randomPlayoutValue` to win as often from `position` as playing
/// `legalActions.randomElement` move by move: equal win rates for the side to move over `playouts`
/// each, within four standard errors of the difference.
func expectPlayoutsWinAsOftenAsMoveByMove<G: GameState>(_ position: G, seed: UInt64, playouts: Int) {
    var ownRng = Xoshiro256(seed: seed)
    var playRng = Xoshiro256(seed: seed &+ 1)
    var own = 0.0
    var played = 0.0
    for _ in 0..<playouts {
        own += position.randomPlayoutValue(using: &ownRng) > 0 ? 1 : 0
        var state = position
        while !state.isTerminal { state.apply(state.legalActions.randomElement(using: &playRng)) }
        played += state.outcome!.value(for: position.currentPlayer) > 0 ? 1 : 0
    }
    let (p, q) = (own / Double(playouts), played / Double(playouts))
    let error = ((p * (1 - p) + q * (1 - q)) / Double(playouts)).squareRoot()
    #expect(abs(p - q) <= 4 * max(error, 1e-9), "\(G.name) after \(position.moveCount) moves: \(p) vs \(q)")
}
