#include "WinogradTransforms.h"
#include "Dispatch.h"

#include <string.h>

// No fused multiply-adds: the AVX2 and baseline versions must round alike.
#pragma clang fp contract(off)

// Every function taking or returning vectors is inlined, so no vector crosses a call and the
// ABI note for eight-float vectors in baseline code does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

#define INLINE static inline __attribute__((always_inline))

/// Eight and four floats, loaded and stored unaligned through memcpy: AVX2 takes eight at a time,
/// the baseline's 16 registers of four hold a tile's 16 values of four channels.
typedef float lanes8 __attribute__((vector_size(32)));
typedef int mask8 __attribute__((vector_size(32)));
typedef float lanes4 __attribute__((vector_size(16)));
typedef int mask4 __attribute__((vector_size(16)));

INLINE lanes8 load8(const float *p) {
    lanes8 x;
    memcpy(&x, p, sizeof x);
    return x;
}

INLINE lanes4 load4(const float *p) {
    lanes4 x;
    memcpy(&x, p, sizeof x);
    return x;
}

INLINE void store8(lanes8 x, float *p) { memcpy(p, &x, sizeof x); }
INLINE void store4(lanes4 x, float *p) { memcpy(p, &x, sizeof x); }

/// The cell at (i, j) of the (m + 2)×(m + 2) patch of the m×m tile (ty, tx): its address, or `outside` off
/// the board.
INLINE const float *cell(
    const float *sample, const float *outside, long m, long ty, long tx, long i, long j, selfplay_winograd_chunk k) {
    long y = m * ty - 1 + i, x = m * tx - 1 + j;
    return y >= 0 && y < k.height && x >= 0 && x < k.width ? sample + (y * k.width + x) * k.channels : outside;
}

// The 1-D input transform Bᵀ d, applied along rows, then along columns: (d0 − d2, d1 + d2, d2 − d1, d1 − d3).
#define INPUT_TRANSFORM(TYPE, LOAD, STORE, WIDTH)                                                                \
    for (; c + WIDTH <= k.channels; c += WIDTH) {                                                               \
        TYPE a[4][4];                                                                                           \
        for (int col = 0; col < 4; col++) {                                                                     \
            TYPE d0 = LOAD(d[0][col] + c), d1 = LOAD(d[1][col] + c), d2 = LOAD(d[2][col] + c),                   \
                 d3 = LOAD(d[3][col] + c);                                                                      \
            a[col][0] = d0 - d2, a[col][1] = d1 + d2, a[col][2] = d2 - d1, a[col][3] = d1 - d3;                 \
        }                                                                                                       \
        for (int row = 0; row < 4; row++) {                                                                     \
            TYPE t[4] = {a[0][row] - a[2][row], a[1][row] + a[2][row], a[2][row] - a[1][row],                   \
                         a[1][row] - a[3][row]};                                                                \
            for (int col = 0; col < 4; col++) STORE(t[col], target + (4 * row + col) * k.stride + c);           \
        }                                                                                                       \
    }

INLINE float loadScalar(const float *p) { return *p; }
INLINE void storeScalar(float x, float *p) { *p = x; }


// The 1-D output transform Aᵀ m: (m0 + m1 + m2, m1 − m2 − m3), along rows, then along columns;
// then the epilogue and the store at the tile's four cells.
#define OUTPUT_TRANSFORM(TYPE, LOAD, STORE, WIDTH, RELU)                                                         \
    for (; c + WIDTH <= k.channels; c += WIDTH) {                                                               \
        TYPE r[4][2];                                                                                           \
        for (int row = 0; row < 4; row++) {                                                                     \
            const float *p = source + 4 * row * k.stride + c;                                                  \
            TYPE m0 = LOAD(p), m1 = LOAD(p + k.stride), m2 = LOAD(p + 2 * k.stride), m3 = LOAD(p + 3 * k.stride); \
            r[row][0] = m0 + m1 + m2, r[row][1] = m1 - m2 - m3;                                                 \
        }                                                                                                       \
        TYPE z[2][2];                                                                                           \
        for (int col = 0; col < 2; col++) {                                                                     \
            z[0][col] = r[0][col] + r[1][col] + r[2][col];                                                      \
            z[1][col] = r[1][col] - r[2][col] - r[3][col];                                                      \
        }                                                                                                       \
        for (int i = 0; i < 2; i++) {                                                                           \
            for (int j = 0; j < 2; j++) {                                                                       \
                TYPE value = z[i][j];                                                                           \
                if (e.factor) {                                                                                 \
                    value = value * LOAD(e.factor + c) + LOAD(e.offset + c);                                    \
                    if (e.residual) value = value + LOAD(skip[i][j] + c);                                       \
                    if (e.relu) value = RELU(value);                                                            \
                }                                                                                               \
                STORE(value, y[i][j] + c);                                                                      \
            }                                                                                                   \
        }                                                                                                       \
    }

/// max(x, 0) as Swift's `positivePart` computes it: 0 where x < 0, else x (NaN and −0 kept).
INLINE lanes8 relu8(lanes8 x) {
    mask8 negative = x < (lanes8){0};
    return (lanes8)(~negative & (mask8)x);
}

INLINE lanes4 relu4(lanes4 x) {
    mask4 negative = x < (lanes4){0};
    return (lanes4)(~negative & (mask4)x);
}

INLINE float reluScalar(float x) { return x < 0 ? 0 : x; }


// The adjoint of the output transform, A dy Aᵀ for a tile's 2×2 block of the output gradient:
// (y0, y0 + y1, y0 − y1, −y1) along the block's rows, then along its columns.
#define OUTPUT_ADJOINT(TYPE, LOAD, STORE, WIDTH)                                                                 \
    for (; c + WIDTH <= k.channels; c += WIDTH) {                                                               \
        TYPE zero = (TYPE){0};                                                                                  \
        TYPE y00 = LOAD(dy[0][0] + c), y01 = LOAD(dy[0][1] + c), y10 = LOAD(dy[1][0] + c),                     \
             y11 = LOAD(dy[1][1] + c);                                                                          \
        TYPE left[4] = {y00, y00 + y10, y00 - y10, zero - y10}, right[4] = {y01, y01 + y11, y01 - y11,          \
                                                                            zero - y11};                        \
        for (int row = 0; row < 4; row++) {                                                                     \
            TYPE t[4] = {left[row], left[row] + right[row], left[row] - right[row], zero - right[row]};        \
            for (int col = 0; col < 4; col++) STORE(t[col], target + (4 * row + col) * k.stride + c);           \
        }                                                                                                       \
    }

/// dM[ξ][tile][c] = (A dY Aᵀ)[ξ] for each tile's 2×2 block of the output gradient (0 off the board).
INLINE void adjointOutput(
    int width, const float *outputGradient, long samples, const float *zeros, float *dm, selfplay_winograd_chunk k) {
    long tileRows = (k.height + 1) / 2, tileColumns = (k.width + 1) / 2, tile = 0;
    for (long s = 0; s < samples; s++) {
        const float *sample = outputGradient + s * k.height * k.width * k.channels;
        for (long ty = 0; ty < tileRows; ty++) {
            for (long tx = 0; tx < tileColumns; tx++, tile++) {
                const float *dy[2][2];
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++) dy[i][j] = cell(sample, zeros, 2, ty, tx, i + 1, j + 1, k);
                float *target = dm + tile * k.channels;
                long c = 0;
                if (width == 8) {
                    OUTPUT_ADJOINT(lanes8, load8, store8, 8)
                } else {
                    OUTPUT_ADJOINT(lanes4, load4, store4, 4)
                }
                OUTPUT_ADJOINT(float, loadScalar, storeScalar, 1)
            }
        }
    }
}

// The adjoint of the input transform, B dv Bᵀ: (v0, v1 − v2 + v3, v1 + v2 − v0, −v3) along the rows of
// the tile's 4×4 block, then along its columns; added to `base` (the cell itself, or zeros where this
// tile is the first to reach it) and stored at the patch's cells.
#define INPUT_ADJOINT(TYPE, LOAD, STORE, WIDTH)                                                                  \
    for (; c + WIDTH <= k.channels; c += WIDTH) {                                                               \
        TYPE zero = (TYPE){0}, a[4][4];                                                                         \
        for (int col = 0; col < 4; col++) {                                                                     \
            const float *p = source + col * k.stride + c;                                                      \
            TYPE v0 = LOAD(p), v1 = LOAD(p + 4 * k.stride), v2 = LOAD(p + 8 * k.stride),                        \
                 v3 = LOAD(p + 12 * k.stride);                                                                  \
            a[col][0] = v0, a[col][1] = v1 - v2 + v3, a[col][2] = v1 + v2 - v0, a[col][3] = zero - v3;          \
        }                                                                                                       \
        for (int row = 0; row < 4; row++) {                                                                     \
            TYPE t[4] = {a[0][row], a[1][row] - a[2][row] + a[3][row], a[1][row] + a[2][row] - a[0][row],       \
                         zero - a[3][row]};                                                                     \
            for (int col = 0; col < 4; col++) STORE(LOAD(base[row][col] + c) + t[col], d[row][col] + c);        \
        }                                                                                                       \
    }

/// Adds B dV Bᵀ of each tile into the input gradient at its patch (cells off the board go to `discard`), or
/// unless `accumulate`, stores it at the cells no earlier tile reached: tiles run row by row, and a patch's
/// first two rows (columns) were reached by the tile above (to the left) when there is one.
INLINE void adjointInput(
    int width, const float *dv, long samples, const float *zeros, float *discard, float *inputGradient,
    int accumulate, selfplay_winograd_chunk k) {
    long tileRows = (k.height + 1) / 2, tileColumns = (k.width + 1) / 2, tile = 0;
    for (long s = 0; s < samples; s++) {
        float *sample = inputGradient + s * k.height * k.width * k.channels;
        for (long ty = 0; ty < tileRows; ty++) {
            for (long tx = 0; tx < tileColumns; tx++, tile++) {
                float *d[4][4];
                const float *base[4][4];
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        d[i][j] = (float *)cell(sample, discard, 2, ty, tx, i, j, k);
                        int reached = (i < 2 && ty > 0) || (j < 2 && tx > 0);
                        base[i][j] = accumulate || reached ? d[i][j] : zeros;
                    }
                }
                const float *source = dv + tile * k.channels;
                long c = 0;
                if (width == 8) {
                    INPUT_ADJOINT(lanes8, load8, store8, 8)
                } else {
                    INPUT_ADJOINT(lanes4, load4, store4, 4)
                }
                INPUT_ADJOINT(float, loadScalar, storeScalar, 1)
            }
        }
    }
}

// MARK: F(4×4, 3×3): 4×4 output tiles from 6×6 input patches, for the forward pass only.

// The 1-D input transform Bᵀ x of F(4, 3): (4x0 − 5x2 + x4, x3 + x4 − 4(x1 + x2), x4 − x3 + 4(x1 − x2),
// x4 − x2 + 2(x3 − x1), x4 − x2 − 2(x3 − x1), 4x1 − 5x3 + x5).
#define INPUT_TRANSFORM6_1D(OUT, x0, x1, x2, x3, x4, x5)                                                         \
    {                                                                                                           \
        OUT[0] = (x0 * 4.0f - x2 * 5.0f) + x4;                                                                  \
        OUT[1] = (x3 + x4) - (x1 + x2) * 4.0f;                                                                  \
        OUT[2] = (x4 - x3) + (x1 - x2) * 4.0f;                                                                  \
        OUT[3] = (x4 - x2) + (x3 - x1) * 2.0f;                                                                  \
        OUT[4] = (x4 - x2) - (x3 - x1) * 2.0f;                                                                  \
        OUT[5] = (x1 * 4.0f - x3 * 5.0f) + x5;                                                                  \
    }

// Bᵀ d B for a tile's 6×6 patch, along its columns, then along its rows.
#define INPUT_TRANSFORM6(TYPE, LOAD, STORE, WIDTH)                                                               \
    for (; c + WIDTH <= k.channels; c += WIDTH) {                                                               \
        TYPE a[6][6];                                                                                           \
        for (int col = 0; col < 6; col++) {                                                                     \
            TYPE x0 = LOAD(d[0][col] + c), x1 = LOAD(d[1][col] + c), x2 = LOAD(d[2][col] + c),                  \
                 x3 = LOAD(d[3][col] + c), x4 = LOAD(d[4][col] + c), x5 = LOAD(d[5][col] + c);                  \
            INPUT_TRANSFORM6_1D(a[col], x0, x1, x2, x3, x4, x5)                                                 \
        }                                                                                                       \
        for (int row = 0; row < 6; row++) {                                                                     \
            TYPE t[6];                                                                                          \
            INPUT_TRANSFORM6_1D(t, a[0][row], a[1][row], a[2][row], a[3][row], a[4][row], a[5][row])            \
            for (int col = 0; col < 6; col++) STORE(t[col], target + (6 * row + col) * k.stride + c);           \
        }                                                                                                       \
    }

// The 1-D output transform Aᵀ m of F(4, 3): (m0 + (m1 + m2) + (m3 + m4), (m1 − m2) + 2(m3 − m4),
// (m1 + m2) + 4(m3 + m4), (m1 − m2) + 8(m3 − m4) + m5).
#define OUTPUT_TRANSFORM4_1D(OUT, m0, m1, m2, m3, m4, m5)                                                        \
    {                                                                                                           \
        OUT[0] = (m0 + (m1 + m2)) + (m3 + m4);                                                                  \
        OUT[1] = (m1 - m2) + (m3 - m4) * 2.0f;                                                                  \
        OUT[2] = (m1 + m2) + (m3 + m4) * 4.0f;                                                                  \
        OUT[3] = ((m1 - m2) + (m3 - m4) * 8.0f) + m5;                                                           \
    }

// Aᵀ M A for a tile, along the rows of M, then along its columns; then the epilogue and the store at
// the tile's 16 cells.
#define OUTPUT_TRANSFORM4(TYPE, LOAD, STORE, WIDTH, RELU)                                                        \
    for (; c + WIDTH <= k.channels; c += WIDTH) {                                                               \
        TYPE r[6][4];                                                                                           \
        for (int row = 0; row < 6; row++) {                                                                     \
            const float *p = source + 6 * row * k.stride + c;                                                  \
            OUTPUT_TRANSFORM4_1D(r[row], LOAD(p), LOAD(p + k.stride), LOAD(p + 2 * k.stride),                   \
                                 LOAD(p + 3 * k.stride), LOAD(p + 4 * k.stride), LOAD(p + 5 * k.stride))        \
        }                                                                                                       \
        for (int col = 0; col < 4; col++) {                                                                     \
            TYPE z[4];                                                                                          \
            OUTPUT_TRANSFORM4_1D(z, r[0][col], r[1][col], r[2][col], r[3][col], r[4][col], r[5][col])           \
            for (int i = 0; i < 4; i++) {                                                                       \
                TYPE value = z[i];                                                                              \
                if (e.factor) {                                                                                 \
                    value = value * LOAD(e.factor + c) + LOAD(e.offset + c);                                    \
                    if (e.residual) value = value + LOAD(skip[i][col] + c);                                     \
                    if (e.relu) value = RELU(value);                                                            \
                }                                                                                               \
                STORE(value, y[i][col] + c);                                                                    \
            }                                                                                                   \
        }                                                                                                       \
    }

// MARK: The forward transforms, for either tile.

/// The input transform of tiles of side `tile` (2 or 4) with `width` (8 or 4) floats per vector, then single
/// floats for the tail.
INLINE void transformInput(
    int width, long tile, const float *input, long samples, const float *zeros, float *v,
    selfplay_winograd_chunk k) {
    long tileRows = (k.height + tile - 1) / tile, tileColumns = (k.width + tile - 1) / tile, index = 0;
    for (long s = 0; s < samples; s++) {
        const float *sample = input + s * k.height * k.width * k.channels;
        for (long ty = 0; ty < tileRows; ty++) {
            for (long tx = 0; tx < tileColumns; tx++, index++) {
                const float *d[6][6];
                for (int i = 0; i < tile + 2; i++)
                    for (int j = 0; j < tile + 2; j++) d[i][j] = cell(sample, zeros, tile, ty, tx, i, j, k);
                float *target = v + index * k.channels;
                long c = 0;
                if (tile == 4) {
                    if (width == 8) {
                        INPUT_TRANSFORM6(lanes8, load8, store8, 8)
                    } else {
                        INPUT_TRANSFORM6(lanes4, load4, store4, 4)
                    }
                    INPUT_TRANSFORM6(float, loadScalar, storeScalar, 1)
                } else {
                    if (width == 8) {
                        INPUT_TRANSFORM(lanes8, load8, store8, 8)
                    } else {
                        INPUT_TRANSFORM(lanes4, load4, store4, 4)
                    }
                    INPUT_TRANSFORM(float, loadScalar, storeScalar, 1)
                }
            }
        }
    }
}

/// The output transform of tiles of side `tile` (2 or 4) with `width` (8 or 4) floats per vector, then
/// single floats for the tail.
INLINE void transformOutput(
    int width, long tile, const float *m, long samples, float *output, float *discard,
    selfplay_winograd_epilogue e, selfplay_winograd_chunk k) {
    long tileRows = (k.height + tile - 1) / tile, tileColumns = (k.width + tile - 1) / tile, index = 0;
    long sampleSize = k.height * k.width * k.channels;
    for (long s = 0; s < samples; s++) {
        float *sample = output + s * sampleSize;
        const float *residual = e.residual ? e.residual + s * sampleSize : NULL;
        for (long ty = 0; ty < tileRows; ty++) {
            for (long tx = 0; tx < tileColumns; tx++, index++) {
                // The output cells are the patch's inner tile × tile.
                float *y[4][4];
                const float *skip[4][4];
                for (int i = 0; i < tile; i++) {
                    for (int j = 0; j < tile; j++) {
                        y[i][j] = (float *)cell(sample, discard, tile, ty, tx, i + 1, j + 1, k);
                        skip[i][j] = residual ? cell(residual, discard, tile, ty, tx, i + 1, j + 1, k) : discard;
                    }
                }
                const float *source = m + index * k.channels;
                long c = 0;
                if (tile == 4) {
                    if (width == 8) {
                        OUTPUT_TRANSFORM4(lanes8, load8, store8, 8, relu8)
                    } else {
                        OUTPUT_TRANSFORM4(lanes4, load4, store4, 4, relu4)
                    }
                    OUTPUT_TRANSFORM4(float, loadScalar, storeScalar, 1, reluScalar)
                } else {
                    if (width == 8) {
                        OUTPUT_TRANSFORM(lanes8, load8, store8, 8, relu8)
                    } else {
                        OUTPUT_TRANSFORM(lanes4, load4, store4, 4, relu4)
                    }
                    OUTPUT_TRANSFORM(float, loadScalar, storeScalar, 1, reluScalar)
                }
            }
        }
    }
}

/// The transforms for each tile side, with the vector width as their only free parameter.
INLINE void transformInput2(
    int width, const float *input, long samples, const float *zeros, float *v, selfplay_winograd_chunk k) {
    transformInput(width, 2, input, samples, zeros, v, k);
}

INLINE void transformInput4(
    int width, const float *input, long samples, const float *zeros, float *v, selfplay_winograd_chunk k) {
    transformInput(width, 4, input, samples, zeros, v, k);
}

INLINE void transformOutput2(
    int width, const float *m, long samples, float *output, float *discard, selfplay_winograd_epilogue e,
    selfplay_winograd_chunk k) {
    transformOutput(width, 2, m, samples, output, discard, e, k);
}

INLINE void transformOutput4(
    int width, const float *m, long samples, float *output, float *discard, selfplay_winograd_epilogue e,
    selfplay_winograd_chunk k) {
    transformOutput(width, 4, m, samples, output, discard, e, k);
}

DISPATCH(selfplay_winograd_transform_input, transformInput2,
         (const float *input, long samples, const float *zeros, float *v, selfplay_winograd_chunk k),
         input, samples, zeros, v, k)
DISPATCH(selfplay_winograd_transform_output, transformOutput2,
         (const float *m, long samples, float *output, float *discard, selfplay_winograd_epilogue e,
          selfplay_winograd_chunk k),
         m, samples, output, discard, e, k)
DISPATCH(selfplay_winograd_adjoint_output, adjointOutput,
         (const float *outputGradient, long samples, const float *zeros, float *dm, selfplay_winograd_chunk k),
         outputGradient, samples, zeros, dm, k)
DISPATCH(selfplay_winograd_adjoint_input, adjointInput,
         (const float *dv, long samples, const float *zeros, float *discard, float *inputGradient, int accumulate,
          selfplay_winograd_chunk k),
         dv, samples, zeros, discard, inputGradient, accumulate, k)

DISPATCH(selfplay_winograd4_transform_input, transformInput4,
         (const float *input, long samples, const float *zeros, float *v, selfplay_winograd_chunk k),
         input, samples, zeros, v, k)
DISPATCH(selfplay_winograd4_transform_output, transformOutput4,
         (const float *m, long samples, float *output, float *discard, selfplay_winograd_epilogue e,
          selfplay_winograd_chunk k),
         m, samples, output, discard, e, k)
