/**
 * customs-ledger chaincode. `fabric-chaincode-node start` (peer-launched) and
 * `fabric-chaincode-node server` (chaincode as a service) both load the
 * `contracts` export of this package's main module.
 */
import { AgreementContract, ConsignmentContract, MembershipContract } from './contracts';

export { AgreementContract, ConsignmentContract, MembershipContract };
export const contracts = [AgreementContract, ConsignmentContract, MembershipContract];
