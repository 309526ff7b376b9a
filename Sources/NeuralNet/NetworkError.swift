/// Errors of the network module.
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A loss, gradient or weight became NaN or infinite; names the tensor.
    case nonFinite(String)
    /// A checkpoint file was refused; says why.
    case badCheckpoint(String)
    /// An architecture with sizes out of range.
    case invalidArchitecture(String)
    /// Caller metadata used a key the checkpoint format reserves.
    case reservedMetadataKey(String)
    /// Writing a file failed.
    case io(String)

    public var description: String {
        switch self {
        case .nonFinite(let tensor): return "non-finite values in \(tensor)"
        case .badCheckpoint(let reason): return "bad checkpoint: \(reason)"
        case .invalidArchitecture(let reason): return "invalid architecture: \(reason)"
        case .reservedMetadataKey(let key): return "metadata key '\(key)' is reserved for the checkpoint format"
        case .io(let reason): return reason
        }
    }
}
