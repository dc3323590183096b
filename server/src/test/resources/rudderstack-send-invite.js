// Sends one invite twice, with the same messageId, through RudderStack's Node SDK as an app would: the SDK's
// defaults, only its data plane pointed at invitetrack. Exits 0 once both were delivered, 1 with the reason when
// the SDK reports a failure.
// Usage: NODE_PATH=<node_modules> node rudderstack-send-invite.js DATA_PLANE_URL WRITE_KEY MESSAGE_ID
'use strict';
const Analytics = require('@rudderstack/rudder-sdk-node');

const [dataPlaneUrl, writeKey, messageId] = process.argv.slice(2);
const client = new Analytics(writeKey, { dataPlaneUrl });

const invite = {
  userId: 'rudder-inviter',
  event: 'Invite Sent',
  messageId,
  properties: { invitee_email: 'Ada.Lovelace@Example.com', invitee_role: 'RudderStack' },
};

function track(message) {
  return new Promise((resolve, reject) => client.track(message, (err) => (err ? reject(err) : resolve())));
}

(async () => {
  // The SDK sends its first event at once and the next ones with flush(): two requests, the same invite.
  await track({ ...invite });
  const again = track({ ...invite });
  await client.flush();
  await again;
  console.log('delivered');
  process.exit(0);
})().catch((err) => {
  const response = err && err.response;
  console.error('failed: ' + (response ? response.status + ' ' + JSON.stringify(response.data) : String(err)));
  process.exit(1);
});
