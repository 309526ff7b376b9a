import Foundation

/// Element-wise activations.
public enum Activation {
    /// `x = max(x, 0)` in place.
    public static func relu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func step<V: FloatLanes>(_: V.Type, _ i: Int) {
            V(loading: values + i).positivePart.store(to: values + i)
        }
        forEachLane(count, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
    }

    /// Zeroes `gradient` where the ReLU's `output` is 0.
    public static func reluBackward(output: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func step<V: FloatLanes>(_: V.Type, _ i: Int) {
            V(loading: gradient + i).masked(by: V(loading: output + i)).store(to: gradient + i)
        }
        forEachLane(count, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
    }
}
