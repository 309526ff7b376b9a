import Foundation
import NeuralNet
import Testing

@Suite("BLAS")
struct BLASTests {
    /// `GEMM.multiply` is a direct `cblas_sgemm` call: this checks the CBLAS module map, the
    /// link to OpenBLAS and the row-major transpose conventions against a naive Double loop.
    @Test("sgemm matches a naive product for every transpose combination")
    func sgemmMatchesNaive() {
        let seed: UInt64 = 11
        var generator = SplitMix64(seed: seed)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 9), (64, 48, 130), (1, 96, 300)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = generator.uniform(m * k), b = generator.uniform(k * n), c0 = generator.uniform(m * n)
                    let alpha: Float = 0.75, beta: Float = -0.5
                    var c = c0
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            c.withUnsafeMutableBufferPointer { c in
                                GEMM.multiply(
                                    GEMMShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k),
                                    a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!, alpha: alpha, beta: beta)
                            }
                        }
                    }
                    var expected = [Double](repeating: 0, count: m * n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0
                            for p in 0..<k {
                                let aValue = transposeA ? a[p * m + i] : a[i * k + p]
                                let bValue = transposeB ? b[j * k + p] : b[p * n + j]
                                sum += Double(aValue) * Double(bValue)
                            }
                            expected[i * n + j] = Double(alpha) * sum + Double(beta) * Double(c0[i * n + j])
                        }
                    }
                    let difference = maximumDifference(c, expected)
                    #expect(
                        difference < 1e-4 * Double(k),
                        "seed \(seed) \(m)x\(n)x\(k) tA=\(transposeA) tB=\(transposeB): \(difference)")
                }
            }
        }
        print("OpenBLAS core \(BLAS.coreName), \(BLAS.threadCount) threads: \(BLAS.configuration)")
        #expect(BLAS.configuration.contains("OpenBLAS"))
        #expect(!BLAS.coreName.isEmpty)
    }

    @Test("SELFPLAY_BLAS_THREADS and --blas-threads")
    func threadSetting() throws {
        let original = BLAS.threadCount
        defer { BLAS.threadCount = original }
        #expect(try BLAS.applyThreadSetting(environment: ["SELFPLAY_BLAS_THREADS": "1"]) == 1)
        #expect(try BLAS.applyThreadSetting(nil, environment: [:]) == 1)  // unset: unchanged
        #expect(try BLAS.applyThreadSetting(2, environment: ["SELFPLAY_BLAS_THREADS": "1"]) == min(2, BLAS.threadCount))
        #expect(throws: BLAS.InvalidThreadCount.self) {
            try BLAS.applyThreadSetting(environment: ["SELFPLAY_BLAS_THREADS": "zero"])
        }
        #expect(throws: BLAS.InvalidThreadCount.self) { try BLAS.applyThreadSetting(0, environment: [:]) }
    }

    @Test("the sgemm profiler records shapes and time when enabled")
    func profiler() {
        var a = [Float](repeating: 1, count: 6 * 4), c = [Float](repeating: 0, count: 6 * 6)
        let shape = GEMMShape(transposeB: true, m: 6, n: 6, k: 4)
        GEMMProfiler.isEnabled = true
        a.withUnsafeMutableBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                GEMM.multiply(shape, a: a.baseAddress!, b: a.baseAddress!, c: c.baseAddress!)
            }
        }
        GEMMProfiler.isEnabled = false
        #expect((GEMMProfiler.shapes[shape]?.calls ?? 0) >= 1)
        #expect(c.allSatisfy { $0 == 4 })
        #expect(shape.flops == 288 && shape.description == "NT 6x6x4")
    }
}
