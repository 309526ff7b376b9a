import GameKit

/// A reference opponent: a player spec and a way to make one instance per game slot.
public struct ReferencePlayer<Game: GameState> {
    public var name: String
    /// One instance serves every slot of a match (players without per-game state).
    public var shared: Bool
    public var make: (_ seed: UInt64) throws -> any GamePlayer<Game>

    public init(name: String, shared: Bool = false, make: @escaping (_ seed: UInt64) throws -> any GamePlayer<Game>) {
        self.name = name
        self.shared = shared
        self.make = make
    }
}
