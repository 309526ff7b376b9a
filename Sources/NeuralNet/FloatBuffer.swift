/// Flat `Float` storage aligned to 64 bytes (a cache line, and what OpenBLAS's AVX-512
/// kernels want), zero-filled at creation and freed with the object.
public final class FloatBuffer {
    /// The first element.
    public let pointer: UnsafeMutablePointer<Float>
    /// The number of elements.
    public let count: Int

    /// Bytes of alignment of `pointer`.
    public static let alignment = 64

    public init(count: Int) {
        precondition(count >= 0, "negative buffer size")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride,
            alignment: FloatBuffer.alignment)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    /// The whole buffer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// Copies `count` elements from `other` (the counts must match).
    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "buffer sizes differ")
        pointer.update(from: other.pointer, count: count)
    }
}

/// Hands out 64-byte-aligned slices of one `FloatBuffer`: a workspace is laid out with
/// `reserve` first, then allocated once.
struct ArenaLayout {
    private(set) var count = 0

    /// Reserves `elements` floats and returns their offset (a multiple of 16 floats).
    mutating func reserve(_ elements: Int) -> Int {
        let offset = count
        count += (elements + 15) / 16 * 16
        return offset
    }
}
