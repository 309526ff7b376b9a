/// A fixed number of elements stored inline, so that a game state holding one stays a plain
/// value with no heap storage (copying it copies the elements).
public protocol FixedStorage<Element> {
    associatedtype Element: Equatable
    /// The number of elements.
    static var capacity: Int { get }
    init(repeating value: Element)
    func element(at index: Int) -> Element
    mutating func set(_ value: Element, at index: Int)
    /// Whether `value` is among the elements at indices `0..<count`.
    func contains(_ value: Element, inFirst count: Int) -> Bool
}

extension InlineArray: FixedStorage where Element: Copyable & Equatable {
    public static var capacity: Int { count }

    @inlinable @inline(__always) public func element(at index: Int) -> Element { self[index] }

    @inlinable @inline(__always) public mutating func set(_ value: Element, at index: Int) { self[index] = value }

    @inlinable public func contains(_ value: Element, inFirst count: Int) -> Bool {
        let elements = span
        for index in 0..<count where elements[index] == value { return true }
        return false
    }
}
