import Foundation

/// The error for a configuration key that does not exist or a value that does not fit.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension TrainingConfiguration {
    /// Applies `key=value` overrides, e.g. `selfPlay.games=128` or `evaluation.references=["random"]`.
    /// Unknown keys and values of the wrong type are refused with a message naming the key.
    public func applying(overrides: [String]) throws -> TrainingConfiguration {
        guard !overrides.isEmpty else { return self }
        let encoder = JSONEncoder()
        var tree = try JSONSerialization.jsonObject(with: encoder.encode(self)) as! [String: Any]
        for override in overrides {
            guard let equals = override.firstIndex(of: "=") else {
                throw ConfigurationError("'\(override)' is not key=value")
            }
            let key = String(override[..<equals])
            let text = String(override[override.index(after: equals)...])
            let path = key.split(separator: ".").map(String.init)
            guard !path.isEmpty else { throw ConfigurationError("empty key in '\(override)'") }
            let value: Any
            if let data = text.data(using: .utf8),
                let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            {
                value = parsed
            } else {
                value = text
            }
            let before = tree
            tree = try Self.set(value, at: path[...], in: tree, fullKey: key)
            // Decoded after each key, so that a value of the wrong type or range is named.
            guard (try? Self.decoded(tree)) != nil else {
                let current = path.reduce(before as Any?) { ($0 as? [String: Any])?[$1] }
                let example =
                    current
                    .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed]) }
                    .map { " (the current value is \(String(decoding: $0, as: UTF8.self)))" } ?? ""
                let shown = text.count > 80 ? text.prefix(80) + "…" : text
                throw ConfigurationError("bad value for \(key): '\(shown)' does not fit\(example)")
            }
        }
        return try Self.decoded(tree)
    }

    private static func decoded(_ tree: [String: Any]) throws -> TrainingConfiguration {
        try JSONDecoder().decode(TrainingConfiguration.self, from: JSONSerialization.data(withJSONObject: tree))
    }

    private static func set(
        _ value: Any, at path: ArraySlice<String>, in object: [String: Any], fullKey: String
    ) throws -> [String: Any] {
        var object = object
        let head = path.first!
        let known = object.keys.sorted()
        guard let existing = object[head] else {
            // Optional keys that are currently null are absent from the encoding.
            if path.count == 1, optionalKeys.contains(fullKey) { object[head] = value; return object }
            throw ConfigurationError(
                "unknown key '\(fullKey)'; '\(head)' is not one of: \(known.joined(separator: ", "))")
        }
        if path.count == 1 {
            if let group = existing as? [String: Any], !(value is [String: Any]) {
                let example = group.keys.sorted().first ?? ""
                throw ConfigurationError("'\(fullKey)' is a group; set one of its keys, e.g. \(fullKey).\(example)")
            }
            object[head] = value
        } else {
            guard let child = existing as? [String: Any] else {
                throw ConfigurationError("'\(head)' in '\(fullKey)' has no sub-keys")
            }
            object[head] = try set(value, at: path.dropFirst(), in: child, fullKey: fullKey)
        }
        return object
    }

    /// Keys whose value may be null (and so be missing from the encoded configuration).
    static let optionalKeys: Set<String> = ["arena.gatingThreshold", "search.fpuReduction"]
}

extension TrainingConfiguration {
    /// Applies every key of a JSON object (nested groups allowed) as an override.
    public func applying(json data: Data, source: String) throws -> TrainingConfiguration {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigurationError("\(source) is not a JSON object")
        }
        var overrides: [String] = []
        func flatten(_ object: [String: Any], prefix: String) throws {
            for (key, value) in object {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if let group = value as? [String: Any], !Self.optionalKeys.contains(path), path != "search.root" {
                    try flatten(group, prefix: path)
                } else {
                    let encoded = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
                    overrides.append("\(path)=\(String(decoding: encoded, as: UTF8.self))")
                }
            }
        }
        try flatten(object, prefix: "")
        return try applying(overrides: overrides.sorted())
    }
}
