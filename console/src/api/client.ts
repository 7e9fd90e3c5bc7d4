// The API client, typed from docs/openapi.json (`npm run generate`): a change of the API that
// breaks the console breaks its build.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { session } from "../session";
import { config } from "../config";

/** An error envelope as the API answers it: shown with its message, never a blank screen. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    // Deployed, the API is elsewhere (config.json's api_url); under `make dev` it is this origin.
    if (config.api_url && request.url.startsWith(location.origin)) {
      request = new Request(config.api_url + request.url.slice(location.origin.length), request);
    }
    const current = session.value;
    if (current) request.headers.set("Authorization", `Bearer ${current.token}`);
    request.headers.set("Accept-Language", session.lang === "zh" ? "zh-CN" : "en");
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

type Envelope<T> = { code?: number; msg?: string; data?: T };

/** The `data` of a 2xx envelope, or an ApiFailure with the envelope's message. */
export async function unwrap<T>(
  call: Promise<{ data?: Envelope<T>; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (data && response.ok) return data.data as T;
  const envelope = (error ?? {}) as Partial<Envelope<unknown>>;
  throw new ApiFailure(response.status, envelope.code ?? -1, envelope.msg ?? `HTTP ${response.status}`);
}
