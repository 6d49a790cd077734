/// MemberLedgerQuery owns the read side's shapes and indexes: the JSON objects of a member, team,
/// subscription and coupon, the Webhooks Log entry and its filters, a contact's history, the ledger's
/// statistics, and `ReadModel`, the server's copy of the state and log that readers query without ever
/// taking the journal writer's lock. The CLI's `--json` output and the HTTP API are made by this one piece
/// of code, so they cannot drift apart.
