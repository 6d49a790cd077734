import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// Exit codes, after sysexits.h (and 1 for a check that found damage).
enum ExitCode: Int32 {
    case ok = 0
    case checkFailed = 1
    case usage = 64
    case badData = 65
    case noInput = 66
    case unavailable = 69
    case ioError = 74
    case tempFail = 75
}

/// One option of a verb: `--name VALUE` or a `--switch`.
struct OptionSpec: Sendable {
    let name: String
    /// The value's placeholder (`DIR`, `SEQ`); nil for a switch.
    let value: String?
    let help: String

    static let data = OptionSpec(name: "--data", value: "DIR", help: "the data folder (default ./ledger-data)")
    static let json = OptionSpec(name: "--json", value: nil, help: "print JSON (one object, or one per line for lists)")
    static let asOf = OptionSpec(name: "--as-of", value: "TIME", help: "the state as of an RFC 3339 time")
    static let seq = OptionSpec(name: "--seq", value: "N", help: "the state right after record N")
}

/// A verb: its words, options, positional arguments and what it does.
struct VerbSpec: Sendable {
    let name: String
    let summary: String
    /// Positional arguments as shown in the usage line, e.g. `CONTACT` or `[FILE]`.
    let arguments: String
    let positionalCount: ClosedRange<Int>
    let options: [OptionSpec]
    let details: String
    let run: @Sendable (ParsedArguments) -> Never

    var usageLine: String {
        let options = self.options.map { "[\($0.name)\($0.value.map { " \($0)" } ?? "")]" }.joined(separator: " ")
        return "memberledger \(name)\(arguments.isEmpty ? "" : " \(arguments)")\(options.isEmpty ? "" : " \(options)")"
    }

    var help: String {
        var text = "\(summary)\n\nusage: \(usageLine)\n"
        if !options.isEmpty {
            text += "\noptions:\n"
            let width = options.map { $0.name.count + ($0.value.map { $0.count + 1 } ?? 0) }.max() ?? 0
            for option in options {
                let head = option.name + (option.value.map { " \($0)" } ?? "")
                text += "  \(head)\(String(repeating: " ", count: width - head.count + 2))\(option.help)\n"
            }
        }
        if !details.isEmpty { text += "\n\(details)\n" }
        return text
    }
}

/// A verb's arguments once parsed against its spec.
struct ParsedArguments: Sendable {
    let verb: VerbSpec
    var options: [String: String] = [:]
    var switches: Set<String> = []
    var positional: [String] = []

    /// Parses `words` (after the verb), failing with usage (64) on anything the verb does not take, and
    /// suggesting the option that was probably meant.
    init(_ words: [String], verb: VerbSpec) {
        self.verb = verb
        var index = 0
        while index < words.count {
            var word = words[index]
            index += 1
            if word == "--help" || word == "-h" {
                print(verb.help, terminator: "")
                exit(ExitCode.ok.rawValue)
            }
            guard word.hasPrefix("-"), word != "-" else {
                positional.append(word)
                continue
            }
            var inlineValue: String?
            if let equals = word.firstIndex(of: "=") {
                inlineValue = String(word[word.index(after: equals)...])
                word = String(word[..<equals])
            }
            guard let option = verb.options.first(where: { $0.name == word }) else {
                let hint =
                    Self.suggestion(for: word, among: verb.options.map(\.name)).map { " (did you mean \($0)?)" } ?? ""
                usageError(verb, "unknown option \(word)\(hint)")
            }
            if option.value == nil {
                if inlineValue != nil { usageError(verb, "\(word) takes no value") }
                switches.insert(word)
            } else if let inlineValue {
                options[word] = inlineValue
            } else {
                guard index < words.count else { usageError(verb, "\(word) needs a value (\(option.value!))") }
                options[word] = words[index]
                index += 1
            }
        }
        guard verb.positionalCount.contains(positional.count) else {
            usageError(
                verb,
                positional.count < verb.positionalCount.lowerBound
                    ? "missing \(verb.arguments)" : "unexpected argument \(positional[verb.positionalCount.upperBound])"
            )
        }
    }

    var folder: DataFolder { DataFolder(path: options["--data"] ?? DataFolder.defaultPath) }
    var json: Bool { switches.contains("--json") }

    /// An integer option, or usage failure.
    func integer(_ name: String, minimum: Int64 = 0) -> Int64? {
        guard let text = options[name] else { return nil }
        guard let value = Int64(text), value >= minimum else {
            usageError(verb, "\(name) takes a whole number ≥ \(minimum), got \(text)")
        }
        return value
    }

    /// A time option, or usage failure naming the expected format.
    func time(_ name: String) -> Timestamp? {
        guard let text = options[name] else { return nil }
        guard let instant = Timestamp(rfc3339: text) else {
            usageError(verb, "\(name) takes an RFC 3339 time such as 2026-03-01T09:00:00Z, got \(text)")
        }
        return instant
    }

    /// The replay target from `--seq` or `--as-of` (not both).
    var target: LedgerReplay.Target {
        if options["--seq"] != nil && options["--as-of"] != nil { usageError(verb, "give --seq or --as-of, not both") }
        if let seq = integer("--seq", minimum: 0) { return .seq(seq) }
        if let instant = time("--as-of") { return .time(instant) }
        return .end
    }

    /// The closest known name within a small edit distance, or one the word is a prefix of.
    static func suggestion(for word: String, among names: [String]) -> String? {
        if let prefixed = names.first(where: { $0.hasPrefix(word) }) { return prefixed }
        let scored = names.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= 3 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Prints a usage error for a verb and exits 64.
func usageError(_ verb: VerbSpec, _ message: String) -> Never {
    fail("\(verb.name): \(message)\nusage: \(verb.usageLine)\nrun `memberledger \(verb.name) --help` for more", .usage)
}

/// Prints an error to stderr and exits.
func fail(_ message: String, _ code: ExitCode) -> Never {
    emit(2, "memberledger: \(message)\n")
    exit(code.rawValue)
}

/// Writes a line to stdout at once (stdout to a pipe is otherwise buffered until exit).
func say(_ line: String) {
    emit(1, line + "\n")
}

/// Writes a warning to stderr.
func warn(_ line: String) {
    emit(2, "memberledger: warning: \(line)\n")
}

/// Writes text to a descriptor with write(2), retrying short writes and EINTR and ignoring every other
/// error: a closed pipe (the server ignores SIGPIPE) must never stop the program, as Foundation's
/// `FileHandle.write` would.
func emit(_ descriptor: Int32, _ text: String) {
    emit(descriptor, Array(text.utf8))
}

/// Writes bytes to a descriptor, ignoring errors (see `emit(_:_:)` for text).
func emit(_ descriptor: Int32, _ bytes: [UInt8]) {
    try? FileDescriptor(adopting: descriptor, path: "descriptor \(descriptor)").writeAll(bytes)
}
