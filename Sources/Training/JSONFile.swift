import Foundation
import NeuralNet

extension AtomicFile {
    /// JSON with sorted keys, for files people read and diff.
    public static func encodeJSON<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return try encoder.encode(value)
    }
}
