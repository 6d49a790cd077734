/// Why a catalog was refused. Every case names what to fix: the path of the bad key, the id that is
/// duplicated or missing, or the chain of operations that loops.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not JSON at all.
    case invalidJSON(JSONError)
    /// The JSON does not have the catalog's shape (unknown key, missing key, wrong type, bad value).
    case shape(ShapeError)
    /// Two entries of one kind share an id.
    case duplicateID(kind: String, id: String)
    /// An entry refers to an id the catalog does not define.
    case unknownReference(path: String, kind: String, id: String)
    /// Following `then` from the first id comes back to it; the ids are the loop in order.
    case cycle([String])

    public var description: String {
        switch self {
        case .invalidJSON(let error): return "catalog is not valid JSON: \(error)"
        case .shape(let error): return "catalog \(error)"
        case .duplicateID(let kind, let id): return "catalog defines \(kind) \"\(id)\" more than once"
        case .unknownReference(let path, let kind, let id): return "catalog \(path): no \(kind) with id \"\(id)\""
        case .cycle(let ids):
            return "catalog custom operations loop through `then`: \((ids + [ids[0]]).joined(separator: " → "))"
        }
    }

    /// The description without the catalog's own ids, keys and values, for an answer to a client.
    public var withoutInput: String {
        switch self {
        case .invalidJSON: return description
        case .shape(let error): return "catalog \(error.withoutInput)"
        case .duplicateID(let kind, _): return "catalog defines a \(kind) id more than once"
        case .unknownReference(let path, let kind, _): return "catalog \(path): no \(kind) with that id"
        case .cycle(let ids): return "catalog custom operations loop through `then` (\(ids.count) of them)"
        }
    }
}
