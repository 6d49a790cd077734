import MemberLedgerCore
import MemberLedgerTesting
import Testing

@testable import MemberLedgerWebhooks

/// The one-pass check that lets most form bodies skip redaction must never let through a body the
/// pair-by-pair pass would redact: secrets reaching the journal is the failure that matters most.
@Suite("Redaction: the fast path agrees with the pair-by-pair pass")
struct RedactionTests {
    /// Pieces that make up generated bodies: secret words in any case and %-spelling, the handshake raw
    /// and %-encoded, separators raw and encoded, broken escapes, and non-ASCII text (a Kelvin sign
    /// lowercases to an ASCII `k`).
    private static let pieces = [
        "contact", "%5B", "%5D", "[", "]", "id", "password", "PassWord", "pass", "word", "p%61ssword", "PASSWD",
        "handshake", "HAND%53HAKE", "=", "=", "&", "&", "%26", "%3D", "+", "%2B", "%", "%4", "%zz", "\u{E9}",
        "%C3%A9", "HANDSHA\u{212A}E", "handsha%E2%84%AAe", "x", "1", "@", "%40", "\r\n", "e\u{301}", "%FF",
    ]

    private static func percentEncoded(_ text: String, every step: Int) -> String {
        var result = ""
        for (index, byte) in text.utf8.enumerated() {
            if index % step == 0 {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                result += String(UnicodeScalar(byte))
            }
        }
        return result
    }

    @Test(
        "generated form bodies come out the same either way",
        arguments: ["H4ndSh4k3H4ndSh4k3", "s\u{E9}cret-h\u{E4}ndshake"])
    func fastPathAgrees(secret: String) {
        var generator = SplitMix64(seed: 20_261_129)
        let secretSpellings = [
            secret, Self.percentEncoded(secret, every: 1), Self.percentEncoded(secret, every: 3),
            String(secret.dropLast()),
        ]
        let alphabet = Self.pieces + secretSpellings
        var redactedSome = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...12, using: &generator)
            let text = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            let expected = Redaction.formPairByPair(String(decoding: bytes, as: UTF8.self), secret: secret)
            let kept = Redaction.body(bytes, json: nil, secret: secret)
            #expect(kept == expected, "body \(text.debugDescription)")
            if kept != text { redactedSome += 1 }
        }
        // The generator reaches both branches: bodies that are redacted and bodies that are kept.
        #expect(redactedSome > 1000 && redactedSome < 19_000)
    }
}

@Suite("Redaction: the last sweep for the handshake")
struct HandshakeSweepTests {
    @Test(
        "every occurrence goes, even one that shares a character with a combining mark after it",
        arguments: [
            "a H4ndSh4k3H4ndSh4k3 b", "H4ndSh4k3H4ndSh4k3\u{301}", "xH4ndSh4k3H4ndSh4k3H4ndSh4k3H4ndSh4k3\u{200D}y",
            "\u{E9}H4ndSh4k3H4ndSh4k3\u{E9}",
        ])
    func sweep(text: String) {
        let swept = text.replacingOccurrences(of: "H4ndSh4k3H4ndSh4k3", with: "REDACTED")
        #expect(!ByteSearch.contains(swept.utf8, "H4ndSh4k3H4ndSh4k3".utf8), "\(swept.debugDescription)")
        #expect(ByteSearch.contains(swept.utf8, "REDACTED".utf8))
    }

    @Test("a canonically equivalent spelling of a non-ASCII handshake goes too")
    func equivalentSpelling() {
        let swept = "x s\u{E9}cret-handshake y".replacingOccurrences(of: "se\u{301}cret-handshake", with: "REDACTED")
        #expect(swept == "x REDACTED y")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
