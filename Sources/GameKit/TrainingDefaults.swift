/// A game's default training settings: the configuration keys it changes, named as
/// `selfplay train --set key=value` names them, e.g. `"selfPlay.games": 256`.
///
/// A game depends on GameKit alone, while the training configuration lives in Training, which
/// depends on the games; so a game cannot fill in a `TrainingConfiguration` itself. It lists its
/// changes instead, and Training applies them to the base configuration with the code that
/// applies `--set`, which refuses an unknown key or a value of the wrong type by name.
public struct TrainingDefaults: Sendable, ExpressibleByDictionaryLiteral {
    /// The changed keys with their values, in the order written.
    public let settings: [(key: String, value: SettingValue)]

    public init(dictionaryLiteral elements: (String, SettingValue)...) {
        settings = elements.map { (key: $0.0, value: $0.1) }
    }
}

/// A configuration value written as a Swift literal: a flag, a whole number, a number, text or a list.
public enum SettingValue: Sendable, Hashable, Encodable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral
{
    case flag(Bool)
    case integer(Int)
    case number(Double)
    case text(String)
    indirect case list([SettingValue])

    public init(booleanLiteral value: Bool) { self = .flag(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(arrayLiteral elements: SettingValue...) { self = .list(elements) }

    /// Encodes the bare value (a JSON boolean, number, string or array).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .flag(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .list(let values): try container.encode(values)
        }
    }
}
