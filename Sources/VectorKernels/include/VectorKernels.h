#ifndef SELFPLAY_VECTOR_KERNELS_H
#define SELFPLAY_VECTOR_KERNELS_H

#include "AdamUpdate.h"
#include "WinogradTransforms.h"

/// The kernels of this target are written in C because Swift has no per-function target attributes:
/// on x86-64 each is compiled twice, for AVX2 (eight floats per instruction) and for the baseline
/// (four), and each call runs the copy the processor supports. Both copies do the same operations
/// in the same order (no fused multiply-adds), so they give the same bits.

/// The instruction set the kernels run with on this processor: "avx2" or "baseline".
const char *selfplay_kernels_instruction_set(void);

/// With `on` nonzero, the kernels run their baseline copies even where the processor has AVX2
/// (for the tests that both give the same bits); zero restores the choice by processor.
void selfplay_kernels_force_baseline(int on);

#endif
