// Signing in with the OAuth 2.0 authorization code flow and PKCE (RFC 7636), against the issuer
// config.json names: no client secret in the browser, the code useless without the verifier.
import { config } from "./config";
import { session, type Role } from "./session";

const VERIFIER = "order-console-pkce-verifier";
const STATE = "order-console-pkce-state";

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

const redirectUri = () => `${location.origin}${import.meta.env.BASE_URL}`;

/** Off to the issuer's sign-in page. */
export async function startSignIn(): Promise<void> {
  const verifier = randomText();
  const state = randomText();
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const url = new URL(config.authorize_url ?? "");
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.client_id ?? "",
    redirect_uri: redirectUri(),
    scope: config.scope ?? "openid",
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/** Back from the issuer with `?code=&state=`: the code and the verifier for tokens. */
export async function finishSignIn(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  if (!code) return false;
  const verifier = sessionStorage.getItem(VERIFIER);
  if (!verifier || params.get("state") !== sessionStorage.getItem(STATE)) {
    throw new Error("the sign-in came back with a state this browser did not send");
  }
  sessionStorage.removeItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  const answer = await fetch(config.token_url ?? "", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.client_id ?? "",
      code,
      redirect_uri: redirectUri(),
      code_verifier: verifier,
    }),
  });
  if (!answer.ok) throw new Error(`the issuer refused the sign-in (${answer.status})`);
  const tokens = (await answer.json()) as { id_token?: string; access_token?: string };
  const token = tokens.id_token ?? tokens.access_token ?? "";
  const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, string>;
  const role = (claims.role ?? claims["custom:role"] ?? "buyer") as Role;
  session.signIn({ role, token, name: claims.seller_id ?? claims["custom:seller_id"] ?? claims.sub ?? role });
  history.replaceState(null, "", redirectUri() + location.hash);
  return true;
}
