/** The trader's key: an ethers wallet kept as an encrypted JSON keystore (scrypt) under a passphrase. */
import { Wallet, encryptKeystoreJson, isKeystoreJson, type ProgressCallback } from 'ethers';

export interface KeystoreOptions {
  /** scrypt cost, default 2^17 as ethers uses; tests may lower it */
  scryptN?: number;
  progress?: ProgressCallback;
}

export async function generateKeystore(passphrase: string, options: KeystoreOptions = {}): Promise<{ address: string; keystore: string }> {
  if (passphrase.length < 8) {
    throw new RangeError('the passphrase must be at least 8 characters');
  }
  const wallet = Wallet.createRandom();
  const keystore = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, passphrase, {
    scrypt: { N: options.scryptN ?? 131_072 },
    ...(options.progress ? { progressCallback: options.progress } : {}),
  });
  return { address: wallet.address, keystore };
}

export async function openKeystore(keystore: string, passphrase: string, progress?: ProgressCallback): Promise<Wallet> {
  if (!isKeystoreJson(keystore)) {
    throw new Error('the keystore is not an encrypted JSON keystore (made by `trader keygen`)');
  }
  try {
    const wallet = await Wallet.fromEncryptedJson(keystore, passphrase, progress);
    return new Wallet(wallet.privateKey);
  } catch (err) {
    // ethers says "incorrect password" with its own internals attached
    if (err instanceof Error && /incorrect password/i.test(err.message)) {
      throw new Error('the passphrase does not open this keystore');
    }
    throw new Error('the keystore could not be opened: it is damaged or not one `trader keygen` wrote', { cause: err });
  }
}
