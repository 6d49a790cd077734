import MemberLedgerCore
import Testing

/// The frozen escaping rule, one string per line: what goes in, and the exact JSON text that comes out.
private let escapingTable: [(input: String, json: String)] = [
    ("", #""""#),
    ("abc", #""abc""#),
    ("\"", #""\"""#),
    ("\\", #""\\""#),
    ("/", #""/""#),
    ("\u{8}", #""\b""#),
    ("\u{C}", #""\f""#),
    ("\n", #""\n""#),
    ("\r", #""\r""#),
    ("\t", #""\t""#),
    ("\u{0}", #""\u0000""#),
    ("\u{1}", #""\u0001""#),
    ("\u{B}", #""\u000b""#),
    ("\u{1B}", #""\u001b""#),
    ("\u{1F}", #""\u001f""#),
    (" ", #"" ""#),
    ("\u{7F}", "\"\u{7F}\""),
    ("é", #""é""#),
    ("e\u{301}", "\"e\u{301}\""),
    ("日本", #""日本""#),
    ("😀", #""😀""#),
    ("\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),
    ("a\"b\\c\nd/é\u{1}", #""a\"b\\c\nd/é\u0001""#),
]

/// Values whose compact encoding is known exactly.
private let encodingTable: [(value: JSONValue, json: String)] = [
    (.null, "null"),
    (.bool(true), "true"),
    (.bool(false), "false"),
    (.number("-12"), "-12"),
    (.number("3.50"), "3.50"),
    (.number("1E+400"), "1E+400"),
    (.number("123456789012345678901234567890"), "123456789012345678901234567890"),
    (.int(Int64.min), "-9223372036854775808"),
    (.array([]), "[]"),
    (.object([]), "{}"),
    (.array([.null, .bool(true), .number("1"), .string("x")]), #"[null,true,1,"x"]"#),
    (.object([("b", .number("1")), ("a", .number("2"))]), #"{"b":1,"a":2}"#),
    (.object([("k\"\n", .array([.object([])]))]), #"{"k\"\n":[{}]}"#),
    (
        .object([
            ("id", .string("evt_1")),
            ("member", .object([("email", .string("a@b.c")), ("tags", .array([.string("vip")]))])),
        ]),
        #"{"id":"evt_1","member":{"email":"a@b.c","tags":["vip"]}}"#
    ),
]

/// A varied set of values that must come back unchanged from a write and a parse.
private let roundTripValues: [JSONValue] = [
    .null,
    .bool(false),
    .number("0"),
    .number("-0.0e-0"),
    .number("18446744073709551616"),
    .number("-99999999999999999999999999999999999999"),
    .string(""),
    .string("plain"),
    .string("\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1F}\u{7F}"),
    .string("é e\u{301} 日本 😀 \u{10FFFF} \u{2028}"),
    .array([]),
    .object([]),
    .array([.array([]), .object([]), .array([.array([.null])])]),
    .object([("", .string("")), (" ", .null), ("\u{0}", .bool(true))]),
    .object([("\u{E9}", .number("1")), ("e\u{301}", .number("2")), ("😀", .array([.string("x")]))]),
    .object([
        ("event", .string("member.tagged")), ("at", .number("1700000000123")),
        ("member", .object([("id", .number("42")), ("tags", .array([.string("a"), .string("b")])), ("note", .null)])),
    ]),
]

@Suite struct JSONWriterTests {
    @Test(arguments: escapingTable)
    func escapesStrings(input: String, json: String) throws {
        var bytes: [UInt8] = []
        JSONWriter.appendString(input, into: &bytes)
        #expect(bytes == Array(json.utf8))
        #expect(JSONWriter.string(.string(input)) == json)
        #expect(try JSONParser.parse(bytes) == .string(input))
    }

    @Test(arguments: encodingTable)
    func writesCompactInStoredOrder(value: JSONValue, json: String) {
        #expect(JSONWriter.string(value) == json)
        #expect(JSONWriter.bytes(value) == Array(json.utf8))
    }

    @Test(arguments: roundTripValues)
    func roundTrips(value: JSONValue) throws {
        let bytes = JSONWriter.bytes(value)
        #expect(try JSONParser.parse(bytes) == value)
        #expect(JSONWriter.bytes(try JSONParser.parse(bytes)) == bytes)
    }

    @Test func parsedTextIsWrittenCanonically() throws {
        let text = " { \"b\" : [ 1 , 2.50 ] , \"a\" : \"\\u00e9\\/\\u001F\" , \"c\" : { } } "
        let expected = #"{"b":[1,2.50],"a":"é/\u001f","c":{}}"#
        #expect(JSONWriter.string(try JSONParser.parse(text)) == expected)
    }

    @Test func writeAppendsAndIsDeterministic() {
        let value = roundTripValues.last!
        var bytes = Array("prefix:".utf8)
        JSONWriter.write(value, into: &bytes)
        JSONWriter.write(value, into: &bytes)
        let once = JSONWriter.bytes(value)
        #expect(bytes == Array("prefix:".utf8) + once + once)
        #expect(JSONWriter.string(value) == String(decoding: once, as: UTF8.self))
    }

    @Test func appendStringAppends() {
        var bytes = Array("{".utf8)
        JSONWriter.appendString("k", into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONWriter.appendString("v\u{1}", into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"k":"v\u0001""#)
    }

    @Test func longStringsEscapeEveryRun() throws {
        let piece = "abc\"def\\ghi\n日本\u{1}"
        let long = String(repeating: piece, count: 500)
        let json = JSONWriter.string(.string(long))
        #expect(json == "\"" + String(repeating: #"abc\"def\\ghi\n日本\u0001"#, count: 500) + "\"")
        #expect(try JSONParser.parse(json) == .string(long))
    }
}
