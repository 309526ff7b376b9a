/// The element-wise kernels are written once over `FloatLanes` and run with eight floats at
/// a time (`SIMD8<Float>`) while eight remain, then with single floats for the tail, so
/// that they vectorize whatever the channel count.
protocol FloatLanes {
    init(loading pointer: UnsafePointer<Float>)
    init(repeating value: Float)
    func store(to pointer: UnsafeMutablePointer<Float>)
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    /// `self` where `condition > 0`, else 0 (a ReLU's backward mask).
    func masked(by condition: Self) -> Self
    /// `max(self, 0)`.
    var positivePart: Self { get }
}

extension Float: FloatLanes {
    @inline(__always) init(loading pointer: UnsafePointer<Float>) { self = pointer.pointee }
    @inline(__always) init(repeating value: Float) { self = value }
    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
    @inline(__always) func masked(by condition: Float) -> Float { condition > 0 ? self : 0 }
    @inline(__always) var positivePart: Float { Swift.max(self, 0) }
}

extension SIMD8: FloatLanes where Scalar == Float {
    @inline(__always) init(loading pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD8<Float>.self)
    }
    @inline(__always) func masked(by condition: SIMD8<Float>) -> SIMD8<Float> {
        replacing(with: 0, where: condition .<= 0)
    }
    @inline(__always) var positivePart: SIMD8<Float> { replacing(with: 0, where: self .< 0) }
}

extension SIMD4: FloatLanes where Scalar == Float {
    @inline(__always) init(loading pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }
    @inline(__always) func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD4<Float>.self)
    }
    @inline(__always) func masked(by condition: SIMD4<Float>) -> SIMD4<Float> {
        replacing(with: 0, where: condition .<= 0)
    }
    @inline(__always) var positivePart: SIMD4<Float> { replacing(with: 0, where: self .< 0) }
}

/// Calls `wide` for offsets 0, `width`, 2·`width`, ... while `width` elements remain in
/// `0..<count`, then `narrow` for each remaining offset.
@inline(__always)
func forEachLane(_ count: Int, width: Int = 8, wide: (Int) -> Void, narrow: (Int) -> Void) {
    var j = 0
    while j + width <= count {
        wide(j)
        j += width
    }
    while j < count {
        narrow(j)
        j += 1
    }
}

/// `target[i] += source[i]`.
@inline(__always)
func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
    @inline(__always) func step<V: FloatLanes>(_: V.Type, _ i: Int) {
        (V(loading: target + i) + V(loading: source + i)).store(to: target + i)
    }
    forEachLane(count, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
}

/// `Σ values[i]²`, summed in eight lanes.
func sumOfSquares(_ values: UnsafePointer<Float>, count: Int) -> Float {
    var wide = SIMD8<Float>(repeating: 0), narrow: Float = 0
    forEachLane(
        count,
        wide: {
            let x = SIMD8<Float>(loading: values + $0)
            wide += x * x
        },
        narrow: { narrow += values[$0] * values[$0] })
    return wide.sum() + narrow
}

/// `sums[j] = Σ_rows matrix[row, j]`.
func columnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
    sums.update(repeating: 0, count: columns)
    for row in 0..<rows { add(matrix + row * columns, into: sums, count: columns) }
}
