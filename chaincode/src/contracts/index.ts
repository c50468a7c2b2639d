export { AgreementContract } from './agreement-contract';
export { ConsignmentContract } from './consignment-contract';
export { MembershipContract } from './membership-contract';
