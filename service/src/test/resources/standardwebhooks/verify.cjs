// Verifies one captured webhook with the Standard Webhooks reference library (npm "standardwebhooks"), once per
// secret. Input: a JSON file {"id", "timestamp", "signature", "body", "secrets": {name: "whsec_..."}}.
// Output: {name: true|false} on stdout. Used by dev.herald.contacts.SecretRotationTest.
const { Webhook } = require("standardwebhooks");
const fs = require("fs");
const m = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = {};
for (const [name, secret] of Object.entries(m.secrets)) {
  try {
    new Webhook(secret).verify(m.body, { "webhook-id": m.id, "webhook-timestamp": m.timestamp, "webhook-signature": m.signature });
    out[name] = true;
  } catch (e) {
    out[name] = false;
  }
}
process.stdout.write(JSON.stringify(out));
