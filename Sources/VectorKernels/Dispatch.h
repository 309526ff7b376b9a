#ifndef SELFPLAY_DISPATCH_H
#define SELFPLAY_DISPATCH_H

/// Nonzero where the AVX2 copies of the kernels run: the processor has AVX2 and
/// `selfplay_kernels_force_baseline` is off.
int selfplay_kernels_have_avx2(void);

#if defined(__x86_64__)
/// Defines NAME(PARAMS), which runs BODY with eight floats per vector in an AVX2 copy where the
/// processor has AVX2, else with four; the arguments after PARAMS name the parameters.
#define DISPATCH(NAME, BODY, PARAMS, ...)                                                                        \
    __attribute__((target("avx2"))) static void BODY##AVX2 PARAMS { BODY(8, __VA_ARGS__); }                     \
    void NAME PARAMS {                                                                                          \
        if (selfplay_kernels_have_avx2()) {                                                                     \
            BODY##AVX2(__VA_ARGS__);                                                                            \
        } else {                                                                                                \
            BODY(4, __VA_ARGS__);                                                                               \
        }                                                                                                       \
    }
#else
#define DISPATCH(NAME, BODY, PARAMS, ...)                                                                        \
    void NAME PARAMS { BODY(4, __VA_ARGS__); }
#endif

#endif
