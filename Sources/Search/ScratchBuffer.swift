/// A fixed-size, zero-filled buffer of `Element`s that frees itself: the one owner of the raw
/// memory that searches hand to evaluators (inputs, masks, priors, values), so that no search
/// allocates or frees raw memory itself. Pointers taken from `buffer` live as long as the owner.
final class ScratchBuffer<Element: BitwiseCopyable> {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(count: Int, zero: Element) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: zero)
    }

    deinit { buffer.deallocate() }
}
