/// What one campaign did: its figures, in order, and every failure with the seed that replays it.
public struct CampaignReport: Sendable {
    /// One failing round.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The seed that replays it (`memberledger-torture CAMPAIGN --seed SEED`).
        public var seed: UInt64
        /// What was wrong.
        public var message: String

        /// Creates a failure record.
        public init(seed: UInt64, message: String) {
            self.seed = seed
            self.message = message
        }

        /// "seed N: message".
        public var description: String { "seed \(seed): \(message)" }
    }

    /// The campaign's name, as in `Docs/reliability.md`.
    public var name: String
    /// Named figures in the order they were added ("rounds", "faults injected", ...).
    public private(set) var figures: [(name: String, value: Int)] = []
    /// Every failing round.
    public var failures: [Failure] = []
    /// Examples worth a human's look that are not failures (the first few of a kind).
    public var notes: [String] = []

    /// An empty report for `name`.
    public init(name: String) {
        self.name = name
    }

    /// Adds `amount` to the figure `name`, creating it in order of first use.
    public mutating func count(_ name: String, _ amount: Int = 1) {
        if let index = figures.firstIndex(where: { $0.name == name }) {
            figures[index].value += amount
        } else {
            figures.append((name, amount))
        }
    }

    /// The figure `name` (0 when never counted).
    public subscript(_ name: String) -> Int {
        figures.first { $0.name == name }?.value ?? 0
    }

    /// One line: the name, every figure, and the failures' count.
    public var summary: String {
        let parts = figures.map { "\($0.name) \($0.value)" } + ["failures \(failures.count)"]
        return "\(name): " + parts.joined(separator: ", ")
    }
}
