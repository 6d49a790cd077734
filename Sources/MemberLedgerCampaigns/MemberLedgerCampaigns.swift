/// The reliability campaigns: seeded storage faults under the journal, crash loops against the real
/// server, byte sweeps of journals and snapshots, and mutation fuzzing of the request and body parsers.
///
/// Each campaign is a value that runs a given number of rounds and returns a `CampaignReport` with its
/// figures and the seeds of any failing round, so the same code serves the fast versions in `swift test`
/// and the long versions that `memberledger-torture campaign` runs for `Docs/reliability.md`.
enum MemberLedgerCampaigns {}
