import MemberLedgerCore
import MemberLedgerTesting
import Testing

/// The error that parsing `bytes` throws, or nil when they parse.
private func parseError(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> JSONError? {
    do {
        _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

/// The UTF-8 bytes of `text`, to keep byte tables readable.
private func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `depth` arrays, each the only element of the one around it.
private func nestedArrays(_ depth: Int) -> [UInt8] {
    Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
}

extension JSONParserTests {
    /// A document and the value it must parse to.
    struct ValidDocument: Sendable, CustomTestStringConvertible {
        let text: String
        let value: JSONValue

        init(_ text: String, _ value: JSONValue) {
            self.text = text
            self.value = value
        }

        var testDescription: String { text }
    }

    /// Bytes the parser must refuse, with the reason and offset it must report.
    struct InvalidDocument: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let reason: JSONError.Reason
        let offset: Int

        init(_ text: String, _ reason: JSONError.Reason, at offset: Int) {
            self.init(name: text, bytes: Array(text.utf8), reason, at: offset)
        }

        init(name: String, bytes: [UInt8], _ reason: JSONError.Reason, at offset: Int) {
            self.name = name
            self.bytes = bytes
            self.reason = reason
            self.offset = offset
        }

        var testDescription: String { name }
    }

    static let validDocuments: [ValidDocument] = [
        ValidDocument("null", .null),
        ValidDocument("true", .bool(true)),
        ValidDocument("false", .bool(false)),
        ValidDocument("0", .number("0")),
        ValidDocument("-0", .number("-0")),
        ValidDocument("-12", .number("-12")),
        ValidDocument("3.50", .number("3.50")),
        ValidDocument("1e3", .number("1e3")),
        ValidDocument("1E+3", .number("1E+3")),
        ValidDocument("-0.5e-10", .number("-0.5e-10")),
        ValidDocument("123456789012345678901234567890", .number("123456789012345678901234567890")),
        ValidDocument(#""""#, .string("")),
        ValidDocument(#""abc""#, .string("abc")),
        ValidDocument(#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        ValidDocument(#""\u00e9\u00E9""#, .string("\u{E9}\u{E9}")),
        ValidDocument(#""\ud83d\ude00""#, .string("😀")),
        ValidDocument(#""\u0000""#, .string("\u{0}")),
        ValidDocument(#""a\u0041b""#, .string("aAb")),
        ValidDocument(#""é 日本 😀""#, .string("é 日本 😀")),
        ValidDocument(#""é\n日本""#, .string("é\n日本")),
        ValidDocument(#""\u2028/\u007f""#, .string("\u{2028}/\u{7F}")),
        ValidDocument("[]", .array([])),
        ValidDocument("{}", .object([])),
        ValidDocument(
            "[1,[2,[3,[]]]]", .array([.number("1"), .array([.number("2"), .array([.number("3"), .array([])])])])),
        ValidDocument(#"{"b":1,"a":2}"#, .object([("b", .number("1")), ("a", .number("2"))])),
        ValidDocument(
            " \t\n\r{ \"a\" : [ 1 , true , null ] , \"b\" : { } } \n",
            .object([("a", .array([.number("1"), .bool(true), .null])), ("b", .object([]))])
        ),
        ValidDocument(#"{"a":{"b":{"c":null}}}"#, .object([("a", .object([("b", .object([("c", .null)]))]))])),
        ValidDocument(#"{"\u0061b":1,"a\u0062c":2}"#, .object([("ab", .number("1")), ("abc", .number("2"))])),
        // Canonically equivalent but different scalars: two keys, not a duplicate.
        ValidDocument(#"{"\u00e9":1,"e\u0301":2}"#, .object([("\u{E9}", .number("1")), ("e\u{301}", .number("2"))])),
        ValidDocument(
            #"{"id":"evt_1","tags":["a","b"],"amount":-1050,"ok":false}"#,
            .object([
                ("id", .string("evt_1")), ("tags", .array([.string("a"), .string("b")])), ("amount", .number("-1050")),
                ("ok", .bool(false)),
            ])
        ),
    ]

    static let invalidDocuments: [InvalidDocument] = [
        // Truncated input.
        InvalidDocument("", .unexpectedEnd, at: 0),
        InvalidDocument("   ", .unexpectedEnd, at: 3),
        InvalidDocument(#"{"a":1"#, .unexpectedEnd, at: 6),
        InvalidDocument(#"{"a":"#, .unexpectedEnd, at: 5),
        InvalidDocument(#"{"a""#, .unexpectedEnd, at: 4),
        InvalidDocument(#"{"a":1,"#, .unexpectedEnd, at: 7),
        InvalidDocument("[1,2", .unexpectedEnd, at: 4),
        InvalidDocument(#""abc"#, .unexpectedEnd, at: 4),
        InvalidDocument(#""ab\"#, .unexpectedEnd, at: 4),
        InvalidDocument(#""\u12"#, .unexpectedEnd, at: 5),
        InvalidDocument(#""\ud800"#, .unexpectedEnd, at: 7),
        InvalidDocument(#""\ud800\"#, .unexpectedEnd, at: 8),
        InvalidDocument("tru", .unexpectedEnd, at: 3),
        InvalidDocument("-", .unexpectedEnd, at: 1),
        InvalidDocument("1.", .unexpectedEnd, at: 2),
        InvalidDocument("1e", .unexpectedEnd, at: 2),
        InvalidDocument("1e-", .unexpectedEnd, at: 3),
        // Grammar.
        InvalidDocument(#"{"a":1,}"#, .unexpectedByte(UInt8(ascii: "}")), at: 7),
        InvalidDocument("[1,]", .unexpectedByte(UInt8(ascii: "]")), at: 3),
        InvalidDocument("[,1]", .unexpectedByte(UInt8(ascii: ",")), at: 1),
        InvalidDocument("[1 2]", .unexpectedByte(UInt8(ascii: "2")), at: 3),
        InvalidDocument(#"{"a" 1}"#, .unexpectedByte(UInt8(ascii: "1")), at: 5),
        InvalidDocument("{a:1}", .unexpectedByte(UInt8(ascii: "a")), at: 1),
        InvalidDocument("{'a':1}", .unexpectedByte(UInt8(ascii: "'")), at: 1),
        InvalidDocument("'a'", .unexpectedByte(UInt8(ascii: "'")), at: 0),
        InvalidDocument("]", .unexpectedByte(UInt8(ascii: "]")), at: 0),
        InvalidDocument("NaN", .unexpectedByte(UInt8(ascii: "N")), at: 0),
        InvalidDocument("Infinity", .unexpectedByte(UInt8(ascii: "I")), at: 0),
        InvalidDocument("nul1", .unexpectedByte(UInt8(ascii: "1")), at: 3),
        InvalidDocument("[truex]", .unexpectedByte(UInt8(ascii: "x")), at: 5),
        InvalidDocument("/* c */ 1", .unexpectedByte(UInt8(ascii: "/")), at: 0),
        InvalidDocument("\u{C}1", .unexpectedByte(0x0C), at: 0),
        InvalidDocument("\u{A0}1", .unexpectedByte(0xC2), at: 0),
        InvalidDocument(name: "BOM", bytes: [0xEF, 0xBB, 0xBF] + ascii("{}"), .unexpectedByte(0xEF), at: 0),
        // Numbers.
        InvalidDocument("[01]", .invalidNumber, at: 2),
        InvalidDocument("-01", .invalidNumber, at: 2),
        InvalidDocument("[1.]", .invalidNumber, at: 3),
        InvalidDocument("[1.e3]", .invalidNumber, at: 3),
        InvalidDocument("[-a]", .invalidNumber, at: 2),
        InvalidDocument("[1e+]", .invalidNumber, at: 4),
        InvalidDocument("-Infinity", .invalidNumber, at: 1),
        InvalidDocument(".5", .unexpectedByte(UInt8(ascii: ".")), at: 0),
        InvalidDocument("+1", .unexpectedByte(UInt8(ascii: "+")), at: 0),
        // Escapes and surrogates.
        InvalidDocument(#""\x""#, .invalidEscape, at: 1),
        InvalidDocument(#""\'""#, .invalidEscape, at: 1),
        InvalidDocument(#""ab\u12G4""#, .invalidEscape, at: 3),
        InvalidDocument(#""\U0041""#, .invalidEscape, at: 1),
        InvalidDocument(#""\ud800""#, .invalidUnicodeScalar, at: 1),
        InvalidDocument(#""\udc00""#, .invalidUnicodeScalar, at: 1),
        InvalidDocument(#""\ud800\u0041""#, .invalidUnicodeScalar, at: 1),
        InvalidDocument(#""\ud800\ud800""#, .invalidUnicodeScalar, at: 1),
        InvalidDocument(#""x\ud800\n""#, .invalidUnicodeScalar, at: 2),
        InvalidDocument(#""\ud800\uZZZZ""#, .invalidEscape, at: 7),
        // Control characters.
        InvalidDocument("\"a\u{1}b\"", .controlCharacterInString, at: 2),
        InvalidDocument("\"a\nb\"", .controlCharacterInString, at: 2),
        InvalidDocument("\"\\n\tb\"", .controlCharacterInString, at: 3),
        InvalidDocument("\u{1}", .unexpectedByte(0x01), at: 0),
        // UTF-8.
        InvalidDocument(name: "[\"C3 28\"]", bytes: ascii("[\"") + [0xC3, 0x28] + ascii("\"]"), .invalidUTF8, at: 2),
        InvalidDocument(name: "\"FF\"", bytes: ascii("\"") + [0xFF] + ascii("\""), .invalidUTF8, at: 1),
        InvalidDocument(
            name: "overlong \"C0 AF\"", bytes: ascii("\"") + [0xC0, 0xAF] + ascii("\""), .invalidUTF8, at: 1),
        InvalidDocument(name: "overlong \"E0 80 AF\"", bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8, at: 1),
        InvalidDocument(name: "surrogate \"ED A0 80\"", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, at: 1),
        InvalidDocument(
            name: "above U+10FFFF \"F4 90 80 80\"", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
        InvalidDocument(name: "cut by quote \"a E2 82\"", bytes: [0x22, 0x61, 0xE2, 0x82, 0x22], .invalidUTF8, at: 2),
        InvalidDocument(
            name: "lone continuation \"é 80\"", bytes: [0x22, 0xC3, 0xA9, 0x80, 0x22], .invalidUTF8, at: 3),
        InvalidDocument(name: "before escape \"C3 \\n\"", bytes: [0x22, 0xC3] + ascii("\\n\""), .invalidUTF8, at: 1),
        InvalidDocument(
            name: "after escape \"\\n C3 28\"", bytes: ascii("\"\\n") + [0xC3, 0x28, 0x22], .invalidUTF8, at: 3),
        InvalidDocument(name: "before control \"C3 01\"", bytes: [0x22, 0xC3, 0x01, 0x22], .invalidUTF8, at: 1),
        InvalidDocument(name: "cut by end \"C3", bytes: [0x22, 0xC3], .unexpectedEnd, at: 2),
        InvalidDocument(name: "FF then end \"FF", bytes: [0x22, 0xFF], .invalidUTF8, at: 1),
        // Duplicates, trailing data, depth.
        InvalidDocument(#"{"a":1,"a":2}"#, .duplicateKey("a"), at: 7),
        InvalidDocument(#"{"a":1,"\u0061":2}"#, .duplicateKey("a"), at: 7),
        InvalidDocument(#"[{"x":{"a":1,"b":2,"a":3}}]"#, .duplicateKey("a"), at: 19),
        InvalidDocument("1 2", .trailingData, at: 2),
        InvalidDocument("{} x", .trailingData, at: 3),
        InvalidDocument("truex", .trailingData, at: 4),
        InvalidDocument("[1]//", .trailingData, at: 3),
        InvalidDocument("0x10", .trailingData, at: 1),
        InvalidDocument(name: "65 nested arrays", bytes: nestedArrays(65), .tooDeep(limit: 64), at: 64),
        InvalidDocument(
            name: "65 nested objects",
            bytes: Array(String(repeating: #"{"a":"#, count: 65).utf8) + ascii("1") + Array(repeating: 0x7D, count: 65),
            .tooDeep(limit: 64), at: 64 * 5
        ),
    ]
}

@Suite struct JSONParserTests {
    @Test(arguments: JSONParserTests.validDocuments)
    func parsesValidDocument(_ document: ValidDocument) throws {
        #expect(try JSONParser.parse(document.text) == document.value)
    }

    @Test(arguments: JSONParserTests.invalidDocuments)
    func rejectsInvalidDocument(_ document: InvalidDocument) throws {
        let error = try #require(parseError(document.bytes))
        #expect(error.reason == document.reason)
        #expect(error.offset == document.offset)
    }

    @Test func exactlyTheDepthLimitParses() throws {
        var expected = JSONValue.array([])
        for _ in 1..<64 { expected = .array([expected]) }
        #expect(try JSONParser.parse(nestedArrays(64)) == expected)
    }

    @Test func customDepthLimit() throws {
        #expect(try JSONParser.parse("1", maxDepth: 0) == .number("1"))
        #expect(parseError(ascii("[]"), maxDepth: 0) == JSONError(reason: .tooDeep(limit: 0), offset: 0))
        #expect(try JSONParser.parse(nestedArrays(3), maxDepth: 3) == .array([.array([.array([])])]))
        #expect(parseError(nestedArrays(4), maxDepth: 3) == JSONError(reason: .tooDeep(limit: 3), offset: 3))
    }

    @Test func hostileNestingStopsAtTheLimit() {
        let hostile = Array(repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(parseError(hostile) == JSONError(reason: .tooDeep(limit: 64), offset: 64))
    }

    @Test func manyKeysStillCatchDuplicates() throws {
        let keys = (0..<1000).map { "\"k\($0)\":\($0)" }
        let unique = "{" + keys.joined(separator: ",") + "}"
        let parsed = try JSONParser.parse(unique)
        #expect(parsed.objectValue?.count == 1000)
        #expect(parsed.objectValue?.map(\.key) == (0..<1000).map { "k\($0)" })
        let repeated = "{" + keys.joined(separator: ",") + #","k500":0}"#
        let error = parseError(ascii(repeated))
        #expect(error == JSONError(reason: .duplicateKey("k500"), offset: unique.utf8.count))
    }

    @Test func everyInputFormAgrees() throws {
        let text = #"{"name":"Zoë","n":[1,2.5]}"#
        let bytes = Array(text.utf8)
        let expected = JSONValue.object([
            ("name", .string("Zoë")), ("n", .array([.number("1"), .number("2.5")])),
        ])
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(bytes) == expected)
        #expect(try JSONParser.parse(bytes.lazy.map { $0 }) == expected)
        #expect(try bytes.withUnsafeBytes { buffer in try JSONParser.parse(buffer) } == expected)
        let padded = ascii("xx") + bytes + ascii("yy")
        #expect(try JSONParser.parse(padded[2..<(2 + bytes.count)]) == expected)
    }

    @Test func errorOffsetsAreRelativeToTheInputGiven() {
        let bad = ascii("[1,]")
        let padded = ascii("xx") + bad
        let expected = JSONError(reason: .unexpectedByte(UInt8(ascii: "]")), offset: 3)
        #expect(parseError(bad) == expected)
        #expect(throws: expected) { try JSONParser.parse(padded[2...]) }
        #expect(throws: expected) { try JSONParser.parse(bad.lazy.map { $0 }) }
        #expect(throws: expected) { try bad.withUnsafeBytes { buffer in try JSONParser.parse(buffer) } }
        #expect(throws: JSONError(reason: .unexpectedEnd, offset: 0)) {
            try JSONParser.parse(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    @Test func errorDescriptions() throws {
        let duplicate = try #require(parseError(ascii(#"{"email":1,"email":2}"#)))
        #expect(duplicate.description == #"invalid JSON at byte 11: duplicate key "email""#)
        let brace = try #require(parseError(ascii(#"{"a":1,}"#)))
        #expect(brace.description == "invalid JSON at byte 7: unexpected byte 0x7D ('}')")
        let control = try #require(parseError([0x01]))
        #expect(control.description == "invalid JSON at byte 0: unexpected byte 0x01")
        let nested = try #require(parseError(nestedArrays(65)))
        #expect(nested.description == "invalid JSON at byte 64: nesting deeper than 64 levels")
        let escapedKey = JSONError(reason: .duplicateKey("a\"\n"), offset: 3)
        #expect(escapedKey.description == #"invalid JSON at byte 3: duplicate key "a\"\n""#)
        let longKey = JSONError(reason: .duplicateKey(String(repeating: "k", count: 100)), offset: 0)
        #expect(
            longKey.description == "invalid JSON at byte 0: duplicate key \"\(String(repeating: "k", count: 64))\"…")
    }
}

@Suite struct JSONValueAccessorTests {
    static let int64Cases: [(text: String, expected: Int64?)] = [
        ("0", 0), ("-0", 0), ("42", 42), ("-42", -42),
        ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
        ("9223372036854775808", nil), ("-9223372036854775809", nil), ("123456789012345678901234567890", nil),
        ("1.0", nil), ("1e2", nil), ("1E2", nil), ("-1.5", nil), ("01", nil), ("-", nil), ("", nil), ("+1", nil),
        (" 1", nil),
    ]

    @Test(arguments: int64Cases)
    func int64Value(text: String, expected: Int64?) {
        #expect(JSONValue.number(text).int64Value == expected)
        #expect(JSONValue.number(text).intValue == expected.map { Int($0) })
    }

    @Test func int64ValueOnlyForNumbers() {
        #expect(JSONValue.string("1").int64Value == nil)
        #expect(JSONValue.bool(true).int64Value == nil)
        #expect(JSONValue.null.intValue == nil)
    }

    @Test func integerConstructor() {
        #expect(JSONValue.int(0) == .number("0"))
        #expect(JSONValue.int(Int64.min) == .number("-9223372036854775808"))
        #expect(JSONValue.int(UInt64.max) == .number("18446744073709551615"))
        #expect(JSONValue.int(Int8(-7)).int64Value == -7)
    }

    @Test func accessorsMatchOnlyTheirKind() throws {
        let value = try JSONParser.parse(#"{"s":"x","b":true,"a":[1],"o":{"k":null},"n":7,"z":null}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [.number("1")])
        #expect(value["o"]?.objectValue?.map(\.key) == ["k"])
        #expect(value["o"]?["k"]?.isNull == true)
        #expect(value["n"]?.intValue == 7)
        #expect(value["z"] == .null)
        #expect(value["missing"] == nil)
        #expect(value["n"]?.stringValue == nil)
        #expect(value["s"]?.intValue == nil)
        #expect(value["s"]?.boolValue == nil)
        #expect(value["s"]?.arrayValue == nil)
        #expect(value["s"]?.objectValue == nil)
        #expect(value["s"]?.isNull == false)
        #expect(value["a"]?["s"] == nil)
        #expect(value["e\u{301}"] == nil)
    }

    @Test func kindNames() {
        let values: [JSONValue] = [.null, .bool(false), .number("1"), .string(""), .array([]), .object([])]
        #expect(values.map(\.kindName) == ["null", "boolean", "number", "string", "array", "object"])
    }

    @Test func equalityIsExact() {
        #expect(JSONValue.string("\u{E9}") != .string("e\u{301}"))
        #expect(JSONValue.object([("\u{E9}", .null)]) != .object([("e\u{301}", .null)]))
        #expect(JSONValue.number("1.0") != .number("1"))
        #expect(JSONValue.number("1") != .string("1"))
        #expect(JSONValue.object([("a", .null), ("b", .null)]) != .object([("b", .null), ("a", .null)]))
        #expect(JSONValue.object([("a", .null)]) != .object([("a", .null), ("b", .null)]))
        #expect(JSONValue.object([("a", .array([.bool(true)]))]) == .object([("a", .array([.bool(true)]))]))
        #expect(JSONValue.array([.null]) != .array([.null, .null]))
    }
}

@Suite struct JSONParserRobustnessTests {
    /// Bytes that steer random input into the grammar's deeper paths rather than failing on byte 0.
    private static let alphabet =
        Array(#"{}[]",:0123456789-+.eEtruefalsnull \"\\/bfnrtu"#.utf8) + [0xC3, 0xA9, 0xF0, 0x9F]

    /// Parses `bytes`; on success the value must survive a write and a re-parse, on failure the offset
    /// must lie within the input. Returns a message for anything else.
    private static func check(_ bytes: [UInt8]) -> String? {
        do {
            let value = try JSONParser.parse(bytes)
            let written = JSONWriter.bytes(value)
            guard (try? JSONParser.parse(written)) == value else { return "round trip failed for \(bytes)" }
            guard JSONWriter.bytes(value) == written else { return "writer not deterministic for \(bytes)" }
            return nil
        } catch {
            return (0...bytes.count).contains(error.offset) ? nil : "offset \(error.offset) outside \(bytes)"
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 0x5EED_0001)
        var failures: [String] = []
        for _ in 0..<10_000 {
            let length = Int.random(in: 0...48, using: &random)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &random)
                    ? Self.alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            if let failure = Self.check(bytes) { failures.append(failure) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func singleByteMutationsNeverCrash() {
        var random = SplitMix64(seed: 0x5EED_0002)
        let documents = JSONParserTests.validDocuments.map { Array($0.text.utf8) }.filter { !$0.isEmpty }
        var failures: [String] = []
        var accepted = 0
        for _ in 0..<10_000 {
            var bytes = documents.randomElement(using: &random)!
            let index = Int.random(in: 0..<bytes.count, using: &random)
            bytes[index] =
                Bool.random(using: &random)
                ? Self.alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            if let failure = Self.check(bytes) { failures.append(failure) }
            if (try? JSONParser.parse(bytes)) != nil { accepted += 1 }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        // Both outcomes must actually occur, or the test exercises only one side.
        #expect(accepted > 100 && accepted < 9_900)
    }

    @Test func randomValuesRoundTrip() throws {
        var random = SplitMix64(seed: 0x5EED_0003)
        for _ in 0..<1_000 {
            let value = Self.randomValue(depth: 0, using: &random)
            let written = JSONWriter.bytes(value)
            #expect(try JSONParser.parse(written) == value)
        }
    }

    /// Objects of up to 40 keys, spelled plainly or fully escaped, some long, some sharing their first
    /// eight bytes, some canonically equivalent but different: the parser must report exactly the first
    /// key whose scalars repeat an earlier one, as a naive search finds it.
    @Test func duplicateKeysAreFoundExactly() throws {
        var random = SplitMix64(seed: 0x5EED_0004)
        let pool = ["a", "b", "ab", "ba", "", "abcdefgh", "abcdefghi", "abcdefghj", "é", "e\u{301}", "k\"q", "日本", "😀"]
        var duplicates = 0
        for _ in 0..<2_000 {
            var text = "{"
            var keys: [String] = []
            var expected: JSONError? = nil
            for index in 0..<Int.random(in: 1...40, using: &random) {
                let key =
                    Bool.random(using: &random)
                    ? pool.randomElement(using: &random)! : "shared_prefix_\(Int.random(in: 0..<30, using: &random))"
                if index > 0 { text += "," }
                let offset = text.utf8.count
                text += Self.spell(key, escaped: Bool.random(using: &random)) + ":\(index)"
                if expected == nil && keys.contains(where: { $0.unicodeScalars.elementsEqual(key.unicodeScalars) }) {
                    expected = JSONError(reason: .duplicateKey(key), offset: offset)
                }
                keys.append(key)
            }
            text += "}"
            if let expected {
                duplicates += 1
                #expect(throws: expected) { try JSONParser.parse(text) }
            } else {
                #expect(try JSONParser.parse(text).objectValue?.map(\.key) == keys)
            }
        }
        #expect(duplicates > 200 && duplicates < 1_800)
    }

    /// `key` as a JSON string: as the writer spells it, or with every scalar as a `\u` escape.
    private static func spell(_ key: String, escaped: Bool) -> String {
        guard escaped else { return JSONWriter.string(.string(key)) }
        var spelled = "\""
        for unit in key.utf16 {
            let hex = String(unit, radix: 16)
            spelled += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return spelled + "\""
    }

    private static func randomString(using random: inout SplitMix64) -> String {
        let pieces = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "e\u{301}", "日", "😀",
        ]
        let count = Int.random(in: 0...6, using: &random)
        return (0..<count).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    private static func randomValue(depth: Int, using random: inout SplitMix64) -> JSONValue {
        let numbers = ["0", "-0", "7", "-12", "3.50", "1e3", "-2.5E-7", "18446744073709551616"]
        switch Int.random(in: 0..<(depth < 4 ? 7 : 5), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(numbers.randomElement(using: &random)!)
        case 3, 4: return .string(randomString(using: &random))
        case 5:
            let count = Int.random(in: 0...4, using: &random)
            return .array((0..<count).map { _ in randomValue(depth: depth + 1, using: &random) })
        default:
            var members: [(key: String, value: JSONValue)] = []
            for index in 0..<Int.random(in: 0...4, using: &random) {
                // The index keeps keys unique, since a repeated key could not be parsed back.
                let key = randomString(using: &random) + "#\(index)"
                members.append((key, randomValue(depth: depth + 1, using: &random)))
            }
            return .object(members)
        }
    }
}
