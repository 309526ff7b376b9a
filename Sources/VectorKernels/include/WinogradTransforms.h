#ifndef SELFPLAY_WINOGRAD_TRANSFORMS_H
#define SELFPLAY_WINOGRAD_TRANSFORMS_H

/// The transforms of Winograd F(2×2, 3×3) for channels-last boards (the algorithm and
/// its notation are in Sources/NeuralNet/Winograd.swift), in an AVX2 and a baseline copy
/// (VectorKernels.h): AVX2's eight floats per instruction fit the 16 values of a 4×4 tile in registers.

/// One chunk of samples: `height` × `width` boards of `channels` values per cell, and the floats
/// between the 16 matrices of the transform domain.
typedef struct {
    long height;
    long width;
    long channels;
    long stride;
} selfplay_winograd_chunk;

/// `y = relu?(factor · z + offset + residual)` per channel as the output is written; `factor`
/// NULL writes z as it is. `residual` (NULL: none) points at the chunk's first sample.
typedef struct {
    const float *factor;
    const float *offset;
    const float *residual;
    int relu;
} selfplay_winograd_epilogue;

/// V[ξ][tile][c] = (Bᵀ d B)[ξ] for each 2×2 tile's 4×4 input patch d of `samples` samples from
/// `input`; cells off the board read `zeros` (`channels` zeros).
void selfplay_winograd_transform_input(
    const float *input, long samples, const float *zeros, float *v, selfplay_winograd_chunk chunk);

/// Each tile's 2×2 output Aᵀ M A, through `epilogue`, at its cells of `samples` samples from
/// `output`; cells off the board go to `discard` (`channels` floats).
void selfplay_winograd_transform_output(
    const float *m, long samples, float *output, float *discard, selfplay_winograd_epilogue epilogue,
    selfplay_winograd_chunk chunk);

/// dM[ξ][tile][c] = (A dY Aᵀ)[ξ] for each tile's 2×2 block of the output gradient of `samples`
/// samples from `outputGradient`; cells off the board read `zeros`.
void selfplay_winograd_adjoint_output(
    const float *outputGradient, long samples, const float *zeros, float *dm, selfplay_winograd_chunk chunk);

/// Adds B dV Bᵀ of each tile into `inputGradient` (`samples` samples) at the tile's 4×4 patch; cells off
/// the board go to `discard`. Unless `accumulate`, what `inputGradient` held is overwritten (each cell's
/// first tile adds to `zeros`, `channels` zeros, instead), so it needs no zeroing beforehand.
void selfplay_winograd_adjoint_input(
    const float *dv, long samples, const float *zeros, float *discard, float *inputGradient, int accumulate,
    selfplay_winograd_chunk chunk);

/// F(4×4, 3×3), forward only: V[ξ][tile][c] = (Bᵀ d B)[ξ] (36 entries ξ) for each 4×4 tile's 6×6 input
/// patch d, as `selfplay_winograd_transform_input` does for 2×2 tiles.
void selfplay_winograd4_transform_input(
    const float *input, long samples, const float *zeros, float *v, selfplay_winograd_chunk chunk);

/// F(4×4, 3×3): each tile's 4×4 output Aᵀ M A through `epilogue`, as `selfplay_winograd_transform_output`
/// does for 2×2 tiles.
void selfplay_winograd4_transform_output(
    const float *m, long samples, float *output, float *discard, selfplay_winograd_epilogue epilogue,
    selfplay_winograd_chunk chunk);

#endif
