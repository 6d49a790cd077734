import MemberLedgerCore
print("memberledger")
