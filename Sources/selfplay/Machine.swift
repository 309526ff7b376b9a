import Foundation
import NeuralNet

/// The CPU as /proc/cpuinfo describes it, and OpenBLAS's view of it.
struct Machine {
    var model = "unknown CPU"
    var family = "?"
    var modelNumber = "?"
    var megahertz: Double?
    var flags: Set<String> = []
    var cores = ProcessInfo.processInfo.activeProcessorCount

    static func current() -> Machine {
        var machine = Machine()
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "model name" where machine.model == "unknown CPU": machine.model = parts[1]
            case "cpu family" where machine.family == "?": machine.family = parts[1]
            case "model" where machine.modelNumber == "?": machine.modelNumber = parts[1]
            case "cpu MHz" where machine.megahertz == nil: machine.megahertz = Double(parts[1])
            case "flags" where machine.flags.isEmpty:
                machine.flags = Set(parts[1].split(separator: " ").map(String.init))
            default: break
            }
        }
        return machine
    }

    /// fp32 lanes of the widest FMA the flags advertise, and its name.
    var vector: (lanes: Int, name: String) {
        if flags.contains("avx512f") { return (16, "AVX-512") }
        if flags.contains("avx2") && flags.contains("fma") { return (8, "AVX2+FMA") }
        if flags.contains("avx") { return (8, "AVX") }
        return (4, "SSE")
    }

    var estimatedPeakGFLOPS: Double { Double(cores) * (megahertz ?? 0) / 1000 * 2 * Double(vector.lanes) * 2 }

    var peakExplanation: String {
        String(
            format: "%.1f GFLOP/s = %d cores x %.2f GHz x 2 FMA units x %d lanes (%@) x 2 flops "
                + "(assumes two FMA pipes per core at the /proc/cpuinfo clock; --peak-gflops overrides)",
            estimatedPeakGFLOPS, cores, (megahertz ?? 0) / 1000, vector.lanes, vector.name)
    }

    /// The 1, 5 and 15 minute load averages from /proc/loadavg, e.g. `"2.10 1.95 1.80"`.
    static var loadAverage: String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "unknown"
    }

    func printHeader() {
        let date = ISO8601DateFormatter().string(from: Date())
        print("date: \(date), load average \(Self.loadAverage) (other jobs on the machine skew the figures)")
        print(
            "cpu: \(model) (family \(family), model \(modelNumber)), \(cores) cores, "
                + "\(megahertz.map { String(format: "%.0f MHz", $0) } ?? "unknown clock"), widest SIMD \(vector.name)")
        print(
            "OpenBLAS: core \(BLAS.coreName), \(BLAS.threadCount) threads, OPENBLAS_CORETYPE="
                + "\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)"); \(BLAS.configuration)")
        print(
            "C kernels: \(VectorKernelCopies.instructionSet); OPENBLAS_THREAD_TIMEOUT="
                + (ProcessInfo.processInfo.environment[OpenBLASThreadTimeout.variable] ?? "(unset)"))
    }
}
