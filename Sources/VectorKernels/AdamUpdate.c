#include "AdamUpdate.h"
#include "Dispatch.h"

#include <string.h>

// No fused multiply-adds: the AVX2 and baseline copies, and the scalar tail, must round alike.
#pragma clang fp contract(off)

// Every function taking or returning vectors is inlined, so no vector crosses a call.
#pragma clang diagnostic ignored "-Wpsabi"

#define INLINE static inline __attribute__((always_inline))

/// Vectors of 8, 4 and 1 floats (the last for the tail) and their bit patterns.
#define VECTOR_TYPES(W)                                                                                         \
    typedef float floats##W __attribute__((vector_size(4 * W)));                                                \
    typedef unsigned bits##W __attribute__((vector_size(4 * W)));
VECTOR_TYPES(8)
VECTOR_TYPES(4)
VECTOR_TYPES(1)

/// The new first moment, second moment and weight of the W values at index i, as AdamUpdate.h writes them.
#define ADAM_VALUES(W)                                                                                          \
    floats##W w, g, m, v;                                                                                       \
    memcpy(&w, weights + i, sizeof w);                                                                          \
    memcpy(&g, gradients + i, sizeof g);                                                                        \
    memcpy(&m, first + i, sizeof m);                                                                            \
    memcpy(&v, second + i, sizeof v);                                                                           \
    floats##W gradient = g * s.gradientScale + s.decay * w;                                                     \
    floats##W mean = s.momentum * m + s.oneMinusMomentum * gradient;                                            \
    floats##W square = s.beta2 * v + s.oneMinusBeta2 * gradient * gradient;                                     \
    floats##W root = __builtin_elementwise_sqrt(square * s.secondCorrection);                                   \
    floats##W weight = w - s.rate * (mean * s.firstCorrection) / (root + s.epsilon);

/// The sign bit of each lane that is infinite or NaN (exponent bits all set), else 0: adding one to the
/// exponent field carries out of it only when the field is full.
#define NON_FINITE(W, x) ((((bits##W)(x) & 0x7f800000u) + 0x00800000u) & 0x80000000u)

#define CHECK_LOOP(W)                                                                                           \
    {                                                                                                           \
        bits##W flags = {0};                                                                                    \
        for (; i + W <= count; i += W) {                                                                        \
            ADAM_VALUES(W)                                                                                      \
            flags |= NON_FINITE(W, mean) | NON_FINITE(W, square) | NON_FINITE(W, weight);                       \
        }                                                                                                       \
        for (int lane = 0; lane < W; lane++) found |= flags[lane];                                              \
    }

#define COMMIT_LOOP(W)                                                                                          \
    for (; i + W <= count; i += W) {                                                                            \
        ADAM_VALUES(W)                                                                                          \
        memcpy(first + i, &mean, sizeof mean);                                                                  \
        memcpy(second + i, &square, sizeof square);                                                             \
        memcpy(weights + i, &weight, sizeof weight);                                                            \
    }

INLINE void check(
    int width, const float *weights, const float *gradients, const float *first, const float *second, long count,
    selfplay_adam_step s, int *nonFinite) {
    long i = 0;
    unsigned found = 0;
    if (width == 8) CHECK_LOOP(8)
    CHECK_LOOP(4)
    CHECK_LOOP(1)
    *nonFinite = found != 0;
}

INLINE void commit(
    int width, float *weights, const float *gradients, float *first, float *second, long count,
    selfplay_adam_step s) {
    long i = 0;
    if (width == 8) COMMIT_LOOP(8)
    COMMIT_LOOP(4)
    COMMIT_LOOP(1)
}

DISPATCH(selfplay_adam_check, check,
         (const float *weights, const float *gradients, const float *first, const float *second, long count,
          selfplay_adam_step s, int *nonFinite),
         weights, gradients, first, second, count, s, nonFinite)
DISPATCH(selfplay_adam_commit, commit,
         (float *weights, const float *gradients, float *first, float *second, long count, selfplay_adam_step s),
         weights, gradients, first, second, count, s)
