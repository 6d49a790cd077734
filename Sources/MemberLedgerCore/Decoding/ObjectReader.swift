/// Reads a JSON object key by key and refuses, at `finish()`, any key that nobody asked for.
///
/// Catalogs and events share this reader so that both name the path of whatever is wrong in the same
/// words and both treat an unknown key as an error rather than silently ignoring a typo. A key whose
/// value is `null` counts as absent.
struct ObjectReader {
    let path: String
    private let fields: [(key: String, value: JSONValue)]
    private var read: [Bool]

    init(_ value: JSONValue, path: String) throws(ShapeError) {
        guard let fields = value.objectValue else {
            throw ShapeError(path: path, problem: .wrongType(expected: "an object", found: value.kindName))
        }
        self.path = path
        self.fields = fields
        self.read = Array(repeating: false, count: fields.count)
    }

    /// The path of a key below this object.
    func path(of key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// Whether the object has the key with a non-null value (does not count as reading it).
    func has(_ key: String) -> Bool {
        fields.contains { $0.key == key && !$0.value.isNull }
    }

    /// The keys present, in document order.
    var keys: [String] { fields.map(\.key) }

    mutating func optionalValue(_ key: String) -> JSONValue? {
        guard let index = fields.firstIndex(where: { $0.key == key }) else { return nil }
        read[index] = true
        let value = fields[index].value
        return value.isNull ? nil : value
    }

    mutating func value(_ key: String) throws(ShapeError) -> JSONValue {
        guard let value = optionalValue(key) else {
            throw ShapeError(path: path, problem: .missingKey(key))
        }
        return value
    }

    mutating func optionalString(_ key: String) throws(ShapeError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        return try Self.string(value, at: path(of: key))
    }

    mutating func string(_ key: String) throws(ShapeError) -> String {
        try Self.string(value(key), at: path(of: key))
    }

    mutating func optionalInt64(_ key: String) throws(ShapeError) -> Int64? {
        guard let value = optionalValue(key) else { return nil }
        return try Self.int64(value, at: path(of: key))
    }

    mutating func int64(_ key: String) throws(ShapeError) -> Int64 {
        try Self.int64(value(key), at: path(of: key))
    }

    mutating func int(_ key: String) throws(ShapeError) -> Int {
        let value = try int64(key)
        guard let small = Int(exactly: value) else {
            throw ShapeError(path: path(of: key), problem: .invalidValue("is out of range", value: String(value)))
        }
        return small
    }

    mutating func optionalStringArray(_ key: String) throws(ShapeError) -> [String]? {
        guard let value = optionalValue(key) else { return nil }
        return try Self.strings(value, at: path(of: key))
    }

    mutating func stringArray(_ key: String) throws(ShapeError) -> [String] {
        guard let strings = try optionalStringArray(key) else {
            throw ShapeError(path: path, problem: .missingKey(key))
        }
        return strings
    }

    /// The elements of an array-valued key with their paths; an absent key is an empty array.
    mutating func elements(_ key: String) throws(ShapeError) -> [(value: JSONValue, path: String)] {
        guard let value = optionalValue(key) else { return [] }
        let keyPath = path(of: key)
        guard let items = value.arrayValue else {
            throw ShapeError(path: keyPath, problem: .wrongType(expected: "an array", found: value.kindName))
        }
        return items.enumerated().map { ($0.element, "\(keyPath)[\($0.offset)]") }
    }

    /// Object-valued key read as string → string pairs in document order.
    mutating func optionalStringPairs(_ key: String) throws(ShapeError) -> [(String, String)]? {
        guard let value = optionalValue(key) else { return nil }
        let keyPath = path(of: key)
        guard let pairs = value.objectValue else {
            throw ShapeError(path: keyPath, problem: .wrongType(expected: "an object", found: value.kindName))
        }
        var result: [(String, String)] = []
        for (name, item) in pairs {
            result.append((name, try Self.string(item, at: "\(keyPath).\(name)")))
        }
        return result
    }

    /// Throws for the first key, in document order, that was never read.
    func finish() throws(ShapeError) {
        if let index = read.firstIndex(of: false) {
            throw ShapeError(path: path, problem: .unknownKey(fields[index].key))
        }
    }

    static func string(_ value: JSONValue, at path: @autoclosure () -> String) throws(ShapeError) -> String {
        guard let string = value.stringValue else {
            throw ShapeError(path: path(), problem: .wrongType(expected: "a string", found: value.kindName))
        }
        return string
    }

    static func strings(_ value: JSONValue, at path: @autoclosure () -> String) throws(ShapeError) -> [String] {
        guard let items = value.arrayValue else {
            throw ShapeError(path: path(), problem: .wrongType(expected: "an array of strings", found: value.kindName))
        }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            strings.append(try string(item, at: "\(path())[\(index)]"))
        }
        return strings
    }

    static func int64(_ value: JSONValue, at path: @autoclosure () -> String) throws(ShapeError) -> Int64 {
        guard case .number = value else {
            throw ShapeError(path: path(), problem: .wrongType(expected: "an integer", found: value.kindName))
        }
        guard let integer = value.int64Value else {
            throw ShapeError(path: path(), problem: .invalidValue("expected a whole number that fits in 64 bits"))
        }
        return integer
    }
}

extension ObjectReader {
    mutating func optionalTimestamp(_ key: String) throws(ShapeError) -> Timestamp? {
        guard let text = try optionalString(key) else { return nil }
        guard let instant = Timestamp(rfc3339: text) else {
            throw ShapeError(path: path(of: key), problem: .invalidValue("is not an RFC 3339 time", value: text))
        }
        return instant
    }

    mutating func timestamp(_ key: String) throws(ShapeError) -> Timestamp {
        guard let instant = try optionalTimestamp(key) else { throw ShapeError(path: path, problem: .missingKey(key)) }
        return instant
    }
}
