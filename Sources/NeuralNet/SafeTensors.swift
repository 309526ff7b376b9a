import Foundation

/// The safetensors file format, F32 tensors only: an 8-byte little-endian header length,
/// a JSON header (`{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
/// ..., "__metadata__": {"key": "value"}}`, padded with spaces to a multiple of 8 bytes), then
/// the raw little-endian tensor data, offsets counted from the end of the header.
public enum SafeTensors {
    /// A tensor to write.
    public struct Tensor {
        public var name: String
        public var shape: [Int]
        public var values: UnsafeBufferPointer<Float>

        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            precondition(
                shape.reduce(1, *) == values.count,
                "tensor \(name): shape \(shape) does not match \(values.count) values")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// A parsed file: the tensors' shapes and where their values are, and the metadata.
    public struct File {
        public struct Entry: Sendable {
            public var shape: [Int]
            /// Byte range in `data`.
            fileprivate var bytes: Range<Int>
        }

        public let entries: [String: Entry]
        public let metadata: [String: String]
        private let data: Data

        /// Parses and validates `data`; throws `NetworkError.badCheckpoint` saying what is wrong.
        public init(data: Data) throws(NetworkError) {
            self.data = data
            guard data.count >= 8 else {
                throw .badCheckpoint(
                    "the file has \(data.count) bytes, fewer than the 8-byte header length of a safetensors file")
            }
            let headerLength = data.prefix(8).withUnsafeBytes {
                UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))
            }
            let available = UInt64(data.count - 8)
            guard headerLength <= available else {
                throw .badCheckpoint(
                    "the header length field says \(headerLength) bytes but only \(available) follow it "
                        + "(truncated, or not a safetensors file)")
            }
            guard headerLength >= 2, headerLength <= 100_000_000 else {
                throw .badCheckpoint("implausible header length \(headerLength) (not a safetensors file?)")
            }
            let headerEnd = 8 + Int(headerLength)
            let header = data.subdata(in: 8..<headerEnd)
            guard header.first == UInt8(ascii: "{") else {
                throw .badCheckpoint("the header does not start with a JSON object (not a safetensors file?)")
            }
            let parsed: Header
            do {
                parsed = try JSONDecoder().decode(Header.self, from: header)
            } catch {
                throw .badCheckpoint("the header is not valid safetensors JSON: \(describeDecodingError(error))")
            }
            metadata = parsed.metadata
            let dataSize = data.count - headerEnd
            var entries: [String: Entry] = [:]
            var ranges: [(range: Range<Int>, name: String)] = []
            for (name, tensor) in parsed.tensors {
                guard tensor.dtype == "F32" else {
                    throw .badCheckpoint("tensor '\(name)' has dtype \(tensor.dtype); only F32 is supported")
                }
                guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
                    throw .badCheckpoint("tensor '\(name)' has a negative dimension in shape \(tensor.shape)")
                }
                var elements = 1
                for dimension in tensor.shape {
                    let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                    guard !overflow, product <= dataSize else {
                        throw .badCheckpoint(
                            "tensor '\(name)' with shape \(tensor.shape) is larger than the file's data")
                    }
                    elements = product
                }
                guard tensor.dataOffsets.count == 2 else {
                    throw .badCheckpoint("tensor '\(name)' has \(tensor.dataOffsets.count) data offsets instead of 2")
                }
                let begin = tensor.dataOffsets[0], end = tensor.dataOffsets[1]
                guard 0 <= begin, begin <= end, end <= dataSize else {
                    throw .badCheckpoint(
                        "tensor '\(name)' claims bytes \(begin)..<\(end) but the data section has \(dataSize) bytes "
                            + "(truncated file?)")
                }
                guard end - begin == elements * 4 else {
                    throw .badCheckpoint(
                        "tensor '\(name)' has \(end - begin) bytes of data but shape \(tensor.shape) "
                            + "needs \(elements * 4)")
                }
                entries[name] = Entry(shape: tensor.shape, bytes: (headerEnd + begin)..<(headerEnd + end))
                ranges.append(((begin..<end), name))
            }
            ranges.sort { $0.range.lowerBound < $1.range.lowerBound }
            for (previous, next) in zip(ranges, ranges.dropFirst())
            where previous.range.upperBound > next.range.lowerBound {
                throw .badCheckpoint("tensors '\(previous.name)' and '\(next.name)' overlap")
            }
            self.entries = entries
        }

        /// Copies the values of `name` into `destination` (which holds exactly its element count).
        public func copyValues(of name: String, into destination: UnsafeMutableBufferPointer<Float>) {
            guard let entry = entries[name] else { preconditionFailure("no tensor \(name)") }
            precondition(entry.bytes.count == destination.count * 4, "destination size differs from tensor \(name)")
            data.withUnsafeBytes { raw in
                for i in destination.indices {
                    let bits = raw.loadUnaligned(fromByteOffset: entry.bytes.lowerBound + 4 * i, as: UInt32.self)
                    destination[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
        }

        /// The values of `name`, or nil if there is no such tensor.
        public func values(of name: String) -> [Float]? {
            guard let entry = entries[name] else { return nil }
            var values = [Float](repeating: 0, count: entry.bytes.count / 4)
            values.withUnsafeMutableBufferPointer { copyValues(of: name, into: $0) }
            return values
        }
    }

    /// The bytes of a file holding `tensors` (in that order) and `metadata`.
    public static func encode(tensors: [Tensor], metadata: [String: String]) -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for tensor in tensors {
            precondition(header[tensor.name] == nil, "duplicate tensor name \(tensor.name)")
            let size = tensor.values.count * 4
            header[tensor.name] =
                ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        // Strings, integers, arrays and dictionaries only: serialization cannot fail.
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        json.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for tensor in tensors {
            var bits = [UInt32](repeating: 0, count: tensor.values.count)
            for i in tensor.values.indices { bits[i] = tensor.values[i].bitPattern.littleEndian }
            bits.withUnsafeBytes { file.append(contentsOf: $0) }
        }
        return file
    }

    /// The header as JSON: tensor entries and the optional metadata map.
    private struct Header: Decodable {
        struct TensorEntry: Decodable {
            var dtype: String
            var shape: [Int]
            var dataOffsets: [Int]

            enum CodingKeys: String, CodingKey {
                case dtype, shape
                case dataOffsets = "data_offsets"
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var tensors: [String: TensorEntry] = [:]
        var metadata: [String: String] = [:]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    tensors[key.stringValue] = try container.decode(TensorEntry.self, forKey: key)
                }
            }
        }
    }
}

/// A short reason for a JSON decoding error: what is wrong and at which key.
public func describeDecodingError(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "" : " at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
    }
    switch error {
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return "unexpected value\(path(context)): \(context.debugDescription)"
    case .keyNotFound(let key, let context):
        return "missing '\(key.stringValue)'\(path(context))"
    case .dataCorrupted(let context):
        return "\(context.debugDescription)\(path(context))"
    @unknown default:
        return "\(error)"
    }
}
