import MemberLedgerCore

print("memberledger")
