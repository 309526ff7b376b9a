import CBLAS
import Foundation
import Synchronization

/// Facts about the OpenBLAS library in use, for benchmarks and logs.
public enum BLAS {
    /// The kernel family OpenBLAS picked at load time (e.g. `Haswell`, `Cooperlake`, `Zen`).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string.
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The environment variable that `applyThreadSetting(_:)` reads: a positive integer,
    /// the number of OpenBLAS threads (the CLI's `--blas-threads` takes precedence over it).
    public static let threadsEnvironmentVariable = "SELFPLAY_BLAS_THREADS"

    /// A thread count that is not a positive integer.
    public struct InvalidThreadCount: Error, CustomStringConvertible {
        public var text: String
        public var source: String
        public var description: String { "\(source) must be a positive integer, not '\(text)'" }
    }

    /// Sets OpenBLAS's thread count from `requested` if given, otherwise from the
    /// `SELFPLAY_BLAS_THREADS` environment variable if set; otherwise leaves OpenBLAS's default.
    /// Returns the thread count in effect.
    @discardableResult
    public static func applyThreadSetting(
        _ requested: Int? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Int {
        if let requested {
            guard requested > 0 else { throw InvalidThreadCount(text: String(requested), source: "--blas-threads") }
            threadCount = requested
        } else if let text = environment[threadsEnvironmentVariable] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw InvalidThreadCount(text: text, source: threadsEnvironmentVariable)
            }
            threadCount = value
        }
        return threadCount
    }
}

/// The shape of one matrix product `C[m×n] = op(A)[m×k] · op(B)[k×n]`.
public struct GEMMShape: Hashable, Sendable, CustomStringConvertible {
    public var transposeA: Bool
    public var transposeB: Bool
    public var m: Int
    public var n: Int
    public var k: Int

    public init(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int) {
        self.transposeA = transposeA; self.transposeB = transposeB
        self.m = m; self.n = n; self.k = k
    }

    /// Floating-point operations of one product (a multiply-add counts as two).
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    public var description: String { "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") \(m)x\(n)x\(k)" }
}

/// Every matrix product of the module: row-major `cblas_sgemm` on contiguous matrices.
public enum GEMM {
    /// `C = alpha · op(A) · op(B) + beta · C`, all row-major and contiguous: op(A) is m×k
    /// (A is stored k×m when `transposeA`), op(B) is k×n (stored n×k when `transposeB`), C is m×n.
    /// Transposes go through sgemm's flags; nothing is copied.
    @inline(__always)
    public static func multiply(
        _ shape: GEMMShape, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, alpha: Float = 1, beta: Float = 0
    ) {
        if GEMMProfiler.enabled.load(ordering: .relaxed) {
            let start = GEMMProfiler.now()
            call(shape, a, b, c, alpha, beta)
            GEMMProfiler.record(shape, nanoseconds: GEMMProfiler.now() &- start)
        } else {
            call(shape, a, b, c, alpha, beta)
        }
    }

    /// With `beta` 0, C is zeroed here and sgemm runs with `beta` 1, which skips its own zeroing pass:
    /// on OpenBLAS 0.3.21's Zen kernels that pass stores one float at a time and took a quarter
    /// as long as the product itself in the Winograd convolutions' small sgemms. Same bits.
    @inline(__always)
    private static func call(
        _ s: GEMMShape, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        _ c: UnsafeMutablePointer<Float>, _ alpha: Float, _ beta: Float
    ) {
        if beta == 0 { c.update(repeating: 0, count: s.m * s.n) }
        cblas_sgemm(
            CblasRowMajor, s.transposeA ? CblasTrans : CblasNoTrans, s.transposeB ? CblasTrans : CblasNoTrans,
            Int32(s.m), Int32(s.n), Int32(s.k), alpha,
            a, Int32(s.transposeA ? s.m : s.k), b, Int32(s.transposeB ? s.k : s.n), beta == 0 ? 1 : beta, c,
            Int32(s.n))
    }
}

/// An optional timer around every `GEMM.multiply` call, off by default (then it costs one
/// relaxed atomic load per product). Benchmarks switch it on to see the time spent in sgemm
/// and the shapes the network issues.
public enum GEMMProfiler {
    /// Time and call count for one shape.
    public struct Entry: Sendable {
        public var calls: Int
        public var seconds: Double
    }

    static let enabled = Atomic<Bool>(false)
    private static let entries = Mutex<[GEMMShape: Entry]>([:])

    /// Whether products are being timed and recorded.
    public static var isEnabled: Bool {
        get { enabled.load(ordering: .relaxed) }
        set { enabled.store(newValue, ordering: .relaxed) }
    }

    /// Forgets everything recorded so far.
    public static func reset() { entries.withLock { $0.removeAll() } }

    /// Calls and time per shape since the last `reset()`.
    public static var shapes: [GEMMShape: Entry] { entries.withLock { $0 } }

    /// Calls, seconds and floating-point operations summed over all shapes.
    public static var totals: (calls: Int, seconds: Double, flops: Double) {
        shapes.reduce(into: (0, 0.0, 0.0)) { sum, item in
            sum.0 += item.value.calls
            sum.1 += item.value.seconds
            sum.2 += item.key.flops * Double(item.value.calls)
        }
    }

    static func record(_ shape: GEMMShape, nanoseconds: UInt64) {
        entries.withLock { table in
            table[shape, default: Entry(calls: 0, seconds: 0)].calls += 1
            table[shape, default: Entry(calls: 0, seconds: 0)].seconds += Double(nanoseconds) * 1e-9
        }
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
