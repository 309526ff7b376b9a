/// One of the two sides of a two-player, zero-sum game.
public enum Player: Int8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The side that moves first from the start position.
    case first = 0
    /// The side that moves second.
    case second = 1

    /// The other side.
    @inlinable public var opponent: Player { self == .first ? .second : .first }

    public var description: String { self == .first ? "first" : "second" }
}

/// How a finished game ended.
public enum Outcome: Sendable, Hashable, CustomStringConvertible {
    case win(Player)
    case draw

    /// The game's result for `player`: +1 for a win, 0 for a draw, -1 for a loss.
    @inlinable public func value(for player: Player) -> Float {
        switch self {
        case .draw: return 0
        case .win(let winner): return winner == player ? 1 : -1
        }
    }

    public var description: String {
        switch self {
        case .draw: return "draw"
        case .win(let player): return "\(player) player wins"
        }
    }
}
