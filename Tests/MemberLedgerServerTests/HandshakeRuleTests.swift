import Foundation
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerTesting
import Testing

/// The one rule for a handshake, wherever it comes from: ASCII letters and digits, at least 16.
@Suite("The handshake rule")
struct HandshakeRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var handshake: String
        /// The error the rule gives from the environment, nil when the handshake is good.
        var error: SecretError?
        /// What the message must say.
        var says: String = ""
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "letters and digits", handshake: "H4ndSh4k3H4ndSh4k3"),
        Case(name: "exactly 16", handshake: "ZQXJzqxj01234567"),
        Case(
            name: "15 characters", handshake: "ZQXJzqxj0123456",
            error: .tooShort(source: .environment("MEMBERLEDGER_HANDSHAKE"), length: 15, minimum: 16),
            says: "MEMBERLEDGER_HANDSHAKE holds 15 characters; it must be at least 16"),
        Case(
            name: "one character", handshake: "Z",
            error: .tooShort(source: .environment("MEMBERLEDGER_HANDSHAKE"), length: 1, minimum: 16),
            says: "MEMBERLEDGER_HANDSHAKE holds 1 character;"),
        Case(
            name: "a Cyrillic a", handshake: "ZQXJ\u{430}ZQXJZQXJZQXJZQXJ",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 5, character: .nonASCII("\u{430}")),
            says: "character 5 is U+0430 CYRILLIC SMALL LETTER A, which looks like 'a', not an ASCII letter or digit"),
        Case(
            name: "a Cyrillic capital ER", handshake: "ZQXJZQXJZQXJZQXJ\u{420}",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 17, character: .nonASCII("\u{420}")),
            says: "U+0420 CYRILLIC CAPITAL LETTER ER, which looks like 'P'"),
        Case(
            name: "a Greek capital omicron", handshake: "\u{39F}ZQXJZQXJZQXJZQXJ",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 1, character: .nonASCII("\u{39F}")),
            says: "U+039F GREEK CAPITAL LETTER OMICRON, which looks like 'O'"),
        Case(
            name: "a fullwidth digit", handshake: "ZQXJZQXJ\u{FF11}ZQXJZQXJ",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 9, character: .nonASCII("\u{FF11}")),
            says: "U+FF11 FULLWIDTH DIGIT ONE, which looks like '1'"),
        Case(
            name: "an accented letter", handshake: "ZQXJZQXJ\u{E9}ZQXJZQXJ",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 9, character: .nonASCII("\u{E9}")),
            says: "U+00E9 LATIN SMALL LETTER E WITH ACUTE, not"),
        Case(
            name: "a combining mark (told by the mark)", handshake: "ZQXJZQXJe\u{301}ZQXJZQXJ",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 9, character: .nonASCII("\u{301}")),
            says: "U+0301 COMBINING ACUTE ACCENT"),
        Case(
            name: "a zero-width space", handshake: "ZQXJZQXJ\u{200B}ZQXJZQXJ",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 9, character: .nonASCII("\u{200B}")),
            says: "U+200B ZERO WIDTH SPACE"),
        Case(
            name: "a space", handshake: "ZQXJZQXJ ZQXJZQXJ",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 9, character: .whitespace),
            says: "character 9 is whitespace"),
        Case(
            name: "a trailing line break", handshake: "ZQXJZQXJZQXJZQXJ\n",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 17, character: .whitespace)),
        Case(
            name: "a hyphen", handshake: "ZQXJZQXJ-ZQXJZQXJ",
            error: .notLetterOrDigit(source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 9, character: .symbol),
            says: "character 9 is an ASCII symbol or punctuation mark"),
        Case(
            name: "a control character", handshake: "ZQXJZQXJ\u{1}ZQXJZQXJ",
            error: .notLetterOrDigit(source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 9, character: .control)),
        Case(
            name: "short and not ASCII: the character is told first", handshake: "ZQ\u{430}",
            error: .notLetterOrDigit(
                source: .environment("MEMBERLEDGER_HANDSHAKE"), position: 3, character: .nonASCII("\u{430}"))),
    ]

    @Test("the rule accepts ASCII letters and digits only, 16 or more, and says why not", arguments: cases)
    func rule(_ testCase: Case) throws {
        let thrown = Result { () throws(SecretError) in
            try Handshake.check(testCase.handshake, from: .environment("MEMBERLEDGER_HANDSHAKE"))
        }
        switch thrown {
        case .success: #expect(testCase.error == nil)
        case .failure(let error):
            #expect(error == testCase.error)
            let message = error.description
            #expect(testCase.says.isEmpty || message.contains(testCase.says), "\(message)")
            // Never the handshake, nor any ASCII run of it.
            #expect(!message.contains(testCase.handshake))
            #expect(!message.contains("ZQXJ") && !message.contains("zqxj"), "\(message)")
        }
        // Loading from the environment applies the same rule.
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let environment = ["MEMBERLEDGER_HANDSHAKE": testCase.handshake]
        if let expected = testCase.error {
            #expect(throws: expected) { try Handshake.load(folder: folder, environment: environment) }
        } else {
            #expect(try Handshake.load(folder: folder, environment: environment) == testCase.handshake)
        }
    }

    @Test("a handshake file with a look-alike is refused, naming the file and what to do")
    func fileWithLookAlike() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let path = "\(folder.path)/handshake"
        try "ZQXJZQXJ\u{441}ZQXJZQXJ\n".write(toFile: path, atomically: true, encoding: .utf8)
        let expected = SecretError.notLetterOrDigit(
            source: .file(path), position: 9, character: .nonASCII("\u{441}"))
        #expect(throws: expected) { try Handshake.load(folder: folder, environment: [:]) }
        #expect(expected.description.hasPrefix("\(path): character 9 is U+0441 CYRILLIC SMALL LETTER ES"))
        #expect(expected.description.contains("delete the file to have one made"))
        // An empty variable is no handshake: the file's is used, and checked.
        #expect(throws: expected) {
            try Handshake.load(folder: folder, environment: ["MEMBERLEDGER_HANDSHAKE": ""])
        }
    }

    @Test("generated handshakes meet the rule")
    func generatedComply() throws {
        let temp = TemporaryFolder()
        for index in 0..<20 {
            let made = try Handshake.load(folder: DataFolder(path: temp.appending("data\(index)")), environment: [:])
            #expect(throws: Never.self) { try Handshake.check(made, from: .environment("MEMBERLEDGER_HANDSHAKE")) }
            #expect(made.count == 32)
        }
    }

    @Test("the admin token: made once (0600, 32 letters and digits), checked from the environment, never the handshake")
    func adminToken() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let handshake = "H4ndSh4k3H4ndSh4k3"
        let made = try AdminToken.load(folder: folder, environment: [:], handshake: handshake)
        #expect(made.count == 32)
        #expect(throws: Never.self) { try AdminToken.secret.check(made, from: .environment("X")) }
        #expect(try AdminToken.load(folder: folder, environment: [:], handshake: handshake) == made)
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(folder.path)/admin-token")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let short = String(repeating: "a", count: 31)
        let expected = SecretError.tooShort(source: .environment("MEMBERLEDGER_ADMIN_TOKEN"), length: 31, minimum: 32)
        #expect(throws: expected) {
            try AdminToken.load(folder: folder, environment: ["MEMBERLEDGER_ADMIN_TOKEN": short], handshake: handshake)
        }
        #expect(!expected.description.contains(short))
        let same = String(repeating: "Ab1", count: 11)
        #expect(throws: AdminTokenError.sameAsHandshake) {
            try AdminToken.load(folder: folder, environment: ["MEMBERLEDGER_ADMIN_TOKEN": same], handshake: same)
        }
    }
}
