/// Named tensors packed into one aligned buffer, each starting on a 64-byte boundary.
final class TensorStore {
    let specs: [TensorSpec]
    /// Where each spec's values start in `storage`.
    let offsets: [Int]
    let storage: FloatBuffer
    private let indexByName: [String: Int]

    init(specs: [TensorSpec]) {
        var layout = ArenaLayout()
        offsets = specs.map { layout.reserve($0.count) }
        self.specs = specs
        storage = FloatBuffer(count: layout.count)
        indexByName = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($0.element.name, $0.offset) })
    }

    /// The start of the tensor called `name` (which must exist).
    func pointer(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let index = indexByName[name] else { preconditionFailure("no tensor \(name)") }
        return storage.pointer + offsets[index]
    }

    func index(of name: String) -> Int? { indexByName[name] }

    /// The tensor at `index` as a buffer inside `base` (this store's storage or a buffer of the same layout).
    func slice(_ index: Int, in base: UnsafeMutablePointer<Float>) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base + offsets[index], count: specs[index].count)
    }
}
