import Foundation
import GameKit

/// Training samples in flat arrays: for each position its encoding, legal-action mask,
/// search policy (visit distribution) and game result from the side to move's view.
public struct SampleSet: Sendable {
    public let inputSize: Int
    public let actionCount: Int
    public internal(set) var inputs: ContiguousArray<Float> = []
    public internal(set) var masks: ContiguousArray<Float> = []
    public internal(set) var policies: ContiguousArray<Float> = []
    public internal(set) var values: ContiguousArray<Float> = []

    public init(inputSize: Int, actionCount: Int) {
        self.inputSize = inputSize
        self.actionCount = actionCount
    }

    public var count: Int { values.count }

    /// Appends one sample.
    public mutating func append(
        input: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>, policy: UnsafeBufferPointer<Float>,
        value: Float
    ) {
        precondition(input.count == inputSize && mask.count == actionCount && policy.count == actionCount)
        inputs.append(contentsOf: input)
        masks.append(contentsOf: mask)
        policies.append(contentsOf: policy)
        values.append(value)
    }

    /// `count` samples drawn without replacement, in their original order.
    public func randomSubset(_ count: Int, seed: UInt64) -> SampleSet {
        var rng = Xoshiro256(seed: seed)
        var indices = Array(0..<self.count)
        let picked = min(count, self.count)
        for k in 0..<picked { indices.swapAt(k, Int.random(in: k..<self.count, using: &rng)) }
        var subset = SampleSet(inputSize: inputSize, actionCount: actionCount)
        for index in indices[0..<picked].sorted() {
            inputs.withUnsafeBufferPointer { i in
                masks.withUnsafeBufferPointer { m in
                    policies.withUnsafeBufferPointer { p in
                        subset.append(
                            input: UnsafeBufferPointer(rebasing: i[(index * inputSize)..<((index + 1) * inputSize)]),
                            mask: UnsafeBufferPointer(rebasing: m[(index * actionCount)..<((index + 1) * actionCount)]),
                            policy: UnsafeBufferPointer(
                                rebasing: p[(index * actionCount)..<((index + 1) * actionCount)]),
                            value: values[index])
                    }
                }
            }
        }
        return subset
    }

    public mutating func append(contentsOf other: SampleSet) {
        precondition(other.inputSize == inputSize && other.actionCount == actionCount)
        inputs.append(contentsOf: other.inputs)
        masks.append(contentsOf: other.masks)
        policies.append(contentsOf: other.policies)
        values.append(contentsOf: other.values)
    }

    // MARK: File format

    static let magic = Array("SELFPLAY-SAMPLES\u{1}".utf8)

    /// The on-disk form: magic, a JSON header line, the float arrays (little-endian), and an
    /// FNV-1a checksum of everything before it.
    public func encoded(game: String) -> Data {
        var data = Data(Self.magic)
        let header =
            #"{"game":"\#(game)","inputSize":\#(inputSize),"actionCount":\#(actionCount),"count":\#(count)}"# + "\n"
        data.append(contentsOf: Array(header.utf8))
        for array in [inputs, masks, policies, values] {
            array.withUnsafeBufferPointer {
                data.append(
                    UnsafeBufferPointer(
                        start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self),
                        count: $0.count * 4))
            }
        }
        var checksum = FNV1a.hash(data).littleEndian
        withUnsafeBytes(of: &checksum) { data.append(contentsOf: $0) }
        return data
    }

    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a sample file, refusing foreign, truncated or corrupted ones.
    public static func decode(
        _ data: Data, expectedGame game: String, inputSize: Int, actionCount: Int, source: String
    ) throws -> SampleSet {
        func fail(_ why: String) -> FormatError { FormatError(description: "\(source): \(why)") }
        guard data.count > magic.count + 8, Array(data.prefix(magic.count)) == magic else {
            throw fail("not a SelfPlay sample file")
        }
        let body = data.prefix(data.count - 8)
        let stored = data.suffix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        guard UInt64(littleEndian: stored) == FNV1a.hash(body) else {
            throw fail("checksum mismatch (the file is corrupted or truncated)")
        }
        guard let newline = body[magic.count...].firstIndex(of: UInt8(ascii: "\n")) else {
            throw fail("missing header")
        }
        struct Header: Decodable { var game: String; var inputSize: Int; var actionCount: Int; var count: Int }
        guard let header = try? JSONDecoder().decode(Header.self, from: body[magic.count..<newline]) else {
            throw fail("unreadable header")
        }
        guard header.game == game else { throw fail("samples of \(header.game), not \(game)") }
        guard header.inputSize == inputSize, header.actionCount == actionCount else {
            throw fail("sample shapes do not match the game")
        }
        let floats = header.count * (inputSize + 2 * actionCount + 1)
        let payload = body[(newline + 1)...]
        guard payload.count == floats * 4 else { throw fail("size does not match its header") }
        var set = SampleSet(inputSize: inputSize, actionCount: actionCount)
        payload.withUnsafeBytes { raw in
            var offset = 0
            func read(_ n: Int) -> ContiguousArray<Float> {
                var out = ContiguousArray<Float>(repeating: 0, count: n)
                out.withUnsafeMutableBytes {
                    $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n * 4)]))
                }
                offset += n * 4
                return out
            }
            set.inputs = read(header.count * inputSize)
            set.masks = read(header.count * actionCount)
            set.policies = read(header.count * actionCount)
            set.values = read(header.count)
        }
        return set
    }
}
