/// What is wrong with a JSON document that parsed but does not have the shape we accept.
///
/// The path names the exact spot, in the same notation `jq` uses (`customOperations[1].actions[0]`), so
/// a user can find and fix it without reading our code.
public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of mismatch.
    public enum Problem: Sendable, Equatable {
        /// A required key is absent (or null).
        case missingKey(String)
        /// A key we do not know; rejected so that a typo never silently does nothing.
        case unknownKey(String)
        /// The value has another JSON type than the one required.
        case wrongType(expected: String, found: String)
        /// The value has the right type but is not acceptable; the text says why, after the value itself
        /// when it is given (left out where the document came from a client, see `withoutInput`).
        case invalidValue(String, value: String? = nil)
    }

    /// Where in the document, e.g. `teamPrograms[0].seats` (empty for the top level).
    public var path: String
    /// What is wrong there.
    public var problem: Problem

    /// Creates an error at a path.
    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        let place = path.isEmpty ? "top level" : path
        switch problem {
        case .missingKey(let key): return "\(place): missing required key \"\(key)\""
        case .unknownKey(let key): return "\(place): unknown key \"\(key)\""
        case .wrongType(let expected, let found): return "\(place): expected \(expected), found \(found)"
        case .invalidValue(let why, let value): return "\(place): \(value.map { "\"\($0)\" " } ?? "")\(why)"
        }
    }

    /// The description without the document's own keys and values, for an answer to a client (which must
    /// never echo what was sent): a path names only keys that were expected.
    public var withoutInput: String {
        let place = path.isEmpty ? "top level" : path
        switch problem {
        case .unknownKey: return "\(place): a key that is not taken here"
        case .invalidValue(let why, .some): return "\(place): the value \(why)"
        default: return description
        }
    }
}
