// A TypeScript client of async-demo, written against the types that openapi-typescript generates from
// openapi.yaml ("async-demo-api", the generated api.d.ts; see tsconfig.json).  Nothing here runs: the test
// (ctest clients.typescript) only type-checks it, strictly, to show that a standard generator of another
// ecosystem reads the spec and yields types a client can use -- typed path, query and body parameters, and
// one typed body per documented status.  The `@ts-expect-error` lines prove that wrong types are rejected:
// if one of them stopped being an error, tsc would fail on the unused directive.

import type { components, operations, paths } from "async-demo-api";

type Schemas = components["schemas"];
type User = Schemas["User"];
type UserCreate = Schemas["UserCreate"];
type UserPage = Schemas["UserPage"];
type HTTPError = Schemas["HTTPError"];
type HTTPValidationError = Schemas["HTTPValidationError"];
type ExternalData = Schemas["ExternalData"];
type Task = Schemas["Task"];

// --- a minimal typed client, derived from the generated operation table ---------------------------------

type OperationId = keyof operations;
type Responses<Op extends OperationId> = operations[Op]["responses"];
type JsonOf<R> = R extends { content: { "application/json": infer Body } } ? Body : never;

/** The answer of an operation: one variant per status documented in openapi.yaml, with its body. */
type Result<Op extends OperationId> = {
  [Status in keyof Responses<Op>]: { status: Status; body: JsonOf<Responses<Op>[Status]> };
}[keyof Responses<Op>];

type PathParams<Op extends OperationId> = operations[Op]["parameters"]["path"];
type QueryParams<Op extends OperationId> = NonNullable<operations[Op]["parameters"]["query"]>;
type JsonBody<Op extends OperationId> = JsonOf<NonNullable<operations[Op]["requestBody"]>>;

async function send<Op extends OperationId>(method: string, url: string, body?: unknown): Promise<Result<Op>> {
  const init: RequestInit = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers = { Accept: "application/json", "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  // The one unchecked step of any client: trusting the server to answer as documented.
  return { status: res.status, body: await res.json() } as Result<Op>;
}

export class AsyncDemoClient {
  constructor(private readonly baseUrl: string) {}

  getUser(path: PathParams<"get_user">): Promise<Result<"get_user">> {
    return send("GET", `${this.baseUrl}/users/${encodeURIComponent(path.user_email)}`);
  }

  createUser(body: JsonBody<"create_user">): Promise<Result<"create_user">> {
    return send("POST", `${this.baseUrl}/users/`, body);
  }

  listUsers(query: QueryParams<"list_users"> = {}): Promise<Result<"list_users">> {
    const q = new URLSearchParams();
    if (query.limit !== undefined) q.set("limit", String(query.limit));
    if (query.offset !== undefined) q.set("offset", String(query.offset));
    return send("GET", `${this.baseUrl}/users/?${q.toString()}`);
  }

  fetchExternalData(): Promise<Result<"fetch_external_data">> {
    return send("GET", `${this.baseUrl}/fetch-external-data`);
  }

  asyncDelay(path: PathParams<"async_delay">): Promise<Result<"async_delay">> {
    return send("GET", `${this.baseUrl}/async-delay/${path.seconds}`);
  }

  getTask(path: PathParams<"get_task">): Promise<Result<"get_task">> {
    return send("GET", `${this.baseUrl}/tasks/${encodeURIComponent(path.task_id)}`);
  }
}

// --- the generated tables agree with each other and with the spec ---------------------------------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

// The path table and the operation table describe the same operations.
assertType<Equal<paths["/users/{user_email}"]["get"], operations["get_user"]>>();
assertType<Equal<paths["/users/"]["post"], operations["create_user"]>>();
// create_user's body is UserCreate; get_user's 200 is User and its 404 HTTPError.
assertType<Equal<JsonBody<"create_user">, UserCreate>>();
assertType<Equal<JsonOf<Responses<"get_user">[200]>, User>>();
assertType<Equal<JsonOf<Responses<"get_user">[404]>, HTTPError>>();
// Exactly the statuses documented in openapi.yaml, no more, no fewer.
assertType<Equal<keyof Responses<"get_user">, 200 | 404 | 422 | 503>>();
assertType<Equal<keyof Responses<"create_user">, 201 | 409 | 422 | 503>>();
assertType<Equal<keyof Responses<"fetch_external_data">, 200>>();
// The bounded query parameters of list_users are optional integers (they have defaults).
assertType<Equal<QueryParams<"list_users">, { limit?: number; offset?: number }>>();

// --- using it the way a client would ---------------------------------------------------------------------

function describeValidationError(err: HTTPValidationError): string {
  // `detail` is optional in the schema (as in FastAPI's); `ctx` is a free-form object.
  return (err.detail ?? [])
    .map((e) => {
      const where: string = e.loc.map(String).join(".");
      const bound: unknown = e.ctx?.["le"];
      return `${where}: ${e.msg} (${e.type}${bound === undefined ? "" : `, le=${String(bound)}`})`;
    })
    .join("; ");
}

export async function showUser(client: AsyncDemoClient, email: string): Promise<string> {
  const r = await client.getUser({ user_email: email });
  switch (r.status) {
    case 200: {
      const user: User = r.body;
      const id: number = user.id;
      const created: Date = new Date(user.created_at);
      // @ts-expect-error -- User.id is an integer, not a string
      const wrongId: string = user.id;
      void wrongId;
      return `#${id} ${user.full_name} <${user.email}>, since ${created.toISOString()}`;
    }
    case 404: {
      const err: HTTPError = r.body;
      return `not found: ${err.detail}`;
    }
    case 422:
      return `invalid: ${describeValidationError(r.body)}`;
    case 503:
      return `try later: ${r.body.detail}`;
    default: {
      // Every documented status is handled above.
      const unhandled: never = r;
      return unhandled;
    }
  }
}

export async function register(client: AsyncDemoClient): Promise<User | undefined> {
  const body: UserCreate = { email: "ada@example.com", full_name: "Ada Lovelace" };
  const r = await client.createUser(body);
  if (r.status === 201) return r.body;
  if (r.status === 409) console.warn(r.body.detail);
  if (r.status === 422) console.warn(describeValidationError(r.body));

  // @ts-expect-error -- full_name is a string, not a number
  const wrongType: UserCreate = { email: "ada@example.com", full_name: 42 };
  // @ts-expect-error -- full_name is required
  const missing: UserCreate = { email: "ada@example.com" };
  // @ts-expect-error -- email is required in create_user's body
  await client.createUser({ full_name: "Ada Lovelace" });
  void wrongType;
  void missing;
  return undefined;
}

export async function pages(client: AsyncDemoClient): Promise<User[]> {
  const r = await client.listUsers({ limit: 10, offset: 0 });
  // @ts-expect-error -- limit is an integer, not a string
  await client.listUsers({ limit: "10" });
  if (r.status !== 200) return [];
  const page: UserPage = r.body;
  return page.items;
}

export async function external(client: AsyncDemoClient): Promise<number> {
  const r = await client.fetchExternalData();
  // The only documented status: no narrowing needed.
  const data: ExternalData = r.body;
  let answered = 0;
  for (const source of data.sources) {
    // status and error are nullable: a service that did not answer has status null and an error.
    if (source.status !== null) answered += 1;
    else console.warn(`${source.url}: ${source.error ?? "no answer"}`);
    const json: unknown = source.data;
    void json;
  }
  const first = data.sources[0];
  if (first !== undefined) {
    // @ts-expect-error -- status may be null
    const code: number = first.status;
    void code;
  }
  return answered + data.succeeded - data.failed;
}

export async function delays(client: AsyncDemoClient): Promise<number | undefined> {
  const r = await client.asyncDelay({ seconds: 1.5 });
  // @ts-expect-error -- seconds is a number
  await client.asyncDelay({ seconds: "1.5" });
  switch (r.status) {
    case 200:
      return r.body.actual_seconds;
    case 422: {
      const err: HTTPValidationError = r.body;
      console.warn(describeValidationError(err));
      return undefined;
    }
    case 500:
      console.warn(r.body.detail);
      return undefined;
  }
}

export async function taskDone(client: AsyncDemoClient, id: string): Promise<boolean> {
  const r = await client.getTask({ task_id: id });
  if (r.status !== 200) return false;
  const task: Task = r.body;
  // @ts-expect-error -- "finished" is not one of the task states (queued, running, done, failed)
  if (task.status === "finished") return true;
  return task.status === "done" && task.result !== null;
}
