/// A player spec that names no player, or names one that cannot be made: the message says why.
public struct PlayerError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
