/**
 * What the auditor reads from a channel configuration besides the CAs: the
 * policies that decide system transactions (the Application group's
 * `LifecycleEndorsement`, each organisation's `Endorsement`), and, for a
 * CONFIG block after the genesis block, which organisations' admins must
 * have signed its config update (Fabric's mod_policy defaults: an
 * organisation's own Admins for its group, MAJORITY of the members' Admins
 * for the Application group or the channel, the orderer organisation's
 * Admins for the Orderer group).
 */
import { common, msp } from '@hyperledger/fabric-protos';
import { signaturePolicySatisfied, type Endorsing } from './signature-policy';

export type ImplicitRule = 'ANY' | 'ALL' | 'MAJORITY';

export interface ChannelPolicies {
  /** /Channel/Application/LifecycleEndorsement when it is an implicit-meta policy, else null */
  lifecycleEndorsement: { rule: ImplicitRule; subPolicy: string } | null;
  /** /Channel/Application/Endorsement, the chaincode's default endorsement policy, when implicit-meta, else null */
  endorsement: { rule: ImplicitRule; subPolicy: string } | null;
  /** every application organisation's signature policies by name (SignaturePolicyEnvelope bytes), by MSP id */
  organisations: Map<string, Map<string, Uint8Array>>;
}

const RULES: Record<number, ImplicitRule> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

/** The MSP id of an organisation group: its MSP's name, else the group's key. */
function mspIdOf(group: common.ConfigGroup, key: string): string {
  const value = group.getValuesMap().get('MSP');
  if (!value) {
    return key;
  }
  try {
    return msp.FabricMSPConfig.deserializeBinary(msp.MSPConfig.deserializeBinary(value.getValue_asU8()).getConfig_asU8()).getName() || key;
  } catch {
    return key;
  }
}

export function readPolicies(config: common.Config | undefined): ChannelPolicies {
  const application = config?.getChannelGroup()?.getGroupsMap().get('Application');
  const organisations = new Map<string, Map<string, Uint8Array>>();
  application?.getGroupsMap().forEach((group: common.ConfigGroup, key: string) => {
    const policies = new Map<string, Uint8Array>();
    group.getPoliciesMap().forEach((p: common.ConfigPolicy, name: string) => {
      const policy = p.getPolicy();
      if (policy?.getType() === common.Policy.PolicyType.SIGNATURE) {
        policies.set(name, policy.getValue_asU8());
      }
    });
    organisations.set(mspIdOf(group, key), policies);
  });
  const implicitMeta = (name: string): ChannelPolicies['endorsement'] => {
    const policy = application?.getPoliciesMap().get(name)?.getPolicy();
    if (policy?.getType() !== common.Policy.PolicyType.IMPLICIT_META) {
      return null;
    }
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    const rule = RULES[meta.getRule()];
    return rule ? { rule, subPolicy: meta.getSubPolicy() } : null;
  };
  return { lifecycleEndorsement: implicitMeta('LifecycleEndorsement'), endorsement: implicitMeta('Endorsement'), organisations };
}

const needed = (rule: ImplicitRule, n: number): number => (rule === 'ANY' ? 1 : rule === 'ALL' ? n : Math.floor(n / 2) + 1);

/**
 * Whether endorsements satisfy the channel's LifecycleEndorsement, or its
 * Endorsement (the chaincode's endorsement policy: the definition refers to
 * /Channel/Application/Endorsement). Without such a policy in the
 * configuration Fabric's default applies: MAJORITY of the members'
 * Endorsement, an organisation's Endorsement being "a peer of the
 * organisation" when it defines none.
 */
export function channelEndorsementSatisfied(
  policies: ChannelPolicies,
  which: 'lifecycleEndorsement' | 'endorsement',
  members: readonly string[],
  endorsers: readonly Endorsing[],
): { satisfied: boolean; description: string } {
  const { rule, subPolicy } = policies[which] ?? { rule: 'MAJORITY' as const, subPolicy: 'Endorsement' };
  let count = 0;
  for (const member of members) {
    const envelope = policies.organisations.get(member)?.get(subPolicy);
    const ok = envelope ? signaturePolicySatisfied(envelope, endorsers) : endorsers.some((e) => e.isPeer && e.mspId === member);
    count += ok ? 1 : 0;
  }
  const n = needed(rule, members.length);
  return { satisfied: members.length > 0 && count >= n, description: `${rule} ${subPolicy} (${n} of ${members.length} members), satisfied by ${count}` };
}

/** Organisations whose admins must sign a config update, from the groups, values and policies its write set modifies. */
export function requiredConfigSigners(update: common.ConfigUpdate): { applicationOrgs: Set<string>; applicationMajority: boolean; orderer: boolean } {
  const out = { applicationOrgs: new Set<string>(), applicationMajority: false, orderer: false };
  const modifiedHere = (write: common.ConfigGroup, read: common.ConfigGroup | undefined): boolean => {
    if (!read || write.getVersion() !== read.getVersion()) {
      return true;
    }
    let changed = false;
    write.getValuesMap().forEach((v: common.ConfigValue, k: string) => {
      const r = read.getValuesMap().get(k);
      changed ||= !r || r.getVersion() !== v.getVersion();
    });
    write.getPoliciesMap().forEach((p: common.ConfigPolicy, k: string) => {
      const r = read.getPoliciesMap().get(k);
      changed ||= !r || r.getVersion() !== p.getVersion();
    });
    return changed;
  };
  const walk = (write: common.ConfigGroup, read: common.ConfigGroup | undefined, path: string[]): void => {
    if (modifiedHere(write, read)) {
      if (path[0] === 'Orderer') {
        out.orderer = true;
      } else if (path[0] === 'Application' && path.length === 2) {
        out.applicationOrgs.add(mspIdOf(write, path[1]!));
      } else {
        out.applicationMajority = true;
      }
    }
    write.getGroupsMap().forEach((child: common.ConfigGroup, key: string) => walk(child, read?.getGroupsMap().get(key), [...path, key]));
  };
  const write = update.getWriteSet();
  if (write) {
    walk(write, update.getReadSet(), []);
  }
  return out;
}

export { needed as implicitRuleNeeds };
