import Dispatch
import VectorKernels

// Winograd F(2×2, 3×3) for channels-last 3×3 "same" convolutions: the board is cut into
// 2×2 output tiles, each read from a 4×4 input patch (zero outside the board). With
// V = Bᵀ d B per patch and channel, U = G g Gᵀ per filter, and M = U ⊙ V summed over input
// channels, a tile's output is Aᵀ M A. The sum over channels is 16 sgemms (one per entry
// ξ of the 4×4 transform domain) over all tiles of a chunk of samples: 16 multiply-adds per
// tile instead of 36, so 2.25× fewer on boards of even size (8×8) and 1.97× on 6×7.
//
// The backward pass is the exact adjoint: dM = A dY Aᵀ per output tile, dU[ξ] = Σ dM[ξ]ᵀ V[ξ]
// (sgemm), dg = Gᵀ dU G; dV[ξ] = dM[ξ] U[ξ] (sgemm), and B dV Bᵀ is added into the input
// gradient at the patch's 16 cells (patches overlap by two rows and columns; a cell's first tile
// stores rather than adds, so the gradient is not zeroed first).
//
// F(4×4, 3×3) does the forward pass with 4×4 output tiles read from 6×6 patches: 36 products per 16
// outputs where F(2×2, 3×3) takes 64 (and the direct convolution 144); with the partial tiles at the
// edges, 1.33× fewer multiply-adds than F(2×2, 3×3) on 6×7 and 1.78× on 8×8, for larger transforms.
// It has no backward pass here: the backward pass is F(2×2, 3×3)'s, the adjoint of the same convolution.
//
// The per-tile transforms of inputs, outputs and their gradients are C (Sources/VectorKernels),
// compiled for AVX2 where the processor has it; the weight transforms, once per call, stay here.

/// Four values of one transform axis.
typealias Quad<L> = (L, L, L, L)

@inline(__always) private func weightTransform<L: FloatLanes>(_ g0: L, _ g1: L, _ g2: L) -> Quad<L> {
    let half = L(repeating: 0.5), outer = g0 + g2
    return (g0, half * (outer + g1), half * (outer - g1), g2)
}

@inline(__always) private func weightAdjoint<L: FloatLanes>(_ u: Quad<L>) -> (L, L, L) {
    let half = L(repeating: 0.5)
    return (u.0 + half * (u.1 + u.2), half * (u.1 - u.2), half * (u.1 + u.2) + u.3)
}

/// G g of F(4, 3), (g0/4, −(g0 + g1 + g2)/6, −(g0 − g1 + g2)/6, g0/24 + g1/12 + g2/6, g0/24 − g1/12 + g2/6,
/// g2), stored `step` floats apart.
@inline(__always) private func weightTransform6<L: FloatLanes>(
    _ g0: L, _ g1: L, _ g2: L, into target: UnsafeMutablePointer<Float>, step: Int
) {
    let outer = g0 + g2, sixth = L(repeating: -1 / 6)
    let far = g0 * L(repeating: 1 / 24) + g2 * L(repeating: 1 / 6), middle = g1 * L(repeating: 1 / 12)
    (g0 * L(repeating: 0.25)).store(to: target)
    (sixth * (outer + g1)).store(to: target + step)
    (sixth * (outer - g1)).store(to: target + 2 * step)
    (far + middle).store(to: target + 3 * step)
    (far - middle).store(to: target + 4 * step)
    g2.store(to: target + 5 * step)
}

@inline(__always) private func store<L: FloatLanes>(_ v: Quad<L>, _ p: Quad<UnsafeMutablePointer<Float>>, _ j: Int) {
    v.0.store(to: p.0 + j); v.1.store(to: p.1 + j); v.2.store(to: p.2 + j); v.3.store(to: p.3 + j)
}

/// The inference batch norm (and residual add and ReLU) applied to a convolution's output
/// as it is written: `y = relu?(factor · z + offset + residual)`, per output channel.
public struct ConvolutionEpilogue {
    public let factor: UnsafePointer<Float>
    public let offset: UnsafePointer<Float>
    public let residual: UnsafePointer<Float>?
    public let relu: Bool

    public init(
        factor: UnsafePointer<Float>, offset: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
        relu: Bool
    ) {
        self.factor = factor
        self.offset = offset
        self.residual = residual
        self.relu = relu
    }

    /// Applies the epilogue in place to `rows` rows of `channels` values.
    func apply(to output: UnsafeMutablePointer<Float>, rows: Int, channels: Int) {
        for row in 0..<rows {
            let y = output + row * channels, r = residual.map { $0 + row * channels }
            @inline(__always) func step<L: FloatLanes>(_: L.Type, _ j: Int) {
                store(L(loading: y + j), to: y + j, channel: j, residual: r)
            }
            forEachLane(channels, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
    }

    /// Writes the epilogue of `z` (channels `channel...`) to `y`; `residual` points at the row.
    @inline(__always)
    func store<L: FloatLanes>(
        _ z: L, to y: UnsafeMutablePointer<Float>, channel: Int,
        residual: UnsafePointer<Float>?
    ) {
        var v = z * L(loading: factor + channel) + L(loading: offset + channel)
        if let residual { v = v + L(loading: residual + channel) }
        (relu ? v.positivePart : v).store(to: y)
    }
}

/// The Winograd kernels of one 3×3 channels-last convolution shape.
struct Winograd: Sendable, Hashable {
    let inputChannels: Int
    let outputChannels: Int
    let height: Int
    let width: Int
    /// The side of an output tile: 2 (F(2×2, 3×3), forward and backward) or 4 (F(4×4, 3×3), forward only).
    let tile: Int
    /// Whether the forward pass stores U[ξ] in × out, so that its products have no transposed operand,
    /// rather than out × in.
    var forwardWeightsInByOut = Winograd.untransposedProductsFaster

    /// OpenBLAS's AVX-512 kernels (SkylakeX, Cooperlake) run these products without a transposed operand
    /// through their small-matrix kernels, without packing: 1.1–1.3× inside sgemm on Connect Four's
    /// ResNet 4×48. Its AVX2 kernels ran both alike, and the transposition costs there (benchmarks/README.md,
    /// "the forward products without a transposed operand").
    static let untransposedProductsFaster = ["SkylakeX", "Cooperlake", "SapphireRapids"].contains(BLAS.coreName)

    /// The target number of tiles per chunk (the row count of each of the 16 sgemms).
    /// (192 measured best among 96–512 for 64 filters on 6×7 and 8×8, one OpenBLAS thread.)
    static let tilesPerChunk = 192

    /// The fewest tiles in a call for which the default convolution takes this path.
    static let minimumTiles = 64

    var cells: Int { height * width }
    var tileRows: Int { (height + tile - 1) / tile }
    var tileColumns: Int { (width + tile - 1) / tile }
    var tiles: Int { tileRows * tileColumns }
    /// The entries ξ of the transform domain: a patch's cells.
    var points: Int { (tile + 2) * (tile + 2) }

    /// The products per sample and pair of channels: the multiply-adds of the sgemms.
    var products: Int { tiles * points }

    /// The output tile for the forward pass of this shape: 4 where F(4×4, 3×3) needs at most
    /// `largeTileProducts` of F(2×2, 3×3)'s products (its larger transforms cost the rest), else 2.
    static func forwardTile(height: Int, width: Int) -> Int {
        let small = Winograd(inputChannels: 1, outputChannels: 1, height: height, width: width, tile: 2)
        let large = Winograd(inputChannels: 1, outputChannels: 1, height: height, width: width, tile: 4)
        return Double(large.products) <= largeTileProducts * Double(small.products) ? 4 : 2
    }

    /// Measured (benchmarks/README.md, 2026-12-03): F(4×4) ran slower on 6×7 boards, at 0.75 of the
    /// products, and faster on 8×8, at 0.56.
    static let largeTileProducts = 0.7

    func chunkSamples(batch: Int) -> Int { max(1, min(batch, Winograd.tilesPerChunk / tiles)) }

    /// The most threads a pass splits its chunks over, each calling a one-thread OpenBLAS
    /// (when OpenBLAS is set to at least that many): its small sgemms split badly.
    static let workers = 2

    /// Scratch floats: U (`points` × out × in), then per worker dU (the same size), V and M for a
    /// chunk, one row of zeros and one of discards.
    func scratchCount(batch: Int) -> Int {
        points * outputChannels * inputChannels + Winograd.workers * workerScratchCount(batch: batch)
    }

    private func workerScratchCount(batch: Int) -> Int {
        let rows = chunkSamples(batch: batch) * tiles, c = inputChannels, f = outputChannels
        let transformed =
            Winograd.domainStride(rows: rows, channels: c)
            + Winograd.domainStride(rows: rows, channels: f)
        return points * (f * c + transformed) + 2 * max(c, f)
    }

    /// Floats between the matrices of a transform-domain buffer: the matrix size rounded so
    /// that ξ · stride falls on a different cache line modulo 4 KiB for each ξ (a stride that is
    /// a multiple of 4 KiB makes the transforms' 16 or 36 streams collide in the L1 cache).
    static func domainStride(rows: Int, channels: Int) -> Int { (rows * channels + 1023) / 1024 * 1024 + 16 }

    private struct Scratch {
        let u, du, v, m, zeros, discard: UnsafeMutablePointer<Float>
    }

    private func split(_ scratch: UnsafeMutablePointer<Float>, batch: Int, worker: Int = 0) -> Scratch {
        let rows = chunkSamples(batch: batch) * tiles, c = inputChannels, f = outputChannels
        let u = scratch, du = u + points * f * c + worker * workerScratchCount(batch: batch), v = du + points * f * c
        let m = v + points * Winograd.domainStride(rows: rows, channels: c)
        let zeros = m + points * Winograd.domainStride(rows: rows, channels: f)
        zeros.update(repeating: 0, count: max(c, f))
        return Scratch(u: u, du: du, v: v, m: m, zeros: zeros, discard: zeros + max(c, f))
    }

    func forward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        batch: Int, scratch: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue?
    ) {
        // The first worker's dU and V, unused until the pass starts, hold U[ξ] as out × in before its
        // transposition and the F(4×4) transform's intermediate columns.
        let s = split(scratch, batch: batch), transformed = forwardWeightsInByOut ? s.du : s.u
        if tile == 4 {
            transformWeights6(weight, into: transformed, columns: s.v)
        } else {
            transformWeights(weight, into: transformed)
        }
        if forwardWeightsInByOut { transposeEach(s.du, into: s.u) }
        let pass = ForwardPass(
            kernels: self, input: input, output: output, batch: batch, scratch: scratch,
            epilogue: epilogue)
        let threads = BLAS.threadCount, workers = min(Winograd.workers, threads, pass.chunks)
        guard workers > 1 else { return pass.run(worker: 0, of: 1) }
        BLAS.threadCount = 1
        defer { BLAS.threadCount = threads }
        DispatchQueue.concurrentPerform(iterations: workers) { pass.run(worker: $0, of: workers) }
    }

    /// One forward call's chunks, shared by the worker threads. Unchecked Sendable: worker
    /// `w` of `n` writes only the output rows of chunks `w, w + n, …` and its own scratch; the
    /// input and the transformed weights are only read.
    private struct ForwardPass: @unchecked Sendable {
        let kernels: Winograd
        let input: UnsafePointer<Float>
        let output: UnsafeMutablePointer<Float>
        let batch: Int
        let scratch: UnsafeMutablePointer<Float>
        let epilogue: ConvolutionEpilogue?

        var chunk: Int { kernels.chunkSamples(batch: batch) }
        var chunks: Int { (batch + chunk - 1) / chunk }

        func run(worker: Int, of workers: Int) {
            let k = kernels, s = k.split(scratch, batch: batch, worker: worker)
            let c = k.inputChannels, f = k.outputChannels
            for index in stride(from: worker, to: chunks, by: workers) {
                let first = index * chunk, samples = first..<min(first + chunk, batch), rows = samples.count * k.tiles
                let vStride = Winograd.domainStride(rows: rows, channels: c)
                let mStride = Winograd.domainStride(rows: rows, channels: f)
                k.transformInput(input, samples: samples, zeros: s.zeros, into: s.v)
                for xi in 0..<k.points {
                    GEMM.multiply(
                        GEMMShape(transposeB: !k.forwardWeightsInByOut, m: rows, n: f, k: c), a: s.v + xi * vStride,
                        b: s.u + xi * f * c, c: s.m + xi * mStride)
                }
                k.transformOutput(s.m, samples: samples, output: output, discard: s.discard, epilogue: epilogue)
            }
        }
    }

    func backward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        batch: Int, scratch: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool
    ) {
        precondition(tile == 2, "the backward pass is F(2×2, 3×3)'s")
        if inputGradient != nil { transformWeights(weight, into: split(scratch, batch: batch).u) }
        let pass = BackwardPass(
            kernels: self, input: input, outputGradient: outputGradient,
            inputGradient: inputGradient, accumulate: accumulate, batch: batch, scratch: scratch)
        let threads = BLAS.threadCount, workers = min(Winograd.workers, threads, pass.chunks)
        if workers > 1 {
            BLAS.threadCount = 1
            DispatchQueue.concurrentPerform(iterations: workers) { pass.run(worker: $0, of: workers) }
            BLAS.threadCount = threads
        } else {
            pass.run(worker: 0, of: 1)
        }
        let du = split(scratch, batch: batch).du, count = 16 * outputChannels * inputChannels
        for worker in 1..<workers { add(split(scratch, batch: batch, worker: worker).du, into: du, count: count) }
        adjointWeights(du, into: weightGradient)
    }

    /// One backward call's chunks, shared by the worker threads. Unchecked Sendable: worker
    /// `w` of `n` writes only the input-gradient rows of chunks `w, w + n, …` and its own
    /// scratch (its dU among it); everything else is only read.
    private struct BackwardPass: @unchecked Sendable {
        let kernels: Winograd
        let input: UnsafePointer<Float>
        let outputGradient: UnsafePointer<Float>
        let inputGradient: UnsafeMutablePointer<Float>?
        let accumulate: Bool
        let batch: Int
        let scratch: UnsafeMutablePointer<Float>

        var chunk: Int { kernels.chunkSamples(batch: batch) }
        var chunks: Int { (batch + chunk - 1) / chunk }

        func run(worker: Int, of workers: Int) {
            let k = kernels, s = k.split(scratch, batch: batch, worker: worker)
            let c = k.inputChannels, f = k.outputChannels
            for index in stride(from: worker, to: chunks, by: workers) {
                let first = index * chunk, samples = first..<min(first + chunk, batch), rows = samples.count * k.tiles
                let vStride = Winograd.domainStride(rows: rows, channels: c)
                let mStride = Winograd.domainStride(rows: rows, channels: f)
                k.transformInput(input, samples: samples, zeros: s.zeros, into: s.v)
                k.adjointOutput(outputGradient, samples: samples, zeros: s.zeros, into: s.m)
                for xi in 0..<16 {
                    GEMM.multiply(
                        GEMMShape(transposeA: true, m: f, n: c, k: rows), a: s.m + xi * mStride,
                        b: s.v + xi * vStride, c: s.du + xi * f * c, beta: index == worker ? 0 : 1)
                }
                guard let inputGradient else { continue }
                for xi in 0..<16 {
                    GEMM.multiply(
                        GEMMShape(m: rows, n: c, k: f), a: s.m + xi * mStride, b: s.u + xi * f * c,
                        c: s.v + xi * vStride)
                }
                k.adjointInput(
                    s.v, samples: samples, zeros: s.zeros, discard: s.discard, into: inputGradient,
                    accumulate: accumulate)
            }
        }
    }

    // MARK: Transforms

    /// U[ξ][f][c] = (G g Gᵀ)[ξ] for the `[out, ky, kx, in]` weights.
    private func transformWeights(_ weight: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let c = inputChannels, stride = outputChannels * c
        for f in 0..<outputChannels {
            let g = weight + f * 9 * c, target = u + f * c
            @inline(__always) func step<L: FloatLanes>(_: L.Type, _ j: Int) {
                func tap(_ k: Int) -> L { L(loading: g + k * c + j) }
                // Along ky for each kx, then along kx.
                let columns = (
                    weightTransform(tap(0), tap(3), tap(6)), weightTransform(tap(1), tap(4), tap(7)),
                    weightTransform(tap(2), tap(5), tap(8))
                )
                let rows = (
                    weightTransform(columns.0.0, columns.1.0, columns.2.0),
                    weightTransform(columns.0.1, columns.1.1, columns.2.1),
                    weightTransform(columns.0.2, columns.1.2, columns.2.2),
                    weightTransform(columns.0.3, columns.1.3, columns.2.3)
                )
                let p = target + j
                store(rows.0, (p, p + stride, p + 2 * stride, p + 3 * stride), 0)
                store(rows.1, (p + 4 * stride, p + 5 * stride, p + 6 * stride, p + 7 * stride), 0)
                store(rows.2, (p + 8 * stride, p + 9 * stride, p + 10 * stride, p + 11 * stride), 0)
                store(rows.3, (p + 12 * stride, p + 13 * stride, p + 14 * stride, p + 15 * stride), 0)
            }
            forEachLane(c, width: 4, wide: { step(SIMD4<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
    }

    /// U[ξ][f][c] = (G g Gᵀ)[ξ] of F(4×4, 3×3) (36 entries ξ) for the `[out, ky, kx, in]` weights;
    /// `columns` holds 18 × in floats of scratch.
    private func transformWeights6(
        _ weight: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>
    ) {
        let c = inputChannels, stride = outputChannels * c
        // Along ky for each kx into `columns` ([3·row + kx][c]), then along kx for each of the six rows.
        for f in 0..<outputChannels {
            let g = weight + f * 9 * c
            @inline(__always) func step<L: FloatLanes>(_: L.Type, _ j: Int) {
                func tap(_ k: Int) -> L { L(loading: g + k * c + j) }
                for kx in 0..<3 {
                    weightTransform6(tap(kx), tap(3 + kx), tap(6 + kx), into: columns + kx * c + j, step: 3 * c)
                }
                for row in 0..<6 {
                    let r = columns + 3 * row * c + j
                    weightTransform6(
                        L(loading: r), L(loading: r + c), L(loading: r + 2 * c),
                        into: u + 6 * row * stride + f * c + j, step: stride)
                }
            }
            forEachLane(c, wide: { step(SIMD8<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
    }

    /// Each of the `points` out × in matrices of `source`, transposed into `target`.
    private func transposeEach(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        let c = inputChannels, f = outputChannels
        for xi in 0..<points {
            let from = source + xi * f * c, to = target + xi * f * c
            // Eight rows at a time, so that each store is eight contiguous floats of a target row.
            var row = 0
            while row + 8 <= f {
                let r = from + row * c
                for column in 0..<c {
                    let p = r + column
                    SIMD8(p[0], p[c], p[2 * c], p[3 * c], p[4 * c], p[5 * c], p[6 * c], p[7 * c])
                        .store(to: to + column * f + row)
                }
                row += 8
            }
            for tail in row..<f {
                for column in 0..<c { to[column * f + tail] = from[tail * c + column] }
            }
        }
    }

    /// dW[f, ky, kx, c] = (Gᵀ dU G)[ky, kx].
    private func adjointWeights(_ du: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>) {
        let c = inputChannels, stride = outputChannels * c
        for f in 0..<outputChannels {
            let source = du + f * c, target = weightGradient + f * 9 * c
            @inline(__always) func step<L: FloatLanes>(_: L.Type, _ j: Int) {
                func entry(_ xi: Int) -> L { L(loading: source + xi * stride + j) }
                func row(_ a: Int) -> (L, L, L) {
                    weightAdjoint((entry(4 * a), entry(4 * a + 1), entry(4 * a + 2), entry(4 * a + 3)))
                }
                let r = (row(0), row(1), row(2), row(3))
                let k0 = weightAdjoint((r.0.0, r.1.0, r.2.0, r.3.0)), k1 = weightAdjoint((r.0.1, r.1.1, r.2.1, r.3.1))
                let k2 = weightAdjoint((r.0.2, r.1.2, r.2.2, r.3.2))
                // k0 is kx = 0 over ky = 0...2, and so on.
                func write(_ column: (L, L, L), _ kx: Int) {
                    column.0.store(to: target + kx * c + j)
                    column.1.store(to: target + (3 + kx) * c + j)
                    column.2.store(to: target + (6 + kx) * c + j)
                }
                write(k0, 0); write(k1, 1); write(k2, 2)
            }
            forEachLane(c, width: 4, wide: { step(SIMD4<Float>.self, $0) }, narrow: { step(Float.self, $0) })
        }
    }

    /// The geometry of a chunk of `samples` samples for the C transforms, with `channels` per cell.
    private func chunk(samples: Int, channels: Int) -> selfplay_winograd_chunk {
        selfplay_winograd_chunk(
            height: height, width: width, channels: channels,
            stride: Winograd.domainStride(rows: samples * tiles, channels: channels))
    }

    /// V[ξ][row][c] = (Bᵀ d B)[ξ] for each tile's patch d of the input.
    private func transformInput(
        _ input: UnsafePointer<Float>, samples: Range<Int>, zeros: UnsafePointer<Float>,
        into v: UnsafeMutablePointer<Float>
    ) {
        let c = inputChannels, geometry = chunk(samples: samples.count, channels: c)
        let transform = tile == 4 ? selfplay_winograd4_transform_input : selfplay_winograd_transform_input
        transform(input + samples.lowerBound * cells * c, samples.count, zeros, v, geometry)
    }

    /// Adds B dV Bᵀ of each tile into the input gradient at its patch; unless `accumulate`, overwrites
    /// what the input gradient held (no zeroing first).
    private func adjointInput(
        _ dv: UnsafePointer<Float>, samples: Range<Int>, zeros: UnsafePointer<Float>,
        discard: UnsafeMutablePointer<Float>, into inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let c = inputChannels
        selfplay_winograd_adjoint_input(
            dv, samples.count, zeros, discard, inputGradient + samples.lowerBound * cells * c, accumulate ? 1 : 0,
            chunk(samples: samples.count, channels: c))
    }

    /// Each tile's 2×2 output Aᵀ M A, written (through `epilogue` if given) at its cells on the board.
    private func transformOutput(
        _ m: UnsafePointer<Float>, samples: Range<Int>, output: UnsafeMutablePointer<Float>,
        discard: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue?
    ) {
        let f = outputChannels, base = samples.lowerBound * cells * f
        let folded = selfplay_winograd_epilogue(
            factor: epilogue?.factor, offset: epilogue?.offset, residual: epilogue?.residual.map { $0 + base },
            relu: epilogue?.relu == true ? 1 : 0)
        let transform = tile == 4 ? selfplay_winograd4_transform_output : selfplay_winograd_transform_output
        transform(m, samples.count, output + base, discard, folded, chunk(samples: samples.count, channels: f))
    }

    /// dM[ξ][row][f] = (A dY Aᵀ)[ξ] for each tile's 2×2 block of the output gradient (0 off the board).
    private func adjointOutput(
        _ outputGradient: UnsafePointer<Float>, samples: Range<Int>, zeros: UnsafePointer<Float>,
        into dm: UnsafeMutablePointer<Float>
    ) {
        let f = outputChannels
        selfplay_winograd_adjoint_output(
            outputGradient + samples.lowerBound * cells * f, samples.count, zeros, dm,
            chunk(samples: samples.count, channels: f))
    }
}
