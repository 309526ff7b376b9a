import Foundation

/// OpenBLAS's idle worker threads poll with `sched_yield` for 2^28 cycles (about 0.1 s) after every
/// multi-threaded call; on 2 cores that takes a core from the Winograd workers, which run their sgemms
/// on one OpenBLAS thread each. `OPENBLAS_THREAD_TIMEOUT=16` lets them poll for 2^16 cycles (about
/// 27 µs), enough to catch the next call of a forward pass, then sleep: batched search with the
/// Connect Four ResNet 6×64 runs 1.2–1.3× faster, the MLP as fast as before (benchmarks/README.md).
/// OpenBLAS reads the variable when the library loads, before `main`, so a process started without it
/// sets it and replaces itself with a fresh copy of the same program, once. A value already set is kept.
enum OpenBLASThreadTimeout {
    static let variable = "OPENBLAS_THREAD_TIMEOUT"
    static let value = "16"

    /// Re-executes the program with the variable set unless it is set already; returns (and runs on
    /// with OpenBLAS's default) only if that is impossible, e.g. where `/proc/self/exe` does not exist.
    static func ensure() {
        guard getenv(variable) == nil else { return }
        setenv(variable, value, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
