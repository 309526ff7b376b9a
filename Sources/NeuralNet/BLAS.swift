import CBLAS

/// Facts about the OpenBLAS library in use, for benchmarks and logs.
public enum BLAS {
    /// The kernel family OpenBLAS picked at load time (e.g. `Haswell`, `Cooperlake`).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string.
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
