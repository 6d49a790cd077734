import MemberLedgerJournal

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A secret the server keeps in its data folder (the handshake, the admin token): it comes from an
/// environment variable when set and not empty, else from a file in the folder, which the first start
/// creates (0600, `O_EXCL`) with 32 characters from the system CSPRNG. Wherever it comes from, it must
/// meet one rule (`check`): ASCII letters and digits only, at least `minimumLength` of them.
public struct FolderSecret: Sendable {
    /// The file's name in the data folder.
    public let fileName: String
    /// The environment variable that, when set and not empty, holds the secret.
    public let environmentVariable: String
    /// The fewest characters accepted.
    public let minimumLength: Int

    /// Characters of a generated secret: letters and digits, safe in any URL or header without encoding.
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    /// The length of a generated secret.
    static let generatedLength = 32

    /// Describes a secret.
    public init(fileName: String, environmentVariable: String, minimumLength: Int) {
        precondition(minimumLength <= Self.generatedLength, "a generated secret must meet its own rule")
        self.fileName = fileName
        self.environmentVariable = environmentVariable
        self.minimumLength = minimumLength
    }

    /// The secret for a data folder, creating its file when neither the environment nor the file has one.
    ///
    /// - Throws: `SecretError` when the secret found breaks the rule (see `check`); the file system's
    ///   error when the file cannot be read or made.
    public func load(folder: DataFolder, environment: [String: String]) throws -> String {
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            try check(fromEnvironment, from: .environment(environmentVariable))
            return fromEnvironment
        }
        let path = "\(folder.path)/\(fileName)"
        if FileSystem.exists(path) {
            let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
                .filter { !$0.isWhitespace }
            try check(text, from: .file(path))
            return text
        }
        try FileSystem.makeDirectory(folder.path)
        let secret = generate()
        let file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL)
        defer { file.close() }
        try file.writeAll(Array((secret + "\n").utf8))
        try file.sync()
        return secret
    }

    /// A new secret: `generatedLength` characters of `alphabet` from the system CSPRNG.
    func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<Self.generatedLength).map { _ in Self.alphabet.randomElement(using: &generator)! })
    }

    /// The rule, wherever the secret comes from: ASCII letters and digits only (a look-alike such as a
    /// Cyrillic `а`, a space or a symbol is refused, so a URL or header holding it needs no encoding and
    /// means what it shows), and at least `minimumLength` of them.
    ///
    /// - Throws: the first character that is not an ASCII letter or digit, by position; else a length
    ///   under the minimum. The error never holds the secret.
    public func check(_ secret: String, from source: SecretError.Source) throws(SecretError) {
        for (offset, character) in secret.enumerated() where !Self.isLetterOrDigit(character) {
            throw .notLetterOrDigit(
                source: source, position: offset + 1, character: SecretError.CharacterKind(character))
        }
        let length = secret.count
        guard length >= minimumLength else { throw .tooShort(source: source, length: length, minimum: minimumLength) }
    }

    private static func isLetterOrDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(ascii)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(ascii)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii)
    }
}
