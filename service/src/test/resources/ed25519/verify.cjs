// Verifies one captured v1a webhook signature with node's own Ed25519 (OpenSSL), independent of the JDK that signed it.
// Input: a JSON file {"id", "timestamp", "signature", "body", "keys": {name: "whpk_..."}}.
// Output: {name: true|false} on stdout (true when any v1a entry of the header verifies with that key).
// Used by dev.herald.contacts.AsymmetricSigningTest.
const crypto = require("crypto");
const fs = require("fs");
const m = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const spkiPrefix = Buffer.from("302a300506032b6570032100", "hex");
const signed = Buffer.from(`${m.id}.${m.timestamp}.${m.body}`, "utf8");
const out = {};
for (const [name, key] of Object.entries(m.keys)) {
  const raw = Buffer.from(key.slice("whpk_".length), "base64");
  const publicKey = crypto.createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: "der", type: "spki" });
  out[name] = m.signature.split(" ").filter((p) => p.startsWith("v1a,"))
    .some((p) => crypto.verify(null, signed, publicKey, Buffer.from(p.slice(4), "base64")));
}
process.stdout.write(JSON.stringify(out));
