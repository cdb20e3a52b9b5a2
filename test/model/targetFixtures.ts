/** A UUID of Railway's shape, numbered: no placeholder, never a real ID. */
export const UUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** Valid `targets` for every platform: the model specs' starting point. */
export const VALID_TARGETS = {
  render: {
    ownerId: "tea-abcd1234",
    services: { api: ["srv-api00001"], worker: ["srv-wrk00001"] },
  },
  fly: { apps: { api: "pegasus-t-api", worker: "pegasus-t-worker" } },
  railway: {
    projectId: UUID(1),
    environmentId: UUID(2),
    services: { api: UUID(3), worker: UUID(4) },
  },
};
