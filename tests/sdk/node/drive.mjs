// Drives a Paddle API (the emulator) with Paddle's official Node SDK and prints what came back.
//
//   PADDLE_API_KEY=... node drive.mjs <base URL> < plan.json
//
// The plan (JSON on stdin) names the seeded data to use:
//   {customer_id, email, subscription_ids: [2 of that customer's], foreign_subscription_id,
//    unknown_customer_id, wrong_api_key, per_page, payment_statuses}
// Prints one JSON object: for each operation, the SDK classes of what it returned (or of the
// error it threw), the ids, and any field the SDK's entity left `undefined` (a key it reads that
// the answer lacked). tests/sdk/test_node_sdk.py asserts on it. Exits non-zero only on bad usage.
//
// The SDK has no documented base-URL option: `environment` is typed as the `Environment` enum, but
// Client.getBaseUrl() uses any value that is not an enum member as the base URL itself.
import {
  ApiError,
  Customer,
  CustomerCollection,
  CustomerPortalSession,
  CustomerPortalSubscriptionUrl,
  Paddle,
  PaymentMethod,
  PaymentMethodCollection,
  Subscription,
  SubscriptionCollection,
  SDK_VERSION,
  Transaction,
  TransactionCollection,
} from '@paddle/paddle-node-sdk';

const [baseUrl] = process.argv.slice(2);
const apiKey = process.env.PADDLE_API_KEY;
if (!baseUrl || !apiKey) {
  console.error('usage: PADDLE_API_KEY=... node drive.mjs <base URL> < plan.json');
  process.exit(2);
}
const plan = JSON.parse(await readStdin());
const paddle = new Paddle(apiKey, { environment: baseUrl });

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// Paths of fields an entity left undefined: the SDK read a key that the answer did not have.
function undefinedFields(value, path = '', found = []) {
  if (value === undefined) {
    found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, n) => undefinedFields(item, `${path}[${n}]`, found));
  } else if (value !== null && typeof value === 'object' && value.constructor !== Object) {
    // Only the SDK's own classes: free-form objects (custom_data) have no expected keys.
    for (const [key, field] of Object.entries(value)) undefinedFields(field, path ? `${path}.${key}` : key, found);
  }
  return found;
}

function className(value) {
  return value?.constructor?.name ?? typeof value;
}

function describeError(error) {
  if (error instanceof ApiError) {
    return {
      thrown: 'ApiError',
      api_error: true,
      type: error.type,
      code: error.code,
      detail: error.detail,
      fields: (error.errors ?? []).map((e) => e.field),
    };
  }
  return { thrown: className(error), api_error: false, message: String(error?.stack ?? error) };
}

async function attempt(operation) {
  try {
    return { thrown: null, ...(await operation()) };
  } catch (error) {
    return describeError(error);
  }
}

async function failure(operation) {
  try {
    return { thrown: null, returned: className(await operation()) };
  } catch (error) {
    return describeError(error);
  }
}

// Every item of a list, following the SDK's own paging (it requests `meta.pagination.next`).
async function listAll(collection, entityClass, collectionClass) {
  const items = [];
  let pages = 0;
  while (collection.hasMore) {
    const page = await collection.next();
    pages += 1;
    items.push(...page);
    if (pages > 1000) throw new Error('pagination does not end');
  }
  return {
    collection_class: collection instanceof collectionClass ? collectionClass.name : className(collection),
    all_entities: items.every((item) => item instanceof entityClass),
    entity_class: entityClass.name,
    pages,
    ids: items.map((item) => item.id),
    undefined_fields: undefinedFields(items),
  };
}

function entity(value, entityClass) {
  return {
    is_entity: value instanceof entityClass,
    entity_class: className(value),
    id: value.id,
    undefined_fields: undefinedFields(value),
  };
}

async function portalSession(subscriptionIds) {
  const session = await paddle.customerPortalSessions.create(plan.customer_id, subscriptionIds);
  return {
    ...entity(session, CustomerPortalSession),
    customer_id: session.customerId,
    overview: session.urls.general.overview,
    subscription_ids: session.urls.subscriptions.map((links) => links.id),
    link_entities: session.urls.subscriptions.every((links) => links instanceof CustomerPortalSubscriptionUrl),
  };
}

const results = {
  sdk_version: SDK_VERSION,
  list_customers_paged: await attempt(() =>
    listAll(paddle.customers.list({ perPage: plan.per_page, orderBy: 'id[ASC]' }), Customer, CustomerCollection),
  ),
  list_customers_by_email: await attempt(() =>
    listAll(paddle.customers.list({ email: [plan.email] }), Customer, CustomerCollection),
  ),
  get_customer: await attempt(async () => {
    const customer = await paddle.customers.get(plan.customer_id);
    return { ...entity(customer, Customer), email: customer.email, name: customer.name };
  }),
  list_subscriptions: await attempt(() =>
    listAll(
      paddle.subscriptions.list({ customerId: [plan.customer_id], perPage: 2 }),
      Subscription,
      SubscriptionCollection,
    ),
  ),
  list_all_subscriptions: await attempt(() =>
    listAll(paddle.subscriptions.list({ perPage: 200 }), Subscription, SubscriptionCollection),
  ),
  get_subscription: await attempt(async () => {
    const subscription = await paddle.subscriptions.get(plan.subscription_ids[0]);
    return { ...entity(subscription, Subscription), customer_id: subscription.customerId };
  }),
  list_payment_methods: await attempt(() =>
    listAll(paddle.paymentMethods.list(plan.customer_id), PaymentMethod, PaymentMethodCollection),
  ),
  list_transactions: await attempt(() =>
    listAll(
      paddle.transactions.list({ customerId: [plan.customer_id], status: plan.payment_statuses }),
      Transaction,
      TransactionCollection,
    ),
  ),
  list_all_transactions: await attempt(() =>
    listAll(paddle.transactions.list({ perPage: 30 }), Transaction, TransactionCollection),
  ),
  error_unknown_customer_payment_methods: await failure(() =>
    listAll(paddle.paymentMethods.list(plan.unknown_customer_id), PaymentMethod, PaymentMethodCollection),
  ),
  portal_session_0: await attempt(() => portalSession(undefined)),
  portal_session_1: await attempt(() => portalSession(plan.subscription_ids.slice(0, 1))),
  portal_session_2: await attempt(() => portalSession(plan.subscription_ids.slice(0, 2))),
  error_unknown_customer: await failure(() => paddle.customers.get(plan.unknown_customer_id)),
  error_unknown_customer_portal_session: await failure(() =>
    paddle.customerPortalSessions.create(plan.unknown_customer_id, []),
  ),
  error_wrong_key: await failure(() =>
    listAll(
      new Paddle(plan.wrong_api_key, { environment: baseUrl }).customers.list(),
      Customer,
      CustomerCollection,
    ),
  ),
  error_foreign_subscription: await failure(() =>
    paddle.customerPortalSessions.create(plan.customer_id, [plan.subscription_ids[0], plan.foreign_subscription_id]),
  ),
};
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
