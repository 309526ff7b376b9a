#include <cblas.h>

/// The IEEE square root without C's errno side effect. Swift's `Float.squareRoot()` goes through
/// `sqrtf`, which keeps a scalar call for negative inputs and so stops loops from vectorizing;
/// this one compiles to `sqrtps` in a vectorized loop and gives the same, correctly rounded, result.
static inline float selfplay_sqrtf(float x) { return __builtin_elementwise_sqrt(x); }
