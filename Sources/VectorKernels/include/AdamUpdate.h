#ifndef SELFPLAY_ADAM_UPDATE_H
#define SELFPLAY_ADAM_UPDATE_H

/// One Adam step's constants (Sources/NeuralNet/Optimizer.swift computes them). Per value, with the
/// weight w, its gradient g and moments m and v:
///     gradient = g · gradientScale + decay · w
///     m' = momentum · m + oneMinusMomentum · gradient
///     v' = beta2 · v + oneMinusBeta2 · gradient · gradient
///     w' = w − rate · (m' · firstCorrection) / (√(v' · secondCorrection) + epsilon)
typedef struct {
    float rate;
    float momentum;
    float oneMinusMomentum;
    float beta2;
    float oneMinusBeta2;
    float epsilon;
    float decay;
    float gradientScale;
    float firstCorrection;
    float secondCorrection;
} selfplay_adam_step;

/// Sets `*nonFinite` to 1 if any of the `count` values' new weight or moments would be infinite or NaN,
/// else to 0, writing nothing else.
void selfplay_adam_check(
    const float *weights, const float *gradients, const float *first, const float *second, long count,
    selfplay_adam_step step, int *nonFinite);

/// Writes the `count` values' new weights and moments in place.
void selfplay_adam_commit(
    float *weights, const float *gradients, float *first, float *second, long count, selfplay_adam_step step);

#endif
