/**
 * Secrets at rest: the master (key-encryption) keys that live outside the database and the sealing of secret values
 * with AES-256-GCM under them. Owns no table: the feature that owns a secret column seals what it writes and opens what
 * it uses through {@link dev.herald.secrets.SecretBox} (the contacts package for webhook secrets and outbound auth).
 * Keys: {@link dev.herald.secrets.MasterKeys} reads them from {@code master.key} ({@code HERALD_MASTER_KEY}), from the
 * file {@code master.key-file}, or for the embedded database from {@code data.dir/master.key}, created with mode 600
 * on first start. A sealed value is text {@code enc:v1:<keyId>:<base64 of nonce + ciphertext + tag>}, bound to its
 * row and column by associated data; text without that prefix is a plaintext value from before encryption (or a
 * fixture) and reads as itself until the start-up step seals it. Settings: {@link dev.herald.secrets.SecretsSettings}.
 */
package dev.herald.secrets;
