// Prints where everything is (all from the environment Styxy injected) and exits 0.
const { APP, ADMIN, METRICS, WEBHOOKS } = process.env;
console.log(`app      ${APP}`);
console.log(`admin    ${ADMIN}`);
console.log(`metrics  ${METRICS}`);
console.log(`webhooks ${WEBHOOKS}   (try: curl -X POST ${WEBHOOKS})`);
