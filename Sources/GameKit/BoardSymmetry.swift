/// A symmetry of a game's board: a permutation of the board's cells and the matching
/// permutation of the action indices.
///
/// `cellMap[c]` is where cell `c` goes; `actionMap[a]` is where action `a` goes.
public struct BoardSymmetry: Sendable, Hashable {
    public var name: String
    public var cellMap: [Int]
    public var actionMap: [Int]

    public init(name: String, cellMap: [Int], actionMap: [Int]) {
        self.name = name
        self.cellMap = cellMap
        self.actionMap = actionMap
    }

    /// The symmetry that undoes this one.
    public var inverse: BoardSymmetry {
        BoardSymmetry(name: "inverse of \(name)", cellMap: Self.invert(cellMap), actionMap: Self.invert(actionMap))
    }

    private static func invert(_ map: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: map.count)
        for (from, to) in map.enumerated() { inverse[to] = from }
        return inverse
    }

    /// Maps a plane-major encoding: every plane's cells move by `cellMap`.
    public func transformPlanes(_ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>) {
        let cells = cellMap.count
        precondition(source.count % cells == 0 && target.count >= source.count)
        var base = 0
        while base < source.count {
            for cell in 0..<cells { target[base + cellMap[cell]] = source[base + cell] }
            base += cells
        }
    }

    /// Maps a policy vector by `actionMap`.
    public func transformPolicy(_ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>) {
        precondition(source.count == actionMap.count && target.count >= source.count)
        for action in 0..<actionMap.count { target[actionMap[action]] = source[action] }
    }

    /// Maps an action index.
    @inlinable public func transform(action: Int) -> Int { actionMap[action] }

    /// The eight symmetries of a square board (rotations and reflections), identity first.
    /// Actions are cells (`row * size + column`) followed by `extraActions` fixed ones (e.g. pass).
    public static func dihedral(size: Int, extraActions: Int = 0) -> [BoardSymmetry] {
        let transforms: [(String, (Int, Int) -> (Int, Int))] = [
            ("identity", { r, c in (r, c) }),
            ("rotate 90", { r, c in (c, size - 1 - r) }),
            ("rotate 180", { r, c in (size - 1 - r, size - 1 - c) }),
            ("rotate 270", { r, c in (size - 1 - c, r) }),
            ("mirror left-right", { r, c in (r, size - 1 - c) }),
            ("mirror up-down", { r, c in (size - 1 - r, c) }),
            ("transpose", { r, c in (c, r) }),
            ("anti-transpose", { r, c in (size - 1 - c, size - 1 - r) }),
        ]
        return transforms.map { name, f in
            var cells = [Int](repeating: 0, count: size * size)
            for r in 0..<size {
                for c in 0..<size {
                    let (r2, c2) = f(r, c)
                    cells[r * size + c] = r2 * size + c2
                }
            }
            let actions = cells + (0..<extraActions).map { size * size + $0 }
            return BoardSymmetry(name: name, cellMap: cells, actionMap: actions)
        }
    }
}
