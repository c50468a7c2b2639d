/**
 * The member authorities, read from network/members.json: the one list the
 * embedded network, the real Fabric scripts and the gateways all use.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseJsonText, parseWith } from 'customs-ledger-chaincode/domain';

const port = z.number().int().min(1).max(65535);

const membersSchema = z.object({
  channel: z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/),
  chaincode: z.string().regex(/^[A-Za-z0-9_.+-]+$/),
  orderer: z.object({ mspId: z.string(), domain: z.string(), port, adminPort: port, operationsPort: port }),
  members: z
    .array(
      z.object({
        mspId: z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{1,62}$/),
        name: z.string().min(1),
        country: z.string().regex(/^[A-Z]{2}$/),
        domain: z.string(),
        peerPort: port,
        chaincodePort: port,
        operationsPort: port,
        gatewayPort: port,
      }),
    )
    .min(2),
});

export type NetworkMembers = z.infer<typeof membersSchema>;
export type Member = NetworkMembers['members'][number];

/** network/members.json of this checkout. */
export const DEFAULT_MEMBERS_FILE = resolve(__dirname, '../../../network/members.json');

export async function loadMembers(path = DEFAULT_MEMBERS_FILE): Promise<NetworkMembers> {
  return parseWith(membersSchema, parseJsonText(await readFile(path, 'utf8'), path), 'members');
}
