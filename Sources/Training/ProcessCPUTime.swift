import Foundation

/// The CPU time this process has used so far, all threads together.
public enum ProcessCPUTime {
    public static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
