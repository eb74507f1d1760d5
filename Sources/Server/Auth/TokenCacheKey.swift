import Foundation

/// The key under which a verified token is cached: its signed part (header and claims) and
/// its signature, an ES256 signature with `s` in its low form (`s` ≤ n/2 of P-256). An ECDSA
/// signature (r, s) is equally valid as (r, n − s); without this, a token re-encoded so would
/// be cached — and counted — as a second token.
enum TokenCacheKey {
    /// The order n of P-256, big-endian.
    private static let order: [UInt8] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ]

    /// The token with an ES256 signature's `s` made low and the signature encoded afresh (so
    /// spare bits of its last base64url character do not make another key); any other token
    /// as it is.
    static func canonical(_ token: String) -> String {
        if let key = es256Key(token) { return key }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, var signature = Data(base64URL: String(parts[2])), signature.count == 64 else { return token }
        let s = Array(signature[32..<64])
        if greaterThanHalfOrder(s) { signature.replaceSubrange(32..<64, with: complement(s)) }
        return parts[0] + "." + parts[1] + "." + signature.base64URLEncoded
    }

    /// The key of a token of three parts whose signature is 86 base64url characters (64
    /// bytes), worked out byte by byte: the verifier asks for it at every request with a token
    /// whose `s` is high (half of all ES256 tokens), and Foundation's base64 and the split
    /// strings cost 28 µs there. Nil for any other token (one with a byte outside ASCII too),
    /// whose key `canonical` works out.
    static func es256Key(_ token: String) -> String? {
        var utf8 = Array(token.utf8)
        // ASCII only: Foundation's path splits by characters, and a dot with a combining mark
        // after it is not one there.
        guard !utf8.contains(where: { $0 >= 0x80 }), let start = utf8.lastIndex(of: UInt8(ascii: ".")).map({ $0 + 1 }),
            utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2, utf8.count - start == 86
        else { return nil }
        var signature: [UInt8] = []
        signature.reserveCapacity(64)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in utf8[start...] {
            guard let sextet = sextet(byte) else { return nil }
            buffer = buffer << 6 | UInt32(sextet)
            bits += 6
            if bits >= 8 {
                bits -= 8
                signature.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        // 86 characters are 516 bits: the 64 bytes, then 4 spare bits, which the key leaves clear.
        let s = Array(signature[32..<64])
        if greaterThanHalfOrder(s) { signature.replaceSubrange(32..<64, with: complement(s)) }
        utf8.replaceSubrange(start..., with: encoded(signature))
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The six bits a base64url character stands for, or nil.
    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }

    /// base64url's characters, by the six bits each stands for.
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `bytes` in base64url without padding, spare bits clear.
    static func encoded(_ bytes: [UInt8]) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count * 4 + 2) / 3)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                text.append(alphabet[Int(buffer >> UInt32(bits) & 0x3F)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { text.append(alphabet[Int(buffer << UInt32(6 - bits) & 0x3F)]) }
        return text
    }

    /// Whether `s` > n/2, i.e. 2s > n.
    private static func greaterThanHalfOrder(_ s: [UInt8]) -> Bool {
        var doubled = [UInt8](repeating: 0, count: 33)
        var carry = 0
        for index in stride(from: 31, through: 0, by: -1) {
            let value = Int(s[index]) * 2 + carry
            doubled[index + 1] = UInt8(value & 0xFF)
            carry = value >> 8
        }
        doubled[0] = UInt8(carry)
        let n = [0] + order
        for (a, b) in zip(doubled, n) where a != b { return a > b }
        return false
    }

    /// n − s: the other form of an ECDSA signature's `s` (big-endian, 32 bytes, s < n).
    static func complement(_ s: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: order.count)
        var borrow = 0
        for index in stride(from: order.count - 1, through: 0, by: -1) {
            var value = Int(order[index]) - Int(s[index]) - borrow
            borrow = value < 0 ? 1 : 0
            if value < 0 { value += 256 }
            result[index] = UInt8(value)
        }
        return result
    }
}

extension Data {
    /// Decodes base64url without padding (RFC 7515 §2).
    init?(base64URL text: String) {
        var base64 = Array(text.utf8)
        for index in base64.indices {
            if base64[index] == UInt8(ascii: "-") {
                base64[index] = UInt8(ascii: "+")
            } else if base64[index] == UInt8(ascii: "_") {
                base64[index] = UInt8(ascii: "/")
            }
        }
        base64 += repeatElement(UInt8(ascii: "="), count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: Data(base64))
    }

    /// base64url without padding.
    var base64URLEncoded: String { String(decoding: TokenCacheKey.encoded([UInt8](self)), as: UTF8.self) }
}
