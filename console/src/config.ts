// Where the console is: under `make dev` nothing is configured (the API is this origin and the dev
// server signs in); deployed, `config.json` (written by scripts/deploy-console.sh) names the API
// and the OAuth 2.0 issuer the API's JWT authorizer trusts.
export type Config = {
  api_url: string;
  /** The authorization endpoint (Cognito's hosted UI: https://<domain>/oauth2/authorize). */
  authorize_url?: string;
  /** The token endpoint (Cognito: https://<domain>/oauth2/token). */
  token_url?: string;
  client_id?: string;
  scope?: string;
};

export const config: Config = { api_url: "" };

export async function loadConfig(): Promise<void> {
  try {
    const answer = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: "no-store" });
    if (answer.ok && (answer.headers.get("content-type") ?? "").includes("json")) {
      Object.assign(config, await answer.json());
    }
  } catch {
    // No config.json: `make dev`.
  }
}

export const usesIssuer = () => Boolean(config.authorize_url && config.token_url && config.client_id);
