import Foundation

/// The counter of a preloaded malloc interposer (benchmarks/nn/malloc_count.c), if present.
enum MallocCounter {
    typealias Count = @convention(c) () -> UInt64

    static func load() -> Count? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "selfplay_malloc_count") else {
            return nil
        }
        return unsafeBitCast(symbol, to: Count.self)
    }
}
