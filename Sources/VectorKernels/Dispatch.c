#include "Dispatch.h"
#include "VectorKernels.h"

/// Set by `selfplay_kernels_force_baseline`; read atomically, as kernels may run on any thread.
static int baselineForced;

void selfplay_kernels_force_baseline(int on) { __atomic_store_n(&baselineForced, on != 0, __ATOMIC_RELAXED); }

#if defined(__x86_64__)
int selfplay_kernels_have_avx2(void) {
    if (__atomic_load_n(&baselineForced, __ATOMIC_RELAXED)) return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
#else
int selfplay_kernels_have_avx2(void) { return 0; }
#endif

const char *selfplay_kernels_instruction_set(void) { return selfplay_kernels_have_avx2() ? "avx2" : "baseline"; }
