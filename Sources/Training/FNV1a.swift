import Foundation

/// 64-bit FNV-1a, for configuration hashes and file checksums.
public enum FNV1a {
    public static func hash(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    public static func hex(_ data: Data) -> String { String(format: "%016llx", hash(data)) }
}
