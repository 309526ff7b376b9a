/// `text` cut to `limit` characters with a note of its full length, for echoing user input.
public func abbreviated(_ text: some StringProtocol, limit: Int = 80) -> String {
    guard text.count > limit else { return String(text) }
    return "\(text.prefix(limit))… (\(text.count) characters)"
}
