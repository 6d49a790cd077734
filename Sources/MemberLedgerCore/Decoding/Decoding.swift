/// The two steps every JSON document we accept goes through, each reporting its failure in the caller's
/// own error type: parsing the text, then reading its shape.

/// Parses JSON text, turning a parse error into the caller's error.
func parseJSON<Failure: Error>(
    _ text: some Collection<UInt8>, orThrow wrap: (JSONError) -> Failure
) throws(Failure) -> JSONValue {
    do {
        return try JSONParser.parse(text)
    } catch {
        throw wrap(error)
    }
}

/// Runs a shape-reading body, turning its error into the caller's error.
func readShape<Value, Failure: Error>(
    orThrow wrap: (ShapeError) -> Failure, _ body: () throws(ShapeError) -> Value
) throws(Failure) -> Value {
    do {
        return try body()
    } catch {
        throw wrap(error)
    }
}
