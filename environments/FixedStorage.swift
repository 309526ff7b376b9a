/// A fixed number of elements stored inline, so that a game state holding one stays a plain
/// value with no heap storage (copying it copies the elements).
public protocol FixedStorage<Element> {
    associatedtype Element
    /// The number of elements.
    static var capacity: Int { get }
    init(repeating value: Element)
    func element(at index: Int) -> Element
    mutating func set(_ value: Element, at index: Int)
    /// Whether one of the first `count` elements satisfies `matches`, read in place (a loop of
    /// `element(at:)` on a stored property may copy the whole storage for every element).
    func containsElement(inFirst count: Int, where matches: (Element) -> Bool) -> Bool
}

extension InlineArray: FixedStorage where Element: Copyable {
    public static var capacity: Int { count }

    @inlinable @inline(__always) public func element(at index: Int) -> Element { self[index] }

    @inlinable @inline(__always) public mutating func set(_ value: Element, at index: Int) { self[index] = value }

    @inlinable public func containsElement(inFirst count: Int, where matches: (Element) -> Bool) -> Bool {
        for index in 0..<count where matches(self[index]) { return true }
        return false
    }
}
