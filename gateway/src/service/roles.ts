/** The roles a gateway caller may hold; each acts through the wallet identity of the same role. */
export { ROLES, type Role } from 'customs-ledger-chaincode/domain';
