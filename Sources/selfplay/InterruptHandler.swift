import Foundation
import Synchronization

/// Set by Ctrl-C; the training loop stops at the next safe point.
let interruptRequested = Atomic<Bool>(false)

/// Ctrl-C (or SIGTERM, as Slurm and Kubernetes send) once: stop after what is complete. Twice:
/// exit at once (still nothing is torn).
func installInterruptHandler() {
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber) { _ in
            if interruptRequested.load(ordering: .relaxed) { _exit(130) }
            interruptRequested.store(true, ordering: .relaxed)
        }
    }
}
