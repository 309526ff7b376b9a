import VectorKernels

/// Which copy of the C kernels runs (`Sources/VectorKernels`: the Winograd transforms and Adam's update,
/// each compiled for AVX2 and for the baseline).
public enum VectorKernelCopies {
    /// The instruction set the kernels run with on this processor: "avx2" or "baseline".
    public static var instructionSet: String { String(cString: selfplay_kernels_instruction_set()) }

    /// Makes the kernels run their baseline copies even where the processor has AVX2 (`true`), or choose
    /// by processor again (`false`): for tests that compare the two.
    public static func forceBaseline(_ on: Bool) { selfplay_kernels_force_baseline(on ? 1 : 0) }
}
